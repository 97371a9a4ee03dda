"""The test suite's own promises: it writes nothing into the working tree, and it skips
only what cannot run here, never a test that has nothing to do."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_screenshots_go_to_pytests_temporary_folder_unless_screenshot_dir_names_one(
    screenshots, tmp_path_factory
):
    if os.environ.get("SCREENSHOT_DIR"):
        assert screenshots == Path(os.environ["SCREENSHOT_DIR"])
    else:
        assert tmp_path_factory.getbasetemp() in screenshots.parents
        assert ROOT not in screenshots.parents


def test_with_no_fuzzer_crashes_to_replay_nothing_is_skipped(tmp_path):
    crashes = [p for p in (ROOT / "tests" / "fuzz" / "crashes").iterdir() if p.name != ".gitkeep"]
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", "tests/test_fuzz_crashes.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout
    assert "skipped" not in result.stdout, result.stdout
    assert f"{len(crashes) + 1} passed" in result.stdout

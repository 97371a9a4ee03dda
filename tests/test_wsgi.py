"""The production entry point: one BLAS thread per process, the models, the not-a-digit
check and the segment scorer loaded at start-up."""

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.helpers import SECRET

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import json
import digitsite.wsgi
from recognizer import model_store
from threadpoolctl import threadpool_info
blas = [p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"]
loaded = sorted(p.name for p, e in model_store._entries.items() if e.model is not None)
print(json.dumps({"blas_threads": blas, "loaded": loaded}))
"""


def run_python(code: str, env: dict) -> subprocess.CompletedProcess:
    """Run code in a fresh interpreter, with no DJANGO_* or *_NUM_THREADS variables but `env`."""
    clean = {
        k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS") and not k.startswith("DJANGO")
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def run_probe(**env):
    result = run_python(PROBE, {"DJANGO_SECRET_KEY": SECRET, "DJANGO_ALLOWED_HOSTS": "localhost", **env})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_web_process_runs_blas_on_one_thread_and_loads_every_model_at_start_up():
    probe = run_probe()
    assert probe["blas_threads"] and set(probe["blas_threads"]) == {1}
    models = sorted(p.name for p in (ROOT / "nn" / "models").glob("*.pkl"))
    assert len(models) >= 2
    assert probe["loaded"] == sorted([*models, "not_digit.pkl", "scorer.pkl"])


def test_the_web_process_starts_even_when_the_default_model_file_is_missing(tmp_path):
    probe = run_probe(DIGITS_MODEL=str(tmp_path / "absent.pkl"))
    models = sorted(p.name for p in (ROOT / "nn" / "models").glob("*.pkl"))
    assert probe["loaded"] == sorted([*models, "not_digit.pkl", "scorer.pkl"])


def test_without_a_secret_key_production_settings_refuse_to_start():
    result = run_python("import django; django.setup()", {"DJANGO_SETTINGS_MODULE": "digitsite.settings"})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr

"""The production entry point: one BLAS thread per process, models and the segment scorer
loaded at start-up."""

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
from recognizer import drawings, model_store
from threadpoolctl import threadpool_info
blas = [p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"]
loaded = sum(e.model is not None for e in model_store._entries.values())
print(json.dumps({"blas_threads": blas, "models_loaded": loaded, "scorer_loaded": drawings.scorer.cache_info().currsize}))
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
    assert probe["models_loaded"] == len(list((ROOT / "nn" / "models").glob("*.pkl"))) >= 2
    assert probe["scorer_loaded"] == 1


def test_the_web_process_starts_even_when_the_default_model_file_is_missing(tmp_path):
    probe = run_probe(DIGITS_MODEL=str(tmp_path / "absent.pkl"))
    assert probe["models_loaded"] == len(list((ROOT / "nn" / "models").glob("*.pkl")))


def test_without_a_secret_key_production_settings_refuse_to_start():
    result = run_python("import django; django.setup()", {"DJANGO_SETTINGS_MODULE": "digitsite.settings"})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr

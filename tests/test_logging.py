"""Logs: timestamped, levelled lines on stderr; a 500 is logged with its traceback, and
what a client causes is one line without one. Each case runs the real settings in a
fresh process and reads what it wrote."""

import logging
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETUP = """
import os
os.environ.update(DJANGO_SETTINGS_MODULE="digitsite.settings", DJANGO_DEBUG="0", DJANGO_SECRET_KEY="secret-key-for-tests-only-0123456789-abcdefghijklmnopqrstuvwxyz",
                  DJANGO_ALLOWED_HOSTS="testserver", DJANGO_HTTPS="0", DJANGO_HASHED_STATIC="0")
import django
django.setup()
from django.test import Client
client = Client(raise_request_exception=False)
"""
STAMP = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4} "


def run(code: str, **env) -> str:
    """Run code after SETUP in a fresh interpreter; what it wrote to stderr."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO")}
    result = subprocess.run(
        [sys.executable, "-c", SETUP + code],
        cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stderr


def test_a_page_that_fails_with_a_500_is_logged_with_time_level_and_traceback():
    err = run("""
from recognizer import services
def broken():
    raise RuntimeError("the database file has gone")
services.labelled_drawing_stats = broken
assert client.get("/labelled-drawings").status_code == 500
""")
    assert re.search(
        STAMP + r"ERROR django\.request: Internal Server Error: /labelled-drawings$", err, re.M
    ), err
    assert "Traceback" in err and "RuntimeError: the database file has gone" in err


def test_the_apps_own_messages_carry_time_and_level():
    err = run('import logging; logging.getLogger("recognizer").warning("model reloaded")')
    assert re.search(STAMP + r"WARNING recognizer: model reloaded$", err, re.M), err


def test_a_flood_of_refused_requests_is_one_line_of_counts_holding_nothing_the_clients_sent():
    err = run("""
for i in range(200):
    assert client.get("/", headers={"host": f"evil{i}.example"}).status_code == 400
    assert client.get(f"/no-such-page-{i}").status_code == 404
    assert client.post("/api/predict", b"{", content_type="application/json").status_code == 400
    assert client.post("/api/predict", {"pixels": [0] * 784, "model": "m" * 300}, content_type="application/json").status_code == 400
""")
    lines = err.strip().splitlines()
    assert len(lines) == 1, err[-2000:]  # the first refusal at once; the rest wait a minute
    assert re.search(STAMP + r"WARNING django\.security\.DisallowedHost: requests refused in the last \d+ s: 1 x 400$",
                     lines[0]), lines  # fmt: skip
    assert "evil" not in err and "no-such-page" not in err and "mmmm" not in err and "Traceback" not in err


def test_the_counts_of_refused_requests_are_written_once_a_minute(monkeypatch):
    from recognizer import logs

    clock = [1000.0]
    monkeypatch.setattr(logs.time, "monotonic", lambda: clock[0])
    counting = logs.CountRejections()

    def refused(status: int) -> bool:
        record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Gone: %s", ("/x",), None)
        record.status_code = status
        passed = counting.filter(record)
        return passed and record.getMessage()

    assert refused(404) == "requests refused in the last 60 s: 1 x 404"
    clock[0] += 30
    assert [refused(s) for s in (404, 429, 429)] == [False] * 3
    clock[0] += 31
    assert refused(400) == "requests refused in the last 61 s: 1 x 400, 1 x 404, 2 x 429"
    served = logging.LogRecord(
        "django.request", logging.ERROR, __file__, 1, "Internal Server Error", (), None
    )
    served.status_code = 500
    assert counting.filter(served) and served.getMessage() == "Internal Server Error"  # ours: every one


def test_an_unknown_log_level_is_refused_by_name():
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO")}
    result = subprocess.run(
        [sys.executable, "-c", SETUP], cwd=ROOT, env={**clean, "LOG_LEVEL": "loud"},
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode != 0
    assert "LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL, not 'LOUD'" in result.stderr

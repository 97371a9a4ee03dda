"""Logs: timestamped, levelled lines on stderr; a 500 is logged with its traceback, and
what a client causes is one line without one. Each case runs the real settings in a
fresh process and reads what it wrote."""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETUP = """
import os
os.environ.update(DJANGO_SETTINGS_MODULE="digitsite.settings", DJANGO_DEBUG="0", DJANGO_SECRET_KEY="logs",
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


def test_what_a_client_causes_is_one_line_without_a_traceback():
    err = run("""
assert client.get("/", headers={"host": "evil.example"}).status_code == 400
assert client.get("/no-such-page").status_code == 404
""")
    assert re.search(
        STAMP + r"ERROR django\.security\.DisallowedHost: Invalid HTTP_HOST header", err, re.M
    ), err
    assert re.search(STAMP + r"WARNING django\.request: Not Found: /no-such-page$", err, re.M), err
    assert "Traceback" not in err


def test_an_unknown_log_level_is_refused_by_name():
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO")}
    result = subprocess.run(
        [sys.executable, "-c", SETUP], cwd=ROOT, env={**clean, "LOG_LEVEL": "loud"},
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode != 0
    assert "LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL, not 'LOUD'" in result.stderr

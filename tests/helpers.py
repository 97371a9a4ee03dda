"""Helpers for the tests that run the site as production does, in processes of its own."""

import os
import socket
import string
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECRET = string.ascii_letters + string.digits  # 62 varied characters, as the deploy check wants


def production_env(**extra) -> dict:
    """This process's environment without its DJANGO_* settings, plus production's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO")}
    env.update(DJANGO_SECRET_KEY=SECRET, DJANGO_ALLOWED_HOSTS="digits.example.com,127.0.0.1", **extra)
    return env


def manage(*command: str, env: dict, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *command],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False,
    )  # fmt: skip


def prepare_site(env: dict) -> None:
    """The database migrated and the static files collected, as the README's steps do."""
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
        done = manage(*command, env=env)
        assert done.returncode == 0, done.stderr


def free_port(ports=range(8400, 8500)) -> int:
    for port in ports:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port")


def wait_until_answering(
    url: str, process: subprocess.Popen, log: Path | None = None, seconds: float = 60
) -> None:
    """Poll `url` until it answers 200; fail with the process's log if it exits or never does."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if urllib.request.urlopen(url, timeout=2).status == 200:
                return
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise AssertionError(f"{url} never answered" + (":\n" + log.read_text()[-3000:] if log else ""))

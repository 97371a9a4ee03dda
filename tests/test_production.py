"""The production set-up: deploy checks pass, and gunicorn serves the site with hashed,
compressed static files and working predictions."""

import json
import os
import sqlite3
import subprocess
import sys
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.cookiejar import CookieJar
from pathlib import Path

import pytest

from tests.helpers import ROOT, free_port, prepare_site, production_env, wait_until_answering


def test_the_deploy_check_passes_with_the_production_environment():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=production_env(DJANGO_DEBUG="0"), capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="module")
def database(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("db") / "digits.sqlite3"


@pytest.fixture(scope="module")
def gunicorn(tmp_path_factory, database):
    static_root = tmp_path_factory.mktemp("static")
    # Plain HTTP on loopback: told otherwise, as a local test is. Every test client comes
    # from 127.0.0.1, so the rate limit is raised out of the way.
    env = production_env(
        DJANGO_DEBUG="0", DJANGO_HTTPS="0", DJANGO_STATIC_ROOT=str(static_root),
        DATABASE_URL=f"sqlite:///{database}", LABELLED_DRAWINGS_PER_MINUTE="1000",
    )  # fmt: skip
    prepare_site(env)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "digitsite/gunicorn.conf.py", "digitsite.wsgi"],
        cwd=ROOT, env={**env, "BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "2"},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    wait_until_answering(url + "/api/openapi.json", server)
    yield url
    server.terminate()
    server.wait(timeout=30)


def get(url, **headers):
    return urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10)


def test_gunicorn_serves_the_page_with_hashed_static_files_cached_for_a_year(gunicorn):
    page = get(gunicorn + "/")
    html = page.read().decode()
    assert "Content-Security-Policy" in page.headers
    main = next(part.split('"')[0] for part in html.split('src="')[1:] if "main." in part)
    assert main.startswith("/static/recognizer/js/main.") and main.count(".") == 2, "a hashed name"
    script = get(gunicorn + main, **{"Accept-Encoding": "gzip"})
    assert script.headers["Content-Encoding"] == "gzip"
    assert (
        "immutable" in script.headers["Cache-Control"]
        and "max-age=315360000" in script.headers["Cache-Control"]
    )
    module = get(gunicorn + main).read().decode()
    assert 'from "./api.' in module and 'from "./api.js"' not in module, "imports point at hashed names"


def post_json(url, path, value) -> tuple[int, dict]:
    """POST JSON through the CSRF flow, as a fresh client: (status, answer)."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    token = json.loads(opener.open(url + "/api/csrf").read())["csrfToken"]
    headers = {"Content-Type": "application/json", "X-CSRFToken": token}
    try:
        response = opener.open(
            urllib.request.Request(url + path, json.dumps(value).encode(), headers), timeout=60
        )
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())
    return response.status, json.loads(response.read())


def bar_pixels() -> list[float]:
    return [0.0] * 300 + [1.0] * 20 + [0.0] * 464


def test_gunicorn_answers_predictions_through_the_csrf_flow(gunicorn):
    status, answer = post_json(gunicorn, "/api/predict", {"pixels": bar_pixels()})
    assert status == 200 and 0 <= answer["digit"] <= 9 and answer["model"] == "cnn"


def test_32_clients_labelling_at_once_through_both_workers_lose_nothing(gunicorn, database):
    with ThreadPoolExecutor(32) as pool:
        answers = list(pool.map(lambda i: post_json(gunicorn, "/api/labelled-drawings", {"pixels": bar_pixels(), "label": i % 10}),
                                range(32)))  # fmt: skip
    assert [status for status, _ in answers] == [201] * 32, answers
    with sqlite3.connect(database) as db:
        labels = sorted(label for (label,) in db.execute("SELECT label FROM recognizer_labelleddrawing"))
    assert labels == sorted(i % 10 for i in range(32))


def test_a_worker_past_its_timeout_exits_without_writing_gunicorns_html_500(monkeypatch):
    """gunicorn's own abort answers the request in flight with an HTML 500, even under
    /api/; exiting in the hook leaves the answer to nginx, which gives JSON there (its 502
    is answered as a 503 with Retry-After: digitsite/nginx.conf's @unavailable)."""
    import logging
    import runpy

    conf = runpy.run_path(str(ROOT / "digitsite" / "gunicorn.conf.py"))
    exits = []
    monkeypatch.setattr(os, "_exit", exits.append)

    class Worker:
        pid, log = 1234, logging.getLogger("gunicorn.error")

    conf["worker_abort"](Worker())
    assert exits == [1]

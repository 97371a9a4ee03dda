"""`manage.py serve`: the production stack (nginx in front of gunicorn) holds up against
slow and idle clients, limits predictions per client with JSON answers (counted, not
logged), answers JSON under /api/ whichever layer refuses, believes forwarded headers from
a trusted front proxy alone, serves the static files itself, and stops whole, leaving no
process behind, whichever of its processes is killed.

Clients come from several loopback addresses (all of 127.0.0.0/8 is this machine), so
that the per-client limits see the slow clients and the probes as different clients.
"""

import contextlib
import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

import pytest

from tests.helpers import ROOT, free_port, manage, prepare_site, production_env, wait_until_answering

pytestmark = pytest.mark.skipif(
    not Path("/usr/sbin/nginx").exists() and not os.environ.get("CI"), reason="needs Debian's nginx"
)
PIXELS = [0.0] * 300 + [1.0] * 20 + [0.0] * 464  # a bar: the stable input
PROBE_ADDRESS = "127.0.0.2"


@pytest.fixture(scope="module")
def site_env(tmp_path_factory):
    """Production settings over plain HTTP, a migrated database and collected static files.
    The static files and serve's temporary folders are in a folder of their own that nginx's
    workers can read when they drop from root to nobody, removed afterwards (a serve killed
    with SIGKILL cannot remove its own)."""
    folder = Path(tempfile.mkdtemp(prefix="digits-serve-test-"))
    folder.chmod(0o755)
    database = tmp_path_factory.mktemp("db") / "digits.sqlite3"
    env = production_env(
        DJANGO_DEBUG="0", DJANGO_HTTPS="0", DJANGO_STATIC_ROOT=str(folder / "static"),
        DATABASE_URL=f"sqlite:///{database}", WEB_CONCURRENCY="2", TMPDIR=str(folder),
    )  # fmt: skip
    prepare_site(env)
    yield env
    shutil.rmtree(folder)


@contextlib.contextmanager
def serving(env: dict, log: Path, port: int | None = None):
    """`manage.py serve` on a free port (or `port`), its output in `log`: (address, process)."""
    port = port or free_port()
    with log.open("ab") as out:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "serve", "--bind", f"127.0.0.1:{port}"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            wait_until_answering(f"http://127.0.0.1:{port}/healthz", process, log)
            yield ("127.0.0.1", port), process
        finally:
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=60)


@pytest.fixture(scope="module")
def stack(site_env, tmp_path_factory):
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    with serving(site_env, log) as (address, _):
        yield address, log


def request(address, method, path, body=None, headers=None, *, source=PROBE_ADDRESS, timeout=10):
    """One request on a fresh connection from `source`: (status, headers, body bytes)."""
    connection = http.client.HTTPConnection(*address, timeout=timeout, source_address=(source, 0))
    try:
        connection.request(method, path, body, {"Host": "127.0.0.1", **(headers or {})})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def csrf_headers(address, source=PROBE_ADDRESS) -> dict:
    """The token and cookie from GET /api/csrf, as headers for a POST (predict may or may not need them)."""
    status, headers, body = request(address, "GET", "/api/csrf", source=source)
    assert status == 200
    cookie = headers["Set-Cookie"].split(";")[0]
    return {
        "X-CSRFToken": json.loads(body)["csrfToken"],
        "Cookie": cookie,
        "Content-Type": "application/json",
    }


def predict(address, headers, source=PROBE_ADDRESS):
    return request(address, "POST", "/api/predict", json.dumps({"pixels": PIXELS}), headers, source=source)


# --- slow and idle clients --------------------------------------------------------------


class SlowClients:
    """Clients that hold connections open doing next to nothing, each from its own address,
    reconnecting whenever the server drops them, until `seconds` have passed.

    idle:        connects and sends nothing;
    slow header: sends a request line, then a header a byte a second, never ending it;
    slow body:   sends a predict's headers for a 100 kB body, then the body a byte a second.
    """

    OPENERS = {
        "idle": b"",
        "slow header": b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ",
        "slow body": b"POST /api/predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Content-Length: 100000\r\n\r\n",
    }

    def __init__(self, address, per_kind: int, seconds: float):
        self.address, self.deadline = address, time.monotonic() + seconds
        self.held: dict[str, list[float]] = {
            kind: [] for kind in self.OPENERS
        }  # seconds each connection lasted
        self.lock = threading.Lock()
        sources = (f"127.0.1.{i + 1}" for i in range(3 * per_kind))
        self.threads = [
            threading.Thread(target=self.run, args=(kind, next(sources)), daemon=True)
            for kind in self.OPENERS
            for _ in range(per_kind)
        ]

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        for thread in self.threads:
            thread.join(timeout=30)

    def run(self, kind: str, source: str):
        while time.monotonic() < self.deadline:
            started = time.monotonic()
            with contextlib.suppress(OSError):
                self.hold(kind, source)
            with self.lock:
                self.held[kind].append(time.monotonic() - started)

    def hold(self, kind: str, source: str):
        """One connection, held until the server closes it or the time is up."""
        with socket.create_connection(self.address, timeout=5, source_address=(source, 0)) as sock:
            sock.sendall(self.OPENERS[kind])
            sock.settimeout(1)
            while time.monotonic() < self.deadline:
                if kind != "idle":
                    sock.sendall(b"a")
                try:
                    if not sock.recv(4096):  # closed by the server (or answered, then closed)
                        return
                except TimeoutError:
                    continue


def probe(address, seconds: float, every: float = 0.2) -> dict[str, list]:
    """/healthz and a predict, alternately, every `every` seconds: latencies and failures."""
    headers = csrf_headers(address)
    latencies, failures = {"healthz": [], "predict": []}, []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for name, times in latencies.items():
            started = time.monotonic()
            try:
                if name == "healthz":
                    status, _, body = request(address, "GET", "/healthz")
                    ok = status == 200 and json.loads(body) == {"status": "ok"}
                else:
                    status, _, body = predict(address, headers)
                    ok = status == 200 and 0 <= json.loads(body)["digit"] <= 9
            except (OSError, ValueError) as exc:
                ok, status = False, repr(exc)
            times.append(time.monotonic() - started)
            if not ok:
                failures.append((name, status))
            time.sleep(every / 2)
    return {**latencies, "failures": failures}


def p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[98]


def test_150_slow_or_idle_clients_for_30_s_leave_healthz_and_predict_answering_fast(stack):
    address, log = stack
    with SlowClients(address, per_kind=50, seconds=30) as slow:
        time.sleep(2)  # all connected
        probed = probe(address, seconds=28)
    report = {name: f"n={len(probed[name])} p99={p99(probed[name]):.3f}s max={max(probed[name]):.3f}s"
              for name in ("healthz", "predict")}  # fmt: skip
    print(report, {kind: f"{len(held)} connections, median {statistics.median(held):.1f}s"
                   for kind, held in slow.held.items()})  # fmt: skip
    assert probed["failures"] == []
    for name in ("healthz", "predict"):
        assert len(probed[name]) >= 50 and p99(probed[name]) < 1, report
    for kind, held in slow.held.items():  # they really did hold their connections
        assert statistics.median(held) >= 5, (kind, held[:20])
    assert "Traceback" not in log.read_text(errors="replace")


# --- limits at the proxy ----------------------------------------------------------------


def test_a_burst_of_predictions_from_one_address_gets_429s_in_json(stack, site_env):
    address, log = stack
    source = "127.0.0.3"
    headers = csrf_headers(address, source)
    statuses, refused = [], None
    for _ in range(200):  # more than the burst, faster than the rate
        status, response_headers, body = predict(address, headers, source)
        statuses.append(status)
        if status == 429:
            refused = response_headers, body
    assert statuses[0] == 200 and 429 in statuses, statuses
    response_headers, body = refused
    assert response_headers["Content-Type"] == "application/json"
    assert "too many predictions" in json.loads(body)["error"] and int(response_headers["Retry-After"]) > 0
    # Another client is not held back.
    assert predict(address, csrf_headers(address, "127.0.0.4"), "127.0.0.4")[0] == 200
    # The refusals are counted (a byte each, summed once a minute), not logged a line each.
    (counted,) = Path(site_env["TMPDIR"]).glob("digits-serve-*/refused.log")
    assert counted.stat().st_size == statuses.count(429)
    assert " 429 " not in log.read_text() and "limiting requests" not in log.read_text()


def test_a_body_over_the_limit_is_refused_by_the_proxy_in_json(stack):
    address, _ = stack
    status, headers, body = request(
        address, "POST", "/api/predict", b"{" + b" " * (8 * 1024 * 1024), {"Content-Type": "application/json"},
        source="127.0.0.5",
    )  # fmt: skip
    assert status == 413 and headers["Content-Type"] == "application/json"
    assert "larger than" in json.loads(body)["error"]


def test_a_json_body_over_its_own_limit_is_a_413_through_the_proxy_never_a_503(stack):
    """nginx takes up to 8 MiB; the site refuses JSON over 512 KiB without parsing it, and
    must still read it, or nginx, still sending it, sees the connection close: a 503."""
    address, _ = stack
    body = b'{"strokes": "' + b"x" * (2 * 1024 * 1024) + b'"}'
    statuses = [
        request(
            address, "POST", "/api/predict", body, {"Content-Type": "application/json"}, source="127.0.0.6"
        )[0]
        for _ in range(12)
    ]
    assert statuses == [413] * 12


def admin_login(address, password: str, source: str) -> int:
    """Sign in to the admin as a browser would (the form's CSRF token and cookie): the status."""
    status, headers, page = request(address, "GET", "/admin/login/", source=source)
    assert status == 200
    token = page.decode().split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    form = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": "reviewer", "password": password}
    )
    cookie = headers["Set-Cookie"].split(";")[0]
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
    return request(address, "POST", "/admin/login/", form, headers, source=source)[0]


def test_the_admin_lockout_behind_the_proxy_is_per_client_address(stack, site_env):
    address, _ = stack
    env = {**site_env, "DJANGO_SUPERUSER_PASSWORD": "maple kettle orbit sandstone"}
    created = manage(
        "createsuperuser", "--noinput", "--username", "reviewer", "--email", "r@example.com", env=env
    )
    assert created.returncode == 0, created.stderr
    guesses = [admin_login(address, f"guess {i}", "127.0.0.6") for i in range(5)]
    assert guesses == [200, 200, 200, 200, 429]
    assert admin_login(address, "maple kettle orbit sandstone", "127.0.0.6") == 429
    assert admin_login(address, "maple kettle orbit sandstone", "127.0.0.7") == 302  # another client


# --- static files -----------------------------------------------------------------------


def test_nginx_serves_the_hashed_static_files_compressed_and_cached_for_good(stack):
    address, _ = stack
    status, headers, page = request(address, "GET", "/")
    assert status == 200 and headers["Server"] == "nginx" and "Content-Security-Policy" in headers
    main = next(part.split('"')[0] for part in page.decode().split('src="')[1:] if "main." in part)
    status, headers, _ = request(address, "GET", main, headers={"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert headers["Cache-Control"] == "public, max-age=315360000, immutable"
    assert headers["Content-Type"] == "application/javascript"
    assert request(address, "GET", "/static/staticfiles.json")[0] == 404


# --- starting and stopping ------------------------------------------------------------


def descendants(pid: int) -> set[int]:
    """Every process below `pid` (from /proc), at this moment."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(entry.name))
    found, pending = set(), [pid]
    while pending:
        for child in children.get(pending.pop(), []):
            found.add(child)
            pending.append(child)
    return found


def running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL])
def test_a_signal_to_serve_stops_nginx_gunicorn_and_their_workers(site_env, tmp_path, signum):
    with serving(site_env, tmp_path / "serve.log") as (address, process):
        deadline = time.monotonic() + 30
        while len(stack := descendants(process.pid)) < 6 and time.monotonic() < deadline:
            time.sleep(0.2)  # every worker booted
        commands = [Path(f"/proc/{pid}/cmdline").read_bytes() for pid in stack]
        assert sum(b"nginx" in command for command in commands) >= 3, commands  # master and workers
        assert sum(b"gunicorn" in command for command in commands) >= 3, commands
        os.kill(process.pid, signum)  # SIGINT is what Ctrl-C sends
        assert process.wait(timeout=60) == (-signal.SIGKILL if signum == signal.SIGKILL else 0)
        deadline = time.monotonic() + 45
        while any(running(pid) for pid in stack) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert [pid for pid in stack if running(pid)] == [], "processes left behind"
        with pytest.raises(OSError):
            request(address, "GET", "/healthz", timeout=2)


def test_workers_are_recycled_after_their_requests_without_a_failed_request(site_env, tmp_path):
    log = tmp_path / "serve.log"
    with serving({**site_env, "WEB_CONCURRENCY": "1", "GUNICORN_MAX_REQUESTS": "10"}, log) as (address, _):
        statuses = [request(address, "GET", "/healthz")[0] for _ in range(60)]
    assert statuses == [200] * 60
    assert log.read_text().count("Autorestarting worker") >= 3


def test_serve_refuses_to_run_in_debug_or_without_collected_static_files(site_env, tmp_path):
    debug = manage("serve", "--bind", "127.0.0.1:8499", env={**site_env, "DJANGO_DEBUG": "1"}, timeout=60)
    assert debug.returncode != 0 and "set DJANGO_DEBUG=0" in debug.stderr
    empty = manage("serve", env={**site_env, "DJANGO_STATIC_ROOT": str(tmp_path)}, timeout=60)
    assert empty.returncode != 0 and "collectstatic" in empty.stderr
    bad = manage("serve", "--bind", "8000", env=site_env, timeout=60)
    assert bad.returncode != 0 and "--bind must be HOST:PORT" in bad.stderr


def test_a_port_already_taken_stops_serve_with_an_error_and_nothing_left_running(site_env):
    with socket.create_server(("127.0.0.1", free_port())) as taken:
        port = taken.getsockname()[1]
        process = subprocess.Popen(
            [sys.executable, "manage.py", "serve", "--bind", f"127.0.0.1:{port}"],
            cwd=ROOT, env=site_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        deadline = time.monotonic() + 20
        stack: set[int] = set()
        while process.poll() is None and time.monotonic() < deadline:
            stack |= descendants(process.pid)
            time.sleep(0.1)
        _, err = process.communicate(timeout=60)
    assert process.returncode != 0 and "nginx exited with status 1" in err, err[-2000:]
    assert "Address already in use" in err
    time.sleep(1)
    assert stack and [pid for pid in stack if running(pid)] == []


def stack_processes(serve: int) -> dict[str, list[int]]:
    """The stack's processes below `serve`, by what they are."""
    found: dict[str, list[int]] = {"nginx": [], "nginx worker": [], "gunicorn": [], "gunicorn worker": []}
    for pid in descendants(serve):
        with contextlib.suppress(OSError):
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
            parent = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
            if b"nginx" in command:
                found["nginx worker" if b"worker process" in command else "nginx"].append(pid)
            elif b"gunicorn" in command:
                found["gunicorn" if parent == serve else "gunicorn worker"].append(pid)
    return found


def whole(serve: int) -> dict[str, list[int]]:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        found = stack_processes(serve)
        if all(found.values()) and len(found["gunicorn worker"]) == 2:
            return found
        time.sleep(0.2)
    raise AssertionError(f"the stack never came up whole: {found}")


@pytest.mark.parametrize("victim", ["nginx worker", "gunicorn worker", "nginx", "gunicorn", "serve"])
def test_whichever_process_of_the_stack_is_killed_nothing_is_left_holding_the_port(
    site_env, tmp_path, victim
):
    """A worker is replaced by its master; nginx or gunicorn dying stops the whole stack, and
    serve exits with an error; serve itself killed takes the stack with it. Either way a
    restart on the same port answers at once."""
    log, port = tmp_path / "serve.log", free_port()
    with serving(site_env, log, port) as (address, process):
        processes = whole(process.pid)
        everything = descendants(process.pid)
        os.kill(process.pid if victim == "serve" else processes[victim][0], signal.SIGKILL)
        if victim.endswith("worker"):
            time.sleep(1)
            assert [request(address, "GET", "/healthz")[0] for _ in range(20)] == [200] * 20
            assert process.poll() is None
            return
        status = process.wait(timeout=90)
        if victim != "serve":
            assert status == 1 and f"{victim} exited with status -9" in log.read_text(), log.read_text()[
                -2000:
            ]
            assert [pid for pid in everything if running(pid)] == [], "processes left behind"
    started = time.monotonic()
    with serving(site_env, log, port) as (address, _):
        assert request(address, "GET", "/healthz")[0] == 200
    print(f"{victim}: a new serve answered {time.monotonic() - started:.1f} s after the old one exited")


def test_behind_the_proxy_only_a_trusted_front_proxy_says_the_scheme_and_the_client(site_env, tmp_path):
    """X-Forwarded-Proto and -For count only from DJANGO_TRUSTED_PROXIES (by default the
    loopback address 127.0.0.1): from anyone else, https is not believed (HTTPS redirects
    over plain HTTP) and each claimed address is still one client to the limits."""
    env = {**site_env, "DJANGO_HTTPS": "1", "DJANGO_BEHIND_PROXY": "1"}
    with serving(env, tmp_path / "serve.log") as (address, _):
        claims = {"X-Forwarded-Proto": "https"}
        assert request(address, "GET", "/api/openapi.json", headers=claims, source="127.0.0.1")[0] == 200
        assert request(address, "GET", "/api/openapi.json", headers=claims, source="127.0.0.9")[0] == 301
        for source, limited in (("127.0.0.1", False), ("127.0.0.9", True)):
            statuses = []
            for i in range(150):  # more than one address's burst
                headers = {**claims, "X-Forwarded-For": f"198.51.100.{i}", "Content-Type": "application/json"}
                statuses.append(
                    request(
                        address,
                        "POST",
                        "/api/predict",
                        json.dumps({"pixels": PIXELS}),
                        headers,
                        source=source,
                    )[0]
                )
            assert (429 in statuses) == limited, (source, statuses)


def test_every_refusal_under_api_is_json_though_nginx_gives_it_and_pages_keep_nginxs(stack):
    address, _ = stack
    big = {"X-Big": "a" * 10_000}
    status, headers, body = request(address, "GET", "/api/openapi.json", headers=big, source="127.0.0.7")
    assert status == 400 and headers["Content-Type"] == "application/json", (status, headers)
    assert "larger than 8 KiB" in json.loads(body)["error"]
    status, headers, body = request(address, "GET", "/", headers=big, source="127.0.0.7")
    assert status == 400 and headers["Content-Type"] == "text/html"
    status, headers, body = request(
        address, "POST", "/api/predict", b"{}", {"Host": "bad host"}, source="127.0.0.7"
    )
    assert status == 400 and headers["Content-Type"] == "application/json", body

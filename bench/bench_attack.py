"""The production stack under attack, on loopback only: prints figures, asserts nothing.

    python bench/bench_attack.py

Starts `manage.py serve` (nginx in front of 2 gunicorn workers, production settings over
plain HTTP, SQLite in a temporary folder) on a free port in 8700-8799, then: sends a few
hundred hostile requests and counts the answers; drives /healthz and predict with wrk at 64
connections through nginx; holds idle, slow-header and slow-body clients open while probes
poll; kills a gunicorn worker twice under predict load; sends labelled drawings from 16
threads, some twice with the same Idempotency-Key, and counts the rows stored. Clients use
several loopback addresses, so that nginx's per-address predict limits see them apart.
Every phase is bounded in time, and the stack is stopped at the end.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import random
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_load import parse, post_script  # noqa: E402
from bench.bench_predict import canvas_png, page_strokes  # noqa: E402
from tests.helpers import data_url, encode, manage, production_env, wait_until_answering  # noqa: E402
from tests.test_image_bombs import BOMBS  # noqa: E402

PREDICT_RATE_LIMIT = 1_000_000  # per minute: raised so that the load run measures the site, not the limit
STROKES = json.dumps({"strokes": page_strokes()})
HOSTILE, PROBE, LABELS = "127.0.0.3", "127.0.0.2", "127.0.0.5"


def free_port() -> int:
    for port in range(8700, 8800):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise SystemExit("no free port in 8700-8799")


def start_stack(folder: Path, port: int) -> tuple[subprocess.Popen, dict]:
    env = production_env(
        DJANGO_DEBUG="0", DJANGO_HTTPS="0", DJANGO_STATIC_ROOT=str(folder / "static"),
        DATABASE_URL=f"sqlite:///{folder / 'digits.sqlite3'}", WEB_CONCURRENCY="2", TMPDIR=str(folder),
        PREDICT_RATE_LIMIT=str(PREDICT_RATE_LIMIT), LABELLED_DRAWINGS_PER_MINUTE="100000",
    )  # fmt: skip
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
        if (done := manage(*command, env=env)).returncode:
            raise SystemExit(done.stderr)
    log = folder / "serve.log"
    command = [sys.executable, "manage.py", "serve", "--bind", f"127.0.0.1:{port}"]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    wait_until_answering(f"http://127.0.0.1:{port}/healthz", process, log)
    return process, env


def raw(port: int, data: bytes, source: str = HOSTILE, timeout: float = 15) -> tuple[int | None, bytes]:
    """Send `data` on a fresh connection; (status or None if dropped, body)."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout, (source, 0)) as s:
            s.sendall(data)
            chunks = []
            while chunk := s.recv(65536):
                chunks.append(chunk)
    except OSError:
        return None, b""
    answer = b"".join(chunks)
    if not answer.startswith(b"HTTP/"):
        return None, b""
    head, _, body = answer.partition(b"\r\n\r\n")
    if b"transfer-encoding: chunked" in head.lower():  # the short answers here come in one chunk
        body = body.split(b"\r\n")[1]
    return int(head.split(b" ", 2)[1]), body


def request(method: str, path: str, body: bytes = b"", ctype: str = "application/json", **headers) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    lines += [f"Content-Type: {ctype}"] * bool(ctype) + [f"Content-Length: {len(body)}"]
    lines += [f"{k.replace('_', '-')}: {v}" for k, v in headers.items()]
    return "\r\n".join(lines).encode() + b"\r\n\r\n" + body


def predict(value) -> bytes:
    return request("POST", "/api/predict", value if isinstance(value, bytes) else json.dumps(value).encode())


def multipart(data: bytes, field: str = "image") -> bytes:
    body = b'--xx\r\nContent-Disposition: form-data; name="%s"; filename="a.png"\r\n\r\n%s\r\n--xx--\r\n'
    return request("POST", "/api/predict", body % (field.encode(), data), "multipart/form-data; boundary=xx")


def bad_inputs(rng: random.Random) -> list[bytes]:
    png, deep = canvas_png(), lambda n: "[" * n + "]" * n
    out = [predict(b) for b in (b"{", b'{"strokes": [', b"nul", b"\xff\xfe{}", b'{"strokes":}', b"{}{}",
                                 b"", b"\xef\xbb\xbf{}", b'{"pixels": NaN}', b'{"strokes": Infinity}')]  # fmt: skip
    out += [predict(f'{{"strokes": {deep(n)}}}'.encode()) for n in (50, 500, 5000, 50000, 500000)]
    out += [
        predict(b'{"pixels": [%s]}' % b",".join([v] + [b"0"] * 783))
        for v in (b"1e999", b"9" * 5000, b"-1e309")
    ]
    wrong = ["x", 7, None, {}, [1, 2], True, [[["a", "b"]]], [[[0.5]]], [[[0.1, 0.2, 0.3]]], [[]], []]
    out += [predict({"strokes": w}) for w in wrong] + [predict({"pixels": w}) for w in wrong]
    out += [predict(v) for v in ([], "strokes", 7, None, {"strokes": [[[0.5, 0.5]]], "pixels": [0] * 784})]
    out += [predict({"strokes": [[[rng.random(), rng.random()]] * n] * m}) for n, m in ((5000, 1), (1, 5000))]
    out += [predict({"strokes": [[[v, v], [v, 0.5]]]}) for v in (-1e300, 1e300, -5, 5)]
    out += [predict({"pixels": [v] * n}) for v in (0, -1, 2, "0", [0]) for n in (783, 784, 785)]
    urls = ["http://example.com/a.png", "data:,", "data:image/png;base64,!!!", "data:text/html;base64,PGI+",
            "data:image/png", data_url(b"\0" * 5_000_000), data_url(png, "image/svg+xml"), data_url(png)[:-7]]  # fmt: skip
    out += [predict({"image": u}) for u in urls]
    corrupt = [png[:n] for n in range(0, len(png), max(1, len(png) // 40))]
    corrupt += [bytes(b ^ (rng.random() < 0.01) * 255 for b in png) for _ in range(30)]
    corrupt += [rng.randbytes(rng.randrange(1, 5000)) for _ in range(40)]
    corrupt += [encode(Image.new("RGB", (9, 9)), "JPEG")[:n] for n in (20, 100, 300)]
    corrupt += [make() for make in BOMBS.values()]
    out += [multipart(c) for c in corrupt] + [predict({"image": data_url(c)}) for c in corrupt[::3]]
    out += [multipart(png, "photo"), request("POST", "/api/predict", b"--yy--", "multipart/form-data")]
    return out + protocol_abuse()


def protocol_abuse() -> list[bytes]:
    body, line = STROKES.encode(), "POST /api/predict HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
    chunked = line + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
    out = [(chunked + f"\r\n{len(body):x}\r\n").encode() + body + b"\r\n0\r\n\r\n"]
    out += [(chunked + "\r\n" + c).encode() for c in ("zz\r\nab\r\n0\r\n\r\n", "ffffffffffffffff\r\nab\r\n",
                                                       "5\r\nabcdefgh\r\n0\r\n\r\n")]  # fmt: skip
    out += [(chunked + "Content-Length: 3\r\n\r\n3\r\nabc\r\n0\r\n\r\n").encode()]
    out += [request(m, p) for m in ("GET", "PUT", "DELETE", "PATCH", "TRACE", "OPTIONS", "FOO")
            for p in ("/api/predict", "/api/labelled-drawings")]  # fmt: skip
    hosts = ["evil.example.com", "", "127.0.0.1:99999", "a" * 5000, "127.0.0.1\x00.evil"]
    out += [predict(body).replace(b"Host: 127.0.0.1", b"Host: " + h.encode()) for h in hosts]
    out += [b"POST /api/predict HTTP/1.1\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}"]
    out += [b"GARBAGE\r\n\r\n", b"GET / HTTP/9.9\r\n\r\n", b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03"]
    out += [predict(b"[" + b"0," * (n // 2) + b"0]") for n in (600_000, 3_000_000, 9_000_000)]  # oversized
    out += [request("POST", "/api/predict", b"{}", X_Big="a" * 100_000)]
    out += [request("POST", "/api/predict", b"{}", "text/plain"), request("POST", "/api/predict", b"{}", "")]
    out += [request("POST", "/api/labelled-drawings", json.dumps({"strokes": [], "label": 1}).encode())]
    out += [request("GET", p) for p in ("/static/../../etc/passwd", "/static/%2e%2e/%2e%2e/etc/passwd",
                                         "/static/staticfiles.json", "/admin/../../../etc/passwd")]  # fmt: skip
    return out


def classify(status: int | None, body: bytes) -> str:
    if status is None:
        return "dropped"
    if status >= 500:
        return "5xx"
    if 400 <= status < 500:
        try:
            json.loads(body)
            return "4xx JSON"
        except ValueError:
            return "4xx not JSON"
    return f"{status // 100}xx"


def describe(data: bytes) -> str:
    """A request in a few words: its request line, content type or framing, and size."""
    head = data.split(b"\r\n\r\n")[0].decode(errors="replace").split("\r\n")
    kinds = [
        h.split(": ", 1)[1].split(";")[0]
        for h in head
        if h.startswith(("Content-Type: ", "Transfer-Encoding: "))
    ]
    return f"{head[0].rsplit(' HTTP/', 1)[0]} {'/'.join(kinds)} ({len(data)} bytes)"


def phase_bad_inputs(port: int) -> None:
    requests = bad_inputs(random.Random(0))
    counts: dict[str, int] = {}
    notable = []  # all but the 4xx: what was accepted, failed or dropped
    for data in requests:
        status, body = raw(port, data)
        kind = classify(status, body)
        counts[kind] = counts.get(kind, 0) + 1
        if not kind.startswith("4xx"):
            notable.append(f"   {status} for {describe(data)}")
    print(
        f"1. bad inputs: {len(requests)} hostile requests:",
        ", ".join(f"{k} {v}" for k, v in sorted(counts.items())),
    )
    print("   not a 4xx:", *notable, sep="\n")  # fmt: skip


def wrk(url: str, seconds: int, connections: int, script: str = "") -> dict:
    script += (
        "local threads = {}\nfunction setup(t) table.insert(threads, t) end\n"
        "function init(a) n429 = 0 end\nfunction response(s, h, b) if s == 429 then n429 = n429 + 1 end end\n"
        'function done(s, l, r) local n = 0 for _, t in ipairs(threads) do n = n + t:get("n429") end'
        ' io.write("LIMITED " .. n .. "\\n") end\n'
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as f:
        f.write(script)
        f.flush()
        command = f"wrk -t2 -c{connections} -d{seconds}s --latency --timeout 5s -s {f.name} {url}".split()
        out = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=False).stdout  # fmt: skip
    total = int(out.split(" requests in ")[0].split()[-1])
    return {**parse(out), "limited": int(out.rsplit("LIMITED ", 1)[1].split()[0]), "total": total}


def phase_load(base: str) -> None:
    print(f"2. load through nginx, 10 s each (PREDICT_RATE_LIMIT raised to {PREDICT_RATE_LIMIT}/min):")
    runs = {
        "/healthz, 64 connections": wrk(base + "/healthz", 10, 64),
        "predict strokes, 64 connections": wrk(base + "/api/predict", 10, 64, post_script(STROKES)),
        "predict strokes, 8 connections": wrk(base + "/api/predict", 10, 8, post_script(STROKES)),
    }
    for name, r in runs.items():
        print(f"   {name:<32} {r['rps']:6.0f} req/s ({r['rps'] * (1 - r['errors'] / r['total']):.0f}/s answered 2xx)  "
              f"p50 {r['p50']:5.1f} ms  p99 {r['p99']:6.1f} ms  errors {r['errors']} "
              f"(429s from the 8-at-once limit per address: {r['limited']})")  # fmt: skip


def timed_probe(port: int, data: bytes) -> float | None:
    started = time.monotonic()
    status, _ = raw(port, data, PROBE, timeout=10)
    return time.monotonic() - started if status == 200 else None


SLOW_START = b"POST /api/predict HTTP/1.1\r\nHost: 127.0.0.1\r\n"
SLOW_CLIENTS = {  # what each kind sends first, then every second
    "idle": (b"", b""),
    "slow-header": (SLOW_START, b"X-a: b\r\n"),
    "slow-body": (SLOW_START + b"Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{", b" "),
}


def hold(port: int, kind: str, source: str, until: float, reopened: list) -> None:
    """An idle, slow-header or slow-body client, reopened whenever nginx drops it."""
    first, trickle = SLOW_CLIENTS[kind]
    while time.monotonic() < until:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 5, (source, 0)) as s:
            s.sendall(first)
            while time.monotonic() < until and still_open(s, trickle):
                pass
        reopened.append(1)


def still_open(s: socket.socket, trickle: bytes) -> bool:
    """Send a trickle, then wait a second for nginx to close the connection (or answer)."""
    s.sendall(trickle)
    s.settimeout(1)
    try:
        s.recv(1)
    except TimeoutError:
        return True
    return False


def phase_slow(port: int, seconds: float = 20) -> None:
    until, reopened, threads = time.monotonic() + seconds, [], []
    for i in range(150):
        args = (port, list(SLOW_CLIENTS)[i // 50], f"127.0.1.{i + 1}", until, reopened)
        threads.append(threading.Thread(target=hold, args=args, daemon=True))
    for t in threads:
        t.start()
    times, probes = [], [request("GET", "/healthz", ctype=""), predict(STROKES.encode())]
    while time.monotonic() < until:
        times += [timed_probe(port, p) for p in probes]
        time.sleep(0.2)
    for t in threads:
        t.join(10)
    ok = sorted(t for t in times if t is not None)
    p99 = ok[int(0.99 * (len(ok) - 1))] * 1000 if ok else float("nan")
    print(f"3. 50 idle + 50 slow-header + 50 slow-body clients for {seconds:.0f} s: {len(times)} probes "
          f"(/healthz and predict), {len(ok)} answered 200, p99 {p99:.0f} ms, failures {len(times) - len(ok)}; "
          f"slow connections dropped by nginx and reopened: {len(reopened) - 150}")  # fmt: skip


def gunicorn_workers(serve: subprocess.Popen) -> list[int]:
    def children(pid: int) -> list[tuple[int, str]]:
        out = subprocess.run(
            ["ps", "-o", "pid=,args=", "--ppid", str(pid)], capture_output=True, text=True, check=False
        ).stdout
        return [(int(line.split(None, 1)[0]), line) for line in out.splitlines()]

    master = next(pid for pid, line in children(serve.pid) if "gunicorn" in line)
    return [pid for pid, _ in children(master)]


def phase_faults(port: int, serve: subprocess.Popen) -> None:
    until, results = time.monotonic() + 12, []
    data = predict(STROKES.encode())

    def load(source: str):
        while time.monotonic() < until:
            results.append(raw(port, data, source, timeout=30)[0])

    with ThreadPoolExecutor(6) as pool:
        for i in range(6):  # one address each: the per-address limits stay out of the count
            pool.submit(load, f"127.0.2.{i + 1}")
        for delay in (3, 4):
            time.sleep(delay)
            os.kill(gunicorn_workers(serve)[0], 9)
    time.sleep(2)
    after = [timed_probe(port, p) is not None for p in (request("GET", "/healthz", ctype=""), data)]
    failures = [s for s in results if s != 200]
    by_status = ", ".join(f"{s}: {failures.count(s)}" for s in sorted(set(failures), key=str))
    print(f"4. 2 gunicorn workers killed with SIGKILL under predict load (6 clients, 12 s): "
          f"{len(results)} requests, {len(failures)} failures ({by_status or 'none'}); afterwards "
          f"/healthz and predict answer 200: {all(after)}")  # fmt: skip


def csrf(port: int) -> tuple[str, str]:
    """A token and the csrftoken cookie it goes with."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10, source_address=(LABELS, 0))
    connection.request("GET", "/api/csrf")
    answer = connection.getresponse()
    cookie = answer.getheader("Set-Cookie").split("csrftoken=", 1)[1].split(";", 1)[0]
    token = json.loads(answer.read())["csrfToken"]
    connection.close()
    return token, cookie


def phase_labels(port: int, database: Path, n: int = 200) -> None:
    token, cookie = csrf(port)
    rng = random.Random(1)
    sends = [(uuid.uuid4().hex, i % 10) for i in range(n)]
    sends += [s for s in sends if rng.random() < 0.3]  # a retry of the same request, same key
    rng.shuffle(sends)

    def send(item):
        body = json.dumps({"strokes": page_strokes(), "label": item[1]}).encode()
        data = request("POST", "/api/labelled-drawings", body, X_CSRFToken=token,
                       Cookie=f"csrftoken={cookie}", Idempotency_Key=item[0])  # fmt: skip
        return raw(port, data, LABELS, timeout=30)[0]

    with ThreadPoolExecutor(16) as pool:
        statuses = list(pool.map(send, sends))
    with sqlite3.connect(database) as db:
        rows = db.execute("SELECT COUNT(*) FROM recognizer_labelleddrawing").fetchone()[0]
    acks = sum(s is not None and 200 <= s < 300 for s in statuses)
    print(f"5. labels: {n} sent (unique keys), {len(sends)} requests from 16 threads "
          f"({len(sends) - n} retries with the same key), {acks} acknowledged 2xx, {rows} rows stored")  # fmt: skip


def main() -> None:
    if not shutil.which("wrk"):
        raise SystemExit("wrk not found: apt-get install wrk")
    folder = Path(tempfile.mkdtemp(prefix="digits-attack-"))
    folder.chmod(0o755)  # nginx's workers, dropped to nobody, read the static files here
    port = free_port()
    serve = None
    try:
        serve, _ = start_stack(folder, port)
        print(f"manage.py serve on 127.0.0.1:{port}: nginx in front of 2 gunicorn workers, SQLite")
        phase_bad_inputs(port)
        phase_load(f"http://127.0.0.1:{port}")
        phase_slow(port)
        phase_faults(port, serve)
        phase_labels(port, folder / "digits.sqlite3")
    finally:
        if serve is not None and serve.poll() is None:
            serve.terminate()
            serve.wait(timeout=90)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()

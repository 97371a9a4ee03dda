"""Load on the production server, on loopback only: prints figures, asserts nothing.

    python bench/bench_load.py [--seconds 10] [--connections 64]

Starts gunicorn (2 workers, the production settings over plain HTTP on 127.0.0.1) and
drives it with wrk (Debian package `wrk`): a trivial endpoint (/healthz), predict with the
strokes body the drawing page sends, with a photo (a 280x280 PNG) and with a pixel array;
then predict-strokes again at 256 connections. Prints requests/s, p50 and p99 latency,
errors, and the ratio of predict-strokes to trivial throughput. Every run is bounded in
time and stops the server itself.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_predict import canvas_png, page_strokes  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO")}
    env.update(
        DJANGO_SECRET_KEY="load-test-" + "k" * 40 + "0123456789",
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_HTTPS="0",  # plain HTTP on loopback
        DJANGO_HASHED_STATIC="0",
        BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="2",
        LOG_LEVEL="warning",
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "digitsite/gunicorn.conf.py", "--access-logfile", "/dev/null",
         "digitsite.wsgi"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(
                f"http://127.0.0.1:{port}/healthz", timeout=2
            )  # /readyz also needs a database
            return server
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit("gunicorn did not become ready")


def post_script(body: str) -> str:
    """A wrk Lua script that POSTs `body` as JSON (predict needs no token or cookie)."""
    return f'wrk.method = "POST"\nwrk.body = {json.dumps(body)}\nwrk.headers["Content-Type"] = "application/json"\n'


def run_wrk(url: str, seconds: int, connections: int, script: str | None = None) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script or "")
    command = [
        "wrk",
        "-t2",
        f"-c{connections}",
        f"-d{seconds}s",
        "--latency",
        "--timeout",
        "5s",
        "-s",
        f.name,
        url,
    ]
    out = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=True).stdout
    os.unlink(f.name)
    return parse(out)


def to_ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def parse(out: str) -> dict:
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": to_ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1)),
        "p99": to_ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1)),
        "errors": errors + (int(non_2xx.group(1)) if non_2xx else 0),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=64)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk not found: apt-get install wrk")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(port)
    try:
        strokes = json.dumps({"strokes": page_strokes()})
        png = json.dumps({"image": "data:image/png;base64," + base64.b64encode(canvas_png()).decode()})
        pixels = json.dumps({"pixels": [0.0] * 300 + [1.0] * 20 + [0.0] * 464})
        predict = base + "/api/predict"
        runs = {
            "trivial (/healthz)": run_wrk(base + "/healthz", args.seconds, args.connections),
            "predict, page's strokes": run_wrk(predict, args.seconds, args.connections, post_script(strokes)),
            "predict, 280x280 PNG": run_wrk(predict, args.seconds, args.connections, post_script(png)),
            "predict, pixel array": run_wrk(predict, args.seconds, args.connections, post_script(pixels)),
            "predict strokes, 256 conns": run_wrk(predict, args.seconds, 256, post_script(strokes)),
        }
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"gunicorn, 2 workers, {args.connections} connections, {args.seconds} s each (loopback)")
    for name, r in runs.items():
        print(
            f"  {name:<30} {r['rps']:8.0f} req/s   p50 {r['p50']:7.1f} ms   p99 {r['p99']:7.1f} ms   errors {r['errors']}"
        )
    ratio = runs["predict, page's strokes"]["rps"] / runs["trivial (/healthz)"]["rps"]
    print(f"predict-strokes / trivial throughput: {ratio:.2f}")


if __name__ == "__main__":
    main()

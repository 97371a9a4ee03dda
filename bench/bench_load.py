"""Load on the production server, on loopback only: prints figures, asserts nothing.

    python3 -m bench.bench_load [--seconds 10] [--connections 64]

Starts gunicorn (2 workers, the production settings over plain HTTP on 127.0.0.1) and
drives it with wrk (Debian package `wrk`): a trivial endpoint (/healthz), predict with the
strokes body the drawing page sends, with a photo (a 280x280 PNG) and with a pixel array;
then predict-strokes again at 256 connections. Prints requests/s, p50 and p99 latency,
errors, and the ratio of predict-strokes to trivial throughput. Every run is bounded in
time and stops the server itself.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

from bench.common import arguments, canvas_png, page_strokes
from bench.payloads import data_url
from bench.stack import ROOT, answering, free_port, parse, post_script, production_env, wrk


def start_server(port: int) -> subprocess.Popen:
    env = production_env(
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
    if not answering(f"http://127.0.0.1:{port}/healthz", server, 60):  # /readyz also needs a database
        server.kill()
        raise SystemExit("gunicorn did not become ready")
    return server


def main() -> None:
    parser = arguments(__doc__)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=64)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk not found: apt-get install wrk")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(port)
    try:
        strokes = post_script(json.dumps({"strokes": page_strokes()}))
        png = post_script(json.dumps({"image": data_url(canvas_png())}))
        pixels = post_script(json.dumps({"pixels": [0.0] * 300 + [1.0] * 20 + [0.0] * 464}))
        runs = {  # name: (path, script, connections)
            "trivial (/healthz)": ("/healthz", "", args.connections),
            "predict, page's strokes": ("/api/predict", strokes, args.connections),
            "predict, 280x280 PNG": ("/api/predict", png, args.connections),
            "predict, pixel array": ("/api/predict", pixels, args.connections),
            "predict strokes, 256 conns": ("/api/predict", strokes, 256),
        }
        runs = {
            name: parse(wrk(base + path, args.seconds, n, script)) for name, (path, script, n) in runs.items()
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

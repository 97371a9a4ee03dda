"""The production stack under attack, on loopback only: prints figures, asserts nothing.

    python3 -m bench.bench_attack [--ports 8700-8799]

Starts `manage.py serve` (nginx in front of 2 gunicorn workers, production settings over
plain HTTP, SQLite in a temporary folder), then:
  1. a few hundred malformed requests, counted by the kind of answer;
  2. the hostile requests of the issue on bounded work, one at a time: status, time, and
     what each cost the workers (CPU, and the rise of peak memory, from /proc);
  3. load through nginx with wrk: /healthz and predict at 8, 64 and 256 connections, from
     many client addresses (127.0.0.1 is a trusted front proxy, so X-Forwarded-For counts);
  4. idle, slow-header and slow-body clients held open while probes poll;
  5. faults under predict load: SIGKILL to a gunicorn worker, an nginx worker, nginx,
     gunicorn and serve, restarting serve whenever it exits (as a supervisor would), with
     the time until the site answers again;
  6. labelled drawings from 16 threads, some twice with the same Idempotency-Key;
  7. labelled drawings from 16 threads into PostgreSQL (a server of its own), stopped for
     5 s mid-load: acknowledged, stored, lost.
Every phase is bounded in time, and everything started is stopped at the end.
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import signal
import socket
import tempfile
import threading
import time
import tracemalloc
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.attack_inputs import (
    HEALTHZ,
    SLOW_CLIENTS,
    STROKES,
    bad_inputs,
    classify,
    describe,
    issue_requests,
    predict,
)
from bench.attack_labels import csrf, five_addresses, key_reused, phase_labels, phase_postgres
from bench.common import arguments
from bench.payloads import Expanding, write_payload, zigzag
from bench.stack import (
    HOSTILE,
    PROBE,
    Stack,
    WorkerMeter,
    free_port,
    parse,
    post_script,
    raw,
    request,
    wrk,
)
from nn.networks.model_file import ModelFileError, load_model, to_payload
from nn.training.config import MLPConfig


def phase_bad_inputs(port: int) -> None:
    requests = bad_inputs(random.Random(0))
    counts: dict[str, int] = {}
    notable = []  # all but the 4xx: what was accepted, failed or dropped
    for data in requests:
        status, _, body = raw(port, data)
        kind = classify(status, body)
        counts[kind] = counts.get(kind, 0) + 1
        if not kind.startswith("4xx"):
            notable.append(f"   {status} for {describe(data)}")
    print(
        f"1. bad inputs: {len(requests)} hostile requests:",
        ", ".join(f"{k} {v}" for k, v in sorted(counts.items())),
    )
    print("   not a 4xx:", *notable, sep="\n")


def phase_hostile(stack: Stack) -> None:
    print("2. the issue's hostile requests, one at a time (worker CPU and the rise of its peak memory):")
    print(f"   {'request':<62} {'status':>6} {'JSON':>5} {'time ms':>8} {'CPU ms':>7} {'peak MB':>8}")
    for name, data in issue_requests(csrf(stack.port)).items():
        with WorkerMeter(stack) as cost:
            started = time.monotonic()
            status, head, body = raw(stack.port, data)
            took = 1000 * (time.monotonic() - started)
        is_json = b"content-type: application/json" in head.lower()
        print(f"   {name[:62]:<62} {status!s:>6} {'yes' if is_json else 'no':>5} {took:8.1f} "
              f"{1000 * cost.seconds:7.0f} {cost.mb:8.1f}")  # fmt: skip
    two_at_once(stack)
    key_reused(stack.port)
    five_addresses(stack.port)
    refusals_logged(stack)
    model_file()


def two_at_once(stack: Stack) -> None:
    """Two 6,000-point zigzags at once while /healthz is asked every 20 ms."""
    data, slowest, done = predict({"strokes": [zigzag(6000)]}), [0.0], threading.Event()

    def probe():
        while not done.is_set():
            started = time.monotonic()
            raw(stack.port, HEALTHZ, PROBE)
            slowest[0] = max(slowest[0], time.monotonic() - started)
            time.sleep(0.02)

    prober = threading.Thread(target=probe)
    with WorkerMeter(stack) as cost:
        prober.start()
        with ThreadPoolExecutor(2) as pool:
            statuses = list(
                pool.map(lambda source: raw(stack.port, data, source)[0], ("127.0.3.1", "127.0.3.2"))
            )
        done.set()
        prober.join()
    print(f"   1. two 6,000-point zigzags at once: {statuses}, {1000 * cost.seconds:.0f} ms CPU in all, "
          f"peak +{cost.mb:.1f} MB; /healthz meanwhile at most {1000 * slowest[0]:.0f} ms")  # fmt: skip


def refusals_logged(stack: Stack) -> None:
    before = stack.log.stat().st_size
    statuses = [raw(stack.port, predict(STROKES.encode()), "127.0.5.1")[0] for _ in range(2000)]
    time.sleep(0.5)
    print(f"   9. 2,000 predictions at once from one address: {statuses.count(429)} refused with 429; "
          f"the log grew {stack.log.stat().st_size - before} bytes (the access lines of the "
          f"{statuses.count(200)} answered; the refusals are one count a minute)")  # fmt: skip


def model_file() -> None:
    """7. A model file whose metadata is _codecs.encode(..., "hex") nested 30 times."""
    with tempfile.TemporaryDirectory() as folder:
        network = MLPConfig().new_network()
        path = write_payload(Path(folder) / "m.pkl", to_payload(network, {"notes": Expanding(30)}), 4)
        size = path.stat().st_size
        tracemalloc.start()
        started = time.process_time()
        try:
            load_model(path)
            outcome = "loaded"
        except ModelFileError as exc:
            outcome = f"refused ({str(exc).split(': ', 1)[1][:50]})"
        seconds, peak = time.process_time() - started, tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    print(f"   7. a model file with 'hex' nested 30 times ({size / 1e6:.2f} MB): {outcome} "
          f"in {1000 * seconds:.1f} ms CPU, peak {peak / 2**20:.1f} MB")  # fmt: skip


def proxied_load(url: str, seconds: int, connections: int, script: str = "") -> dict:
    """wrk from 127.0.0.1, a trusted front proxy, each request telling another client address."""
    script += (
        'request = function() wrk.headers["X-Forwarded-For"] = "10." .. math.random(0, 255) .. "." .. '
        'math.random(0, 255) .. "." .. math.random(1, 254) return wrk.format() end\n'
        "local threads = {}\nfunction setup(t) table.insert(threads, t) end\n"
        "function init(a) n429 = 0 end\nfunction response(s, h, b) if s == 429 then n429 = n429 + 1 end end\n"
        'function done(s, l, r) local n = 0 for _, t in ipairs(threads) do n = n + t:get("n429") end'
        ' io.write("LIMITED " .. n .. "\\n") end\n'
    )
    out = wrk(url, seconds, connections, script, check=False)
    total = int(out.split(" requests in ")[0].split()[-1])
    return {**parse(out), "limited": int(out.rsplit("LIMITED ", 1)[1].split()[0]), "total": total}


def phase_load(base: str, seconds: int = 10) -> None:
    print(f"3. load through nginx, {seconds} s each, every request from another client address "
          "(default limits: 600 predictions a minute and 8 at once per address):")  # fmt: skip
    for connections in (8, 64, 256):
        for name, path, script in (
            ("/healthz", "/healthz", ""),
            ("predict strokes", "/api/predict", post_script(STROKES)),
        ):
            r = proxied_load(base + path, seconds, connections, script)
            print(f"   {name:<16} {connections:>3} connections: {r['rps']:6.0f} req/s, p50 {r['p50']:6.1f} ms, "
                  f"p99 {r['p99']:6.1f} ms, errors {r['errors']} of {r['total']} (429s: {r['limited']})")  # fmt: skip


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
    times, probes = [], [HEALTHZ, predict(STROKES.encode())]
    while time.monotonic() < until:
        for probe in probes:
            started = time.monotonic()
            answered = raw(port, probe, PROBE, timeout=10)[0] == 200
            times.append(time.monotonic() - started if answered else None)
        time.sleep(0.2)
    for t in threads:
        t.join(10)
    ok = sorted(t for t in times if t is not None)
    p99 = ok[int(0.99 * (len(ok) - 1))] * 1000 if ok else float("nan")
    print(f"4. 50 idle + 50 slow-header + 50 slow-body clients for {seconds:.0f} s: {len(times)} probes "
          f"(/healthz and predict), {len(ok)} answered 200, p99 {p99:.0f} ms, failures {len(times) - len(ok)}; "
          f"slow connections dropped by nginx and reopened: {len(reopened) - 150}")  # fmt: skip


def from_anyone(body: bytes) -> bytes:
    """A predict from 127.0.0.1, the trusted front proxy, for a client address of its own:
    the per-address limits stay out of the count."""
    address = f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"
    return request("POST", "/api/predict", body, X_Forwarded_For=address)


def fault(stack: Stack, victim: str, seconds: float = 8) -> None:
    """Kill `victim` 2 s into `seconds` of load; the longest /healthz then went unanswered."""
    until, results, longest = time.monotonic() + seconds, [], []

    def load():
        while time.monotonic() < until:
            results.append(raw(stack.port, from_anyone(STROKES.encode()), "127.0.0.1", timeout=30)[0])
            if results[-1] is None:  # refused at once: try again shortly, as a client would
                time.sleep(0.05)

    def probe(killed: float):
        previous, gap = killed, 0.0
        while time.monotonic() < until + 60:
            if raw(stack.port, HEALTHZ, PROBE, timeout=2)[0] == 200:
                now = time.monotonic()
                previous, gap = now, max(gap, now - previous)
                if now > until:
                    break
            time.sleep(0.05)
        longest.append(gap)

    with ThreadPoolExecutor(8) as pool:
        for _ in range(6):
            pool.submit(load)
        time.sleep(2)
        target = stack.processes()[victim][0]
        os.kill(target, signal.SIGKILL)
        pool.submit(probe, time.monotonic())
        restart = None
        if victim in ("nginx", "gunicorn", "serve"):
            stack.process.wait(timeout=90)  # serve exited with an error, or was killed: start it again
            restart = stack.start()
    failures = [s for s in results if s != 200]
    by_status = ", ".join(f"{s}: {failures.count(s)}" for s in sorted(set(failures), key=str))
    restarted = f"; serve restarted, answering {restart:.1f} s after its start" if restart else ""
    print(f"   {victim:<16} {len(results)} requests, {len(failures)} failed ({by_status or 'none'}); "
          f"/healthz unanswered for at most {longest[0]:.1f} s{restarted}")  # fmt: skip


def main() -> None:
    parser = arguments(__doc__)
    parser.add_argument("--ports", default="8700-8799", help="ports to pick from (default 8700-8799)")
    low, high = map(int, parser.parse_args().ports.split("-"))
    ports = range(low, high + 1)
    if not shutil.which("wrk"):
        raise SystemExit("wrk not found: apt-get install wrk")
    folder = Path(tempfile.mkdtemp(prefix="digits-attack-"))
    folder.chmod(0o755)  # nginx's workers, dropped to nobody, read the static files here
    stack = Stack(folder, free_port(ports), LABELLED_DRAWINGS_PER_MINUTE="100000")
    try:
        stack.start()
        print(f"manage.py serve on 127.0.0.1:{stack.port}: nginx in front of 2 gunicorn workers, SQLite; "
              f"attacks from {HOSTILE}")  # fmt: skip
        phase_bad_inputs(stack.port)
        phase_hostile(stack)
        phase_load(f"http://127.0.0.1:{stack.port}")
        phase_slow(stack.port)
        print("5. SIGKILL under predict load (6 clients), serve restarted whenever it exits:")
        for victim in ("gunicorn worker", "nginx worker", "nginx", "gunicorn", "serve"):
            fault(stack, victim)
        phase_labels(stack)
        phase_postgres(folder, ports)
    finally:
        stack.stop()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()

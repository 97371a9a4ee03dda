"""Labelled drawings under attack, for bench/bench_attack.py: an Idempotency-Key reused
with another body, five addresses storing large drawings as fast as they are let, and
drawings sent from 16 threads into SQLite and into PostgreSQL (a server of its own,
stopped mid-load), each counted as acknowledged, stored and lost."""

from __future__ import annotations

import http.client
import json
import random
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.attack_inputs import labelled
from bench.common import page_strokes
from bench.payloads import line
from bench.stack import PROBE, Stack, free_port, postgres, raw, request

LABELS = "127.0.0.5"  # the address labelled drawings come from


def csrf(port: int, source: str = LABELS) -> dict:
    """The headers a labelled drawing needs: a token, and the csrftoken cookie it goes with."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10, source_address=(source, 0))
    connection.request("GET", "/api/csrf")
    answer = connection.getresponse()
    cookie = answer.getheader("Set-Cookie").split("csrftoken=", 1)[1].split(";", 1)[0]
    token = json.loads(answer.read())["csrfToken"]
    connection.close()
    return {"X_CSRFToken": token, "Cookie": f"csrftoken={cookie}"}


def send_labels(port: int, n: int, retries: float = 0, during=None) -> tuple[dict, list]:
    """n labelled drawings (and a retry with the same key for 30% of them) from 16 threads;
    with `retries` seconds, each is sent again, same key, until acknowledged. (each key's
    best answer, every status seen)"""
    token, rng = csrf(port), random.Random(1)
    keys = [uuid.uuid4().hex for _ in range(n)]
    sends = keys + [k for k in keys if rng.random() < 0.3]
    rng.shuffle(sends)
    best, seen = {}, []

    def send(key: str):
        deadline = time.monotonic() + retries
        body = {"strokes": page_strokes(), "label": int(key, 16) % 10}
        while True:
            status = raw(port, labelled(body, token, Idempotency_Key=key), LABELS, timeout=30)[0]
            seen.append(status)
            if status in (200, 201) or key not in best:
                best[key] = status
            if status in (200, 201) or time.monotonic() > deadline:
                return
            time.sleep(0.5)

    with ThreadPoolExecutor(17) as pool:
        if during:
            pool.submit(during)
        list(pool.map(send, sends))
    return best, seen


def acknowledged(best: dict) -> set:
    return {key for key, status in best.items() if status in (200, 201)}


def phase_labels(stack: Stack, n: int = 200) -> None:
    import sqlite3

    best, seen = send_labels(stack.port, n)
    with sqlite3.connect(stack.folder / "digits.sqlite3") as db:
        keys = {key for (key,) in db.execute("SELECT idempotency_key FROM recognizer_labelleddrawing")}
    print(f"6. labels into SQLite: {n} drawings, {len(seen)} requests from 16 threads "
          f"({len(seen) - n} retries with the same key): acknowledged {len(acknowledged(best))}, "
          f"stored {len(keys & set(best))}, lost {len(acknowledged(best) - keys)}")  # fmt: skip


def phase_postgres(folder: Path, ports: range, n: int = 300) -> None:
    import psycopg

    with postgres(folder, free_port(ports)) as (url, stop, start):
        pg_folder = folder / "pg-stack"
        pg_folder.mkdir(mode=0o755)
        stack = Stack(pg_folder, free_port(ports), DATABASE_URL=url, LABELLED_DRAWINGS_PER_MINUTE="100000")
        stack.start()
        outage = {}

        def stop_for_a_while():
            time.sleep(3)
            stop()
            time.sleep(1)
            outage["readyz"] = raw(stack.port, request("GET", "/readyz", ctype=""), PROBE)[0]
            outage["page"] = raw(stack.port, request("GET", "/labelled-drawings", ctype=""), PROBE)[0]
            time.sleep(4)
            start()

        try:
            best, seen = send_labels(stack.port, n, retries=60, during=stop_for_a_while)
        finally:
            stack.stop()
        with psycopg.connect(url) as db:
            stored = {key for (key,) in db.execute("SELECT idempotency_key FROM recognizer_labelleddrawing")}
    statuses = ", ".join(f"{s}: {seen.count(s)}" for s in sorted(set(seen), key=str))
    print(f"7. labels into PostgreSQL, stopped for 5 s mid-load: {n} drawings, {len(seen)} requests "
          f"({statuses}); acknowledged {len(acknowledged(best))}, stored {len(stored)}, lost "
          f"{len(acknowledged(best) - stored)}; during the outage /readyz {outage.get('readyz')}, "
          f"/labelled-drawings {outage.get('page')}")  # fmt: skip


def key_reused(port: int) -> None:
    token, key = csrf(port), {"Idempotency_Key": uuid.uuid4().hex}
    first = raw(port, labelled({"strokes": page_strokes(), "label": 7}, token, **key), LABELS)
    other = raw(port, labelled({"strokes": [[[0.5, 0.1], [0.5, 0.9]]], "label": 1}, token, **key), LABELS)
    print(
        f"   9. an Idempotency-Key reused with another body: first {first[0]}, then {other[0]} {other[2].decode()[:90]}"
    )


def five_addresses(port: int, seconds: float = 45) -> None:
    """Five addresses storing 320 kB drawings as fast as they are let."""
    body, until, stored, refused = {"strokes": [line(20_000)], "label": 1}, time.monotonic() + seconds, [], []

    def send(source: str):
        token = csrf(port, source)
        while time.monotonic() < until:
            status, _, answer = raw(port, labelled(body, token), source)
            (stored if status == 201 else refused).append((source, status))
            if status == 429:
                time.sleep(1)

    with ThreadPoolExecutor(5) as pool:
        list(pool.map(send, [f"127.0.4.{i}" for i in range(1, 6)]))
    size = len(json.dumps(body["strokes"], separators=(",", ":"))) + 784
    print(f"   5. five addresses storing 320 kB drawings for {seconds:.0f} s: {len(stored)} stored "
          f"({len(stored) * size / 1e6:.1f} MB, {len(stored) * size / 5e6:.1f} MB an address), "
          f"{len(refused)} refused ({sorted({s for _, s in refused})})")  # fmt: skip

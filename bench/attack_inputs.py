"""What bench/bench_attack.py sends: a few hundred malformed requests of every kind, the
hostile requests of the issue that asked for bounded work (each costs far more than its size
without a budget), and what slow clients send, as raw HTTP/1.1 bytes."""

from __future__ import annotations

import json
import random

from PIL import Image

from bench.common import canvas_png, page_strokes
from bench.payloads import (
    BOMBS,
    FAR_AND_WIDE,
    PARTS,
    data_url,
    encode,
    line,
    marks_photo,
    progressive_jpeg,
    zigzag,
)
from bench.payloads import multipart as form
from bench.stack import request

STROKES = json.dumps({"strokes": page_strokes()})
MAX_BODY = 8 * 1024 * 1024  # nginx's client_max_body_size: the site's MAX_REQUEST_BYTES
HEALTHZ = request("GET", "/healthz", ctype="")
SLOW_START = b"POST /api/predict HTTP/1.1\r\nHost: 127.0.0.1\r\n"
SLOW_CLIENTS = {  # what each kind of slow client sends first, then every second
    "idle": (b"", b""),
    "slow-header": (SLOW_START, b"X-a: b\r\n"),
    "slow-body": (SLOW_START + b"Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{", b" "),
}


def predict(value) -> bytes:
    return request("POST", "/api/predict", value if isinstance(value, bytes) else json.dumps(value).encode())


def multipart(data: bytes, field: str = "image") -> bytes:
    return request("POST", "/api/predict", *form({field: data}, boundary="xx"))


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


def labelled(value: dict, csrf: dict, **headers) -> bytes:
    return request("POST", "/api/labelled-drawings", json.dumps(value).encode(), **csrf, **headers)


def issue_requests(csrf: dict) -> dict[str, bytes]:
    """The issue's hostile requests, by the hole they went through (`csrf`: the headers a
    labelled drawing needs)."""
    base = len(progressive_jpeg(0))
    upload = progressive_jpeg((MAX_BODY - base - 300) // 17)  # as many tiny scans as fit in 8 MiB
    url = progressive_jpeg((497_000 * 3 // 4 - base) // 17)  # a 497 kB data URL
    requests = {
        "1. zigzag of 8,000 points in a box 0.03 wide (88 kB)": predict({"strokes": [zigzag(8000)]}),
        "1. zigzag of 20,000 points, the most points": predict({"strokes": [zigzag(20_000)]}),
        "1. labelled zigzag of 4,000 points": labelled({"strokes": [zigzag(4000)], "label": 1}, csrf),
        "2. 20 marks of 1,000 points each (236 kB)": predict({"strokes": FAR_AND_WIDE}),
        "3. progressive JPEG, a 17-byte scan repeated, 8 MiB upload": multipart(upload),
        "3. the same as a 497 kB data URL": predict({"image": data_url(url, "image/jpeg")}),
        "5. labelled straight line of 20,000 points (320 kB)": labelled(
            {"strokes": [line(20_000)], "label": 1}, csrf
        ),
        "2. a photo of 128 separate marks (1024x1024 PNG)": multipart(marks_photo()),
        "6. model name of 300 characters": predict({"strokes": [zigzag(4)], "model": "m" * 300}),
        "6. model page of a 300-character name": request("GET", "/model/" + "m" * 300, ctype=""),
        "9. a 10,000-character header under /api/": request(
            "GET", "/api/openapi.json", ctype="", X_Big="a" * 10_000
        ),
    }
    requests |= {f"image bomb: {name}": multipart(make()) for name, make in BOMBS.items()}
    requests |= {f"image of parts: {name}": multipart(make()) for name, make in PARTS.items()}
    return requests

"""Hostile inputs, made here once for the tests that prove each is refused and for
bench/bench_attack.py, which sends them to the production stack: strokes that cost far
more ink than their size, JPEGs of countless scans, photos of many marks, image bombs,
images of countless tiny parts, and model files that expand when unpickled. Also the
encoders they are sent with (data URLs, multipart bodies)."""

from __future__ import annotations

import base64
import io
import pickle
import struct
import zlib

import numpy as np
from PIL import Image

# --- encoders ------------------------------------------------------------------------


def encode(image: Image.Image, fmt="PNG", **params) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **params)
    return buffer.getvalue()


def data_url(data: bytes, media_type="image/png") -> str:
    return f"data:{media_type};base64," + base64.b64encode(data).decode("ascii")


def multipart(fields: dict[str, bytes | str], boundary: str = "xxBOUNDARYxx") -> tuple[bytes, str]:
    """A multipart/form-data body (files for bytes, fields for text) and its content type."""
    parts = []
    for name, value in fields.items():
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"'
        if isinstance(value, bytes):
            parts.append(f'{head}; filename="{name}"\r\n\r\n'.encode() + value + b"\r\n")
        else:
            parts.append(f"{head}\r\n\r\n{value}\r\n".encode())
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


# --- strokes: a little ink, many points ----------------------------------------------

CORNERS = [(0, 0), (0.03, 0.03), (0, 0.03), (0.03, 0)]


def zigzag(points: int, x: float = 0.5, y: float = 0.5) -> list:
    """One stroke going round the corners of a box 0.03 wide, `points` times: a little ink
    at the working size, drawn over and over."""
    return [[x + CORNERS[i % 4][0], y + CORNERS[i % 4][1]] for i in range(points)]


def line(points: int) -> list:
    """A straight stroke of many points: a little ink, many bytes (320 kB at 20,000 points)."""
    return [[round(0.2 + 0.6 * i / points, 6), 0.5] for i in range(points)]


FAR_AND_WIDE = [zigzag(1000, x=0.05 + 0.1 * i) for i in range(20)]  # 20 marks of 1,000 points

# --- photos that cost far more than their size ---------------------------------------


def progressive_jpeg(scans: int) -> bytes:
    """A progressive JPEG of the most pixels accepted (2364x2364 grey), blank, with its last
    scan (17 bytes: an AC band whose blocks are all empty) repeated `scans` times: each
    copy costs the decoder a pass over every block, 4 ms."""
    data = encode(Image.new("L", (2364, 2364), 255), "JPEG", progressive=True)
    last = data.rindex(b"\xff\xda")
    length = struct.unpack_from(">H", data, last + 2)[0]
    end = data.index(b"\xff\xd9", last + 2 + length)
    scan = data[last:end]
    assert len(scan) == 17, len(scan)
    return data[:end] + scan * scans + data[end:]


def marks_photo(count: int = 128) -> bytes:
    """A 1024x1024 PNG of `count` short dark marks, each in columns of its own: as many
    digits to cut out, each over the whole photo before."""
    gray = np.full((1024, 1024), 255, np.uint8)
    for i, x in enumerate(range(0, 1024, 1024 // count)):
        y = (i * 37) % 1000
        gray[y : y + 12, x : x + 4] = 0
    return encode(Image.fromarray(gray), "PNG")


# --- image bombs: a few bytes that decode to hundreds of megabytes -------------------

# 40 megapixels: just under a baseline JPEG's MAX_JPEG_PIXELS, far past any other image's budget
BOMB_SIDE = 6324


def webp_lossless(width: int, height: int) -> bytes:
    """A lossless WebP whose five prefix codes each have one symbol: every pixel takes
    zero bits, so any size fits in 28 bytes (transparent black)."""
    fields = [(0x2F, 8), (width - 1, 14), (height - 1, 14), (1, 1), (0, 3)]  # signature, size, alpha, version
    fields += [(0, 1), (0, 1), (0, 1)]  # no transform, no colour cache, no meta prefix codes
    fields += [(1, 1), (0, 1), (0, 1), (0, 1)] * 5  # simple code, one symbol, 1-bit symbol 0
    bits = offset = 0
    for value, width_bits in fields:
        bits |= value << offset
        offset += width_bits
    vp8l = bits.to_bytes((offset + 7) // 8, "little")
    chunk = b"VP8L" + struct.pack("<I", len(vp8l)) + vp8l + b"\0" * (len(vp8l) % 2)
    return b"RIFF" + struct.pack("<I", 4 + len(chunk)) + b"WEBP" + chunk


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def blank_png(width: int, height: int, bit_depth: int, colour_type: int) -> bytes:
    """A complete PNG of zero pixels, built without holding them: Pillow cannot write
    16-bit RGBA, and compressing 320 MB of zeros takes seconds. After a full flush the
    compressor starts afresh, so one compressed block of rows serves for all the others."""
    row = bytes(1 + width * bit_depth * 4 // 8)  # filter byte, then RGBA samples
    deflate = zlib.compressobj(9)
    blocks, rest = divmod(height, 64)
    first = deflate.compress(row * rest) + deflate.flush(zlib.Z_FULL_FLUSH)  # with the zlib header
    block = deflate.compress(row * 64) + deflate.flush(zlib.Z_FULL_FLUSH)
    end = deflate.flush()[:-4]  # the final block, without the checksum of what was compressed
    checksum = 1
    for _ in range(height):
        checksum = zlib.adler32(row, checksum)
    stream = first + block * blocks + end + struct.pack(">I", checksum)
    header = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", stream)
        + png_chunk(b"IEND", b"")
    )


BOMBS = {
    "lossless WebP, RGBA": lambda: webp_lossless(BOMB_SIDE, BOMB_SIDE),
    "palette PNG with transparency": lambda: encode(
        Image.new("P", (BOMB_SIDE, BOMB_SIDE)), "PNG", transparency=0
    ),
    "transparent GIF": lambda: encode(Image.new("P", (BOMB_SIDE, BOMB_SIDE)), "GIF", transparency=0),
    "16-bit RGBA PNG": lambda: blank_png(BOMB_SIDE, BOMB_SIDE, 16, 6),
    "RGBA PNG": lambda: blank_png(BOMB_SIDE, BOMB_SIDE, 8, 6),
}

# --- images of countless tiny parts --------------------------------------------------


def png_of_many_chunks(count: int) -> bytes:
    """A valid 28x28 PNG with `count` empty text chunks before its data: megabytes of parts."""
    header = png_chunk(b"IHDR", struct.pack(">IIBBBBB", 28, 28, 8, 0, 0, 0, 0))
    pixels = png_chunk(b"IDAT", zlib.compress(b"\0" * 29 * 28))
    return (
        b"\x89PNG\r\n\x1a\n" + header + png_chunk(b"tEXt", b"a\0b") * count + pixels + png_chunk(b"IEND", b"")
    )


def jpeg_of_many_markers(count: int) -> bytes:
    """A valid JPEG with `count` empty comment segments after its start marker."""
    plain = encode(Image.new("L", (28, 28), 255), "JPEG")
    return plain[:2] + b"\xff\xfe\x00\x02" * count + plain[2:]


PARTS = {
    "PNG of 400,000 chunks": lambda: png_of_many_chunks(400_000),
    "JPEG of 1,500,000 markers": lambda: jpeg_of_many_markers(1_500_000),
}

# --- model files ---------------------------------------------------------------------


def write_payload(path, payload, protocol=5):
    """A model file holding `payload` as it is, unchecked, as an attacker could write it."""
    path.write_bytes(pickle.dumps(payload, protocol=protocol))
    return path


class Expanding:
    """Unpickled as _codecs.encode(inner, "hex"): twice its input's bytes, nested `depth` times."""

    def __init__(self, depth: int):
        self.depth = depth

    def __reduce__(self):
        import codecs

        return codecs.encode, (Expanding(self.depth - 1) if self.depth > 1 else b"ab", "hex")

"""How many parts an image file has, counted before any decoder reads it.

Pillow walks a PNG's chunks and a JPEG's marker segments one by one in Python, so a file of
a few megabytes made of hundreds of thousands of empty chunks or markers costs a worker a
second or two before a pixel is decoded. Counting their headers here is bounded by the
limits below, which are far above what any camera, phone or editor writes.
"""

from __future__ import annotations

import struct

from .errors import BadInput

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_PNG_CHUNKS = 4096  # an 8 MiB PNG in libpng's 8 KiB data chunks has about 1,000
MAX_JPEG_SEGMENTS = 256  # markers before the image data: a camera's JPEG has a few dozen
SOS, EOI = 0xDA, 0xD9  # start of scan (the image data follows), end of image
STANDALONE = {0x01, *range(0xD0, 0xD8)}  # markers without a length: TEM, RST0-7


def check(data: bytes) -> int | None:
    """The number of parts of a PNG or JPEG (None for other formats); BadInput if it has
    more than any real image of its kind would."""
    if data.startswith(PNG_SIGNATURE):
        return count_png_chunks(data)
    if data.startswith(b"\xff\xd8"):
        return count_jpeg_segments(data)
    return None


def count_png_chunks(data: bytes) -> int:
    offset, count = len(PNG_SIGNATURE), 0
    while offset + 8 <= len(data):
        length, kind = struct.unpack_from(">I4s", data, offset)
        count += 1
        if count > MAX_PNG_CHUNKS:
            raise BadInput(f"the PNG has more than {MAX_PNG_CHUNKS} chunks; no real image needs as many")
        if kind == b"IEND":
            break
        offset += 12 + length  # length, type, data, CRC
    return count


def count_jpeg_segments(data: bytes) -> int:
    offset, count = 2, 0
    while offset + 4 <= len(data):
        if data[offset] != 0xFF:
            break  # not a marker: let the decoder say what is wrong
        marker = data[offset + 1]
        if marker == 0xFF:  # fill byte before a marker
            offset += 1
            continue
        count += 1
        if count > MAX_JPEG_SEGMENTS:
            raise BadInput(f"the JPEG has more than {MAX_JPEG_SEGMENTS} markers before its image data")
        if marker in (SOS, EOI):
            break
        offset += 2 if marker in STANDALONE else 2 + struct.unpack_from(">H", data, offset + 2)[0]
    return count

"""How many parts an image file has, and how much decoding them would cost, counted before
any decoder reads it.

Pillow walks a PNG's chunks and a JPEG's marker segments one by one in Python, so a file of
a few megabytes made of hundreds of thousands of empty chunks or markers costs a worker a
second or two before a pixel is decoded. A progressive JPEG is decoded scan by scan, and
each scan, however few its bytes, costs a pass over every block of the image: a 17-byte
scan repeated costs 4 ms a time at 5.6 megapixels. Counting the headers here is bounded by
the limits (recognizer/limits.py), which are far above what any camera, phone or editor
writes; a JPEG's scans' data is skipped to the next marker, which NumPy finds a window at a
time, so a file is read at most once and never copied whole.
"""

from __future__ import annotations

import struct

import numpy as np

from .errors import BadInput, TooLarge
from .limits import MAX_JPEG_SCAN_PIXELS, MAX_JPEG_SEGMENTS, MAX_PNG_CHUNKS

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SOS, EOI = 0xDA, 0xD9  # start of scan (its entropy-coded data follows), end of image
STANDALONE = {0x01, *range(0xD0, 0xD8)}  # markers without a length: TEM, RST0-7
FRAMES = {*range(0xC0, 0xD0)} - {0xC4, 0xC8, 0xCC}  # start of frame: the image's size


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
    """The JPEG's marker segments, walked to its end; BadInput past MAX_JPEG_SEGMENTS, and
    TooLarge when its scans would decode more than MAX_JPEG_SCAN_PIXELS pixels in all."""
    offset, count, scans, pixels = 2, 0, 0, 0
    while offset + 4 <= len(data):
        if data[offset] != 0xFF:
            break  # not a marker: let the decoder say what is wrong
        marker = data[offset + 1]
        if marker == 0xFF:  # fill byte before a marker
            offset += 1
            continue
        count += 1
        if count > MAX_JPEG_SEGMENTS:
            raise BadInput(f"the JPEG has more than {MAX_JPEG_SEGMENTS} markers; no real image needs as many")
        if marker == EOI:
            break
        if marker in STANDALONE:
            offset += 2
            continue
        end = offset + 2 + struct.unpack_from(">H", data, offset + 2)[0]
        if marker in FRAMES and offset + 9 <= len(data):
            height, width = struct.unpack_from(">HH", data, offset + 5)
            pixels = height * width
        if marker == SOS:
            scans += 1
            if scans * pixels > MAX_JPEG_SCAN_PIXELS:
                raise TooLarge(
                    f"the JPEG has {scans} scans or more of {pixels} pixels each; its scans may decode "
                    f"{MAX_JPEG_SCAN_PIXELS} pixels in all (a real one has about 10 scans)"
                )
            end = next_marker(data, end)  # past this scan's entropy-coded data
        offset = end
    return count


def next_marker(data: bytes, start: int, window: int = 1 << 16) -> int:
    """Where the next marker at or after `start` begins (len(data) if none): inside a scan's
    data every other 0xFF is followed by 0x00 (a stuffed byte), another 0xFF (fill) or a
    restart marker. Looked for `window` bytes at a time, without copying the file."""
    while start < len(data) - 1:
        b = np.frombuffer(data, np.uint8, count=min(window + 1, len(data) - start), offset=start)
        ff = np.flatnonzero(b[:-1] == 0xFF)  # (F,)
        after = b[ff + 1]
        found = ff[(after != 0x00) & (after != 0xFF) & ((after < 0xD0) | (after > 0xD7))]
        if len(found):
            return start + int(found[0])
        start += window
    return len(data)

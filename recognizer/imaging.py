"""Decode untrusted image bytes into a grayscale array (0..255), safely, with Pillow.

Guards, in the order they act:
- only PNG, JPEG, WebP and GIF are opened (Pillow would otherwise try every format);
- the size in the header is checked before any pixel is decoded: too many pixels or an
  absurd side is refused (Pillow's own guard only warns below twice its limit);
- an image is brought to at most DECODE_SIDE pixels on its longer side: a JPEG is decoded
  at a reduced scale (draft mode), then any image is reduced by a whole factor (averages
  of blocks of pixels);
- EXIF orientation is applied, so a phone photo is upright;
- transparency is composited onto a background that contrasts with the ink, so a
  transparent canvas does not turn into a black square.
"""

from __future__ import annotations

import base64
import io
import struct
import warnings
import zlib

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from .errors import InputError

FORMATS = ("PNG", "JPEG", "WEBP", "GIF")
MAX_PIXELS = 40_000_000  # a 40-megapixel photo is the largest accepted
MAX_WIDE_PIXELS = 4_000_000  # 16-bit and float images are stretched in float32: keep them small
WIDE_MODES = ("I;16", "I;16L", "I;16B", "I;16N", "I", "F")
MAX_SIDE = 10_000
DECODE_SIDE = 1024  # longer side after decoding, at most: plenty for a digit


class ImageError(InputError):
    """The bytes are not an image we can use; `status` is the HTTP status to answer."""


def open_checked(data: bytes) -> Image.Image:
    """Open (header only) and refuse unknown formats and oversized or absurd images."""
    if not data:
        raise ImageError("the image is empty")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=FORMATS)
    except UnidentifiedImageError:
        raise ImageError("not a PNG, JPEG, WebP or GIF image") from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageError("the image has too many pixels", 413) from None
    except Exception as exc:  # a malformed header can raise nearly anything
        raise ImageError(f"the image cannot be read ({type(exc).__name__})") from None
    width, height = image.size
    if width < 1 or height < 1 or max(width, height) > MAX_SIDE:
        raise ImageError(f"image dimensions {width}x{height} are out of range (sides 1 to {MAX_SIDE})", 413)
    limit = MAX_WIDE_PIXELS if image.mode in WIDE_MODES else MAX_PIXELS
    if width * height > limit:
        raise ImageError(f"the image has {width * height} pixels; at most {limit} are accepted", 413)
    return image


def decode(data: bytes) -> np.ndarray:
    """Image bytes -> (H, W) grayscale (see to_gray), first frame, upright."""
    image = open_checked(data)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            factor = shrink_factor(image.size)
            if factor > 1:  # JPEG only, a no-op elsewhere: the DCT decodes at 1/2, 1/4 or 1/8
                image.draft("RGB", (image.size[0] // factor, image.size[1] // factor))
            image.load()
            ImageOps.exif_transpose(image, in_place=True)  # without a copy when upright
            return to_gray(image)
    except InputError:
        raise
    except Exception as exc:  # truncated or corrupt pixel data
        raise ImageError(f"the image is truncated or corrupt ({type(exc).__name__})") from None


def shrink_factor(size: tuple[int, int]) -> int:
    """The whole factor that brings the longer side to at most DECODE_SIDE."""
    return -(-max(size) // DECODE_SIDE)


def to_gray(image: Image.Image) -> np.ndarray:
    """Any Pillow mode -> (H, W) uint8 luminance, transparency composited first."""
    if image.mode in WIDE_MODES:
        image = stretch_to_8bit(image)
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info:
        image = converted(image, "RGBA")
        # A canvas exported on white is RGBA but opaque: nothing to composite then.
        if image.getchannel("A").getextrema()[0] < 255:
            image = onto_background(image)
    return np.asarray(reduced(converted(image, "L")))


def converted(image: Image.Image, mode: str) -> Image.Image:
    return image if image.mode == mode else image.convert(mode)


def reduced(image: Image.Image) -> Image.Image:
    """At most DECODE_SIDE pixels on the longer side, by averaging whole blocks of pixels:
    several times faster than resampling, and the ink's edges keep their coverage."""
    factor = shrink_factor(image.size)
    return image.reduce(factor) if factor > 1 else image


def stretch_to_8bit(image: Image.Image) -> Image.Image:
    """16-bit, 32-bit and float images -> mode L, their value range stretched to 0..255."""
    values = np.asarray(image, dtype=np.float32)
    low, high = float(values.min()), float(values.max())
    scaled = (values - low) / (high - low) if high > low else np.zeros_like(values)
    return Image.fromarray((scaled * 255).round().astype(np.uint8), mode="L")


def onto_background(image: Image.Image) -> Image.Image:
    """An RGBA image composited onto white if its visible ink is dark, onto black if light."""
    luminance = np.asarray(image.convert("L"), dtype=np.float32)
    alpha = np.asarray(image.getchannel("A"), dtype=np.float32)
    weight = float(alpha.sum())
    ink_is_dark = weight == 0 or float((luminance * alpha).sum()) / weight < 127.5
    background = Image.new("RGBA", image.size, (255, 255, 255, 255) if ink_is_dark else (0, 0, 0, 255))
    return Image.alpha_composite(background, image)


def to_levels(pixels: np.ndarray) -> np.ndarray:
    """A float image in [0, 1] -> uint8 grey levels 0-255."""
    return (np.clip(pixels, 0, 1) * 255).round().astype(np.uint8)


def png_data_url(pixels: np.ndarray) -> str:
    """A float image in [0, 1], or uint8 levels, -> a grayscale PNG data URL (white ink on
    black, as MNIST).

    The PNG is written here (signature, header, one compressed data chunk, end): for a
    28x28 image, Pillow's save machinery costs several times the compression itself.
    """
    levels = pixels if pixels.dtype == np.uint8 else to_levels(pixels)
    height, width = levels.shape
    rows = np.zeros((height, width + 1), np.uint8)  # each row starts with filter type 0
    rows[:, 1:] = levels
    png = b"".join(
        [
            b"\x89PNG\r\n\x1a\n",
            png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)),  # 8-bit grey
            png_chunk(b"IDAT", zlib.compress(rows.tobytes(), 1)),  # fast; 30 bytes more
            png_chunk(b"IEND", b""),
        ]
    )
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def png_chunk(kind: bytes, data: bytes) -> bytes:
    """A PNG chunk: length, type, data, and the CRC-32 of type and data."""
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

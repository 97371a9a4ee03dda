"""Decode untrusted image bytes into a grayscale array in [0, 1], safely, with Pillow.

Guards, in the order they act:
- only PNG, JPEG, WebP and GIF are opened (Pillow would otherwise try every format);
- the size in the header is checked before any pixel is decoded: too many pixels or an
  absurd side is refused (Pillow's own guard only warns below twice its limit);
- a JPEG is decoded at a reduced scale when it is large (draft mode); every image is then
  reduced to at most DECODE_SIDE pixels on its longer side;
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
DECODE_SIDE = 1024  # longer side after decoding: plenty for a digit


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
            image.draft("RGB", (DECODE_SIDE, DECODE_SIDE))  # JPEG only; a no-op elsewhere
            image.load()
            image = ImageOps.exif_transpose(image)
            return to_gray(image)
    except InputError:
        raise
    except Exception as exc:  # truncated or corrupt pixel data
        raise ImageError(f"the image is truncated or corrupt ({type(exc).__name__})") from None


def to_gray(image: Image.Image) -> np.ndarray:
    """Any Pillow mode -> luminance: uint8 (0..255) for an opaque image, as decoded; float32
    in [0, 1] when transparency had to be composited. (to_mnist takes either.)"""
    if image.mode in WIDE_MODES:
        image = stretch_to_8bit(image)
    has_alpha = image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info
    image = image.convert("RGBA" if has_alpha else "L")
    image.thumbnail((DECODE_SIDE, DECODE_SIDE), Image.Resampling.BOX)
    if not has_alpha:
        return np.asarray(image)  # the canvas's usual case: no float copy at all
    pixels = np.asarray(image).astype(np.float32) / 255.0
    luminance = pixels[..., :3] @ np.array([0.299, 0.587, 0.114], np.float32)
    return composite(luminance, pixels[..., 3])


def stretch_to_8bit(image: Image.Image) -> Image.Image:
    """16-bit, 32-bit and float images -> mode L, their value range stretched to 0..255."""
    values = np.asarray(image, dtype=np.float32)
    low, high = float(values.min()), float(values.max())
    scaled = (values - low) / (high - low) if high > low else np.zeros_like(values)
    return Image.fromarray((scaled * 255).round().astype(np.uint8), mode="L")


def composite(luminance: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """Composite onto white if the visible ink is dark, onto black if it is light."""
    weight = float(alpha.sum())
    if weight == 0:  # fully transparent: nothing drawn
        return np.zeros_like(luminance)
    ink_is_dark = float((luminance * alpha).sum()) / weight < 0.5
    background = 1.0 if ink_is_dark else 0.0
    return alpha * luminance + (1.0 - alpha) * background


def png_data_url(pixels: np.ndarray) -> str:
    """A float image in [0, 1] -> a grayscale PNG data URL (white ink on black, as MNIST).

    The PNG is written here (signature, header, one compressed data chunk, end): for a
    28x28 image, Pillow's save machinery costs several times the compression itself.
    """
    levels = (np.clip(pixels, 0, 1) * 255).round().astype(np.uint8)
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

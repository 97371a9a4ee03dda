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

import io
import warnings

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from .errors import BadInput, TooLarge

FORMATS = ("PNG", "JPEG", "WEBP", "GIF")
MAX_PIXELS = 40_000_000  # a 40-megapixel photo is the largest accepted
MAX_WIDE_PIXELS = 4_000_000  # 16-bit and float images are stretched in float32: keep them small
WIDE_MODES = ("I;16", "I;16L", "I;16B", "I;16N", "I", "F")
MAX_SIDE = 10_000
DECODE_SIDE = 1024  # longer side after decoding, at most: plenty for a digit


class ImageError(BadInput):
    """The bytes are not an image we can use."""


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
        raise TooLarge("the image has too many pixels") from None
    except Exception:  # a malformed header can raise nearly anything
        raise ImageError("the image cannot be read: its header is malformed") from None
    width, height = image.size
    if width < 1 or height < 1 or max(width, height) > MAX_SIDE:
        raise TooLarge(f"image dimensions {width}x{height} are out of range (sides 1 to {MAX_SIDE})")
    limit = MAX_WIDE_PIXELS if image.mode in WIDE_MODES else MAX_PIXELS
    if width * height > limit:
        raise TooLarge(f"the image has {width * height} pixels; at most {limit} are accepted")
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
    except BadInput:
        raise
    except Exception:  # truncated or corrupt pixel data
        raise ImageError("the image is truncated or corrupt") from None


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


COPY_SIDE = 256  # a stored photo's longer side, at most: enough to see what was written


def reduced_copy(data: bytes) -> bytes:
    """A photo as it is kept with its label: decoded (with every guard above), grey,
    reduced to at most COPY_SIDE pixels a side, and written anew as PNG, so no bytes
    the client appended or hid in metadata are stored."""
    image = Image.fromarray(decode(data), mode="L")
    image.thumbnail((COPY_SIDE, COPY_SIDE))
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()

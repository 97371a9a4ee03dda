"""Decode untrusted image bytes into a grayscale array (0..255), safely, with Pillow.

Guards, in the order they act:
- only PNG, JPEG, WebP and GIF are opened (Pillow would otherwise try every format);
- the size in the header is checked before any pixel is decoded. A baseline JPEG is
  decoded at a reduced scale (draft mode), so only its pixel count is bounded; any other
  image (a progressive JPEG too) is decoded whole, so what that costs is bounded instead:
  its pixels times the bytes each takes in memory on the way to grey, which depend on the
  format and mode (a transparent palette image costs nine times an opaque greyscale one);
- an image is brought to at most DECODE_SIDE pixels on its longer side before anything
  else: a JPEG by its draft scale, then any image by a whole factor (averages of blocks of
  pixels), before transparency is composited or the mode converted, so no full-size
  RGBA copy is ever made;
- EXIF orientation is applied, so a phone photo is upright;
- transparency is composited onto a background that contrasts with the ink, so a
  transparent canvas does not turn into a black square.
"""

from __future__ import annotations

import io
import re
import warnings

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from . import image_structure
from .errors import BadInput, TooLarge
from .limits import MAX_DECODED_BYTES, MAX_JPEG_PIXELS, MAX_REQUEST_BYTES, MAX_SIDE

# The formats a photo may have (no other is opened), by Pillow's name, and how a file of each
# starts (a WebP: "RIFF", four bytes of length, "WEBP").
SIGNATURES = {
    "PNG": re.compile(re.escape(image_structure.PNG_SIGNATURE)),
    "JPEG": re.compile(rb"\xff\xd8\xff"),
    "WEBP": re.compile(rb"RIFF.{4}WEBP", re.DOTALL),
    "GIF": re.compile(rb"GIF8"),
}
FORMATS = tuple(SIGNATURES)
WRITTEN = tuple({"WEBP": "WebP"}.get(f, f) for f in FORMATS)  # each name as people write it
FORMAT_NAMES = f"{', '.join(WRITTEN[:-1])} or {WRITTEN[-1]}"  # "PNG, JPEG, WebP or GIF"
DECODE_SIDE = 1024  # longer side after decoding, at most: plenty for a digit
WIDE_MODES = ("I;16", "I;16L", "I;16B", "I;16N", "I", "F")  # stretched to 8 bits
ALPHA_MODES = ("RGBA", "LA", "PA", "RGBa", "La")
REDUCIBLE_MODES = ("L", "LA", "RGB", "RGBA", "CMYK", "I", "F")  # modes Image.reduce takes
OPAQUE_REDUCIBLE_MODES = ("L", "RGB", "CMYK", "I", "F")  # an opaque RGBA is cheaper as L
# What decoding costs, in bytes a pixel at its peak (measured; see decoding_cost): the
# decoded image as Pillow keeps it (one byte for 1, L and P, two for 16-bit, four for the rest,
# LA and RGB included), a copy in a mode that can be reduced, and the premultiplied copy that
# reducing an image with alpha makes. WebP's decoder holds frames of its own besides.
STORED_BYTES = {"1": 1, "L": 1, "P": 1, "I;16": 2, "I;16L": 2, "I;16B": 2, "I;16N": 2}
WEBP_PIXEL_BYTES = 16
PROGRESSIVE_JPEG_PIXEL_BYTES = 6  # two bytes for each of three coefficients, at any draft scale
# What the drawing page shrinks a larger photo to before sending it (static/recognizer/js/
# shrink.js): no more pixels than every format is accepted with (a WebP's fewest), and room
# in a request for the form around it.
SENT_PIXELS = MAX_DECODED_BYTES // WEBP_PIXEL_BYTES
SENT_BYTES = MAX_REQUEST_BYTES - 64 * 1024


class ImageError(BadInput):
    """The bytes are not an image we can use."""


def media_type(name: str) -> str:
    """The media type of one of FORMATS: "JPEG" -> "image/jpeg"."""
    return f"image/{name.lower()}"


# What a data URL may name a photo's type: each format's, and image/jpg, which some clients send
MEDIA_TYPES = (*map(media_type, FORMATS), "image/jpg")


def format_of(data: bytes) -> str | None:
    """Which of FORMATS image bytes are, from their first bytes alone (no decoder reads
    them); None for any other."""
    return next((name for name, signature in SIGNATURES.items() if signature.match(data)), None)


def open_checked(data: bytes) -> Image.Image:
    """Open (header only) and refuse unknown formats and oversized or absurd images."""
    if not data:
        raise ImageError("the image is empty")
    image_structure.check(data)  # before Pillow walks the file part by part
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=FORMATS)
    except UnidentifiedImageError:
        raise ImageError(f"not a {FORMAT_NAMES} image") from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise TooLarge("the image has too many pixels") from None
    except Exception:  # a malformed header can raise nearly anything
        raise ImageError("the image cannot be read: its header is malformed") from None
    width, height = image.size
    if width < 1 or height < 1 or max(width, height) > MAX_SIDE:
        raise TooLarge(f"image dimensions {width}x{height} are out of range (sides 1 to {MAX_SIDE})")
    most = max_pixels(image)
    if width * height > most:
        kind = "" if most == MAX_JPEG_PIXELS else f" in a {image.format} of this kind"
        raise TooLarge(f"the image has {width * height} pixels; at most {most} are accepted{kind}")
    return image


def max_pixels(image: Image.Image) -> int:
    """The most pixels accepted in an image of this format and mode."""
    if image.format == "JPEG" and not progressive(image):
        return MAX_JPEG_PIXELS
    return MAX_DECODED_BYTES // decoding_cost(image)


def decoding_cost(image: Image.Image) -> int:
    """Peak bytes a pixel that decoding an image of this format and mode costs, up to its
    reduction (to_gray): from 1 for an opaque greyscale PNG to 12 for an RGB one with a
    transparent colour."""
    if image.format == "WEBP":
        return WEBP_PIXEL_BYTES
    if image.format == "JPEG":  # progressive: the whole image's coefficients are kept
        return PROGRESSIVE_JPEG_PIXEL_BYTES
    alpha = has_alpha(image)
    stored = STORED_BYTES.get(image.mode, 4)
    if image.mode in REDUCIBLE_MODES and "transparency" not in image.info:
        copy = 0
    else:
        copy = 4 if alpha or image.mode in WIDE_MODES else 1  # to LA or I, else to L
    return stored + copy + (4 if alpha else 0)


def progressive(image: Image.Image) -> bool:
    """A progressive JPEG keeps every coefficient until the last scan: no reduced decode."""
    return bool(image.info.get("progressive") or image.info.get("progression"))


def has_alpha(image: Image.Image) -> bool:
    return image.mode in ALPHA_MODES or "transparency" in image.info


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
            return to_gray(upright(image))
    except BadInput:
        raise
    except Exception:  # truncated or corrupt pixel data
        raise ImageError("the image is truncated or corrupt") from None


def upright(image: Image.Image) -> Image.Image:
    """EXIF orientation applied (in place, without a copy when already upright)."""
    ImageOps.exif_transpose(image, in_place=True)
    return image


def shrink_factor(size: tuple[int, int]) -> int:
    """The whole factor that brings the longer side to at most DECODE_SIDE."""
    return -(-max(size) // DECODE_SIDE)


def to_gray(image: Image.Image) -> np.ndarray:
    """Any Pillow mode -> (H, W) uint8 luminance: reduced first, then stretched (16-bit and
    float images) or composited (transparency), then converted."""
    # A canvas exported on white is RGBA but opaque: nothing to composite then.
    alpha = has_alpha(image) and not opaque(image)
    image = reduced(reducible(image, alpha))
    if image.mode in WIDE_MODES:
        image = stretch_to_8bit(image)
    if alpha:
        image = onto_background(converted(image, "RGBA"))
    return np.asarray(converted(image, "L"))


def opaque(image: Image.Image) -> bool:
    """An alpha channel that is 255 everywhere (unknown for a transparent colour: False)."""
    return image.mode in ("RGBA", "LA") and image.getextrema()[-1][0] == 255


def reducible(image: Image.Image, alpha: bool) -> Image.Image:
    """The image in a mode Image.reduce takes, keeping any transparency: itself when it is
    one already, else the cheapest (L, LA, or I for 16-bit images)."""
    keep = REDUCIBLE_MODES if alpha else OPAQUE_REDUCIBLE_MODES
    if image.mode in keep and "transparency" not in image.info:
        return image
    if image.mode in WIDE_MODES:
        return image.convert("I")
    return image.convert("LA" if alpha else "L")


def converted(image: Image.Image, mode: str) -> Image.Image:
    return image if image.mode == mode else image.convert(mode)


def reduced(image: Image.Image) -> Image.Image:
    """At most DECODE_SIDE pixels on the longer side, by averaging whole blocks of pixels:
    several times faster than resampling, and the ink's edges keep their coverage.
    Pixels with alpha are averaged premultiplied, so transparent ones add no colour."""
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


def reduced_copy(gray: np.ndarray) -> bytes:
    """A photo as it is kept with its label: the decoded grey levels (see decode), reduced
    to at most COPY_SIDE pixels a side and written anew as PNG, so no bytes the client
    appended or hid in metadata are stored."""
    image = Image.fromarray(gray, mode="L")
    image.thumbnail((COPY_SIDE, COPY_SIDE))
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()

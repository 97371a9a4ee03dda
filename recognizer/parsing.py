"""Turn request payloads into plain values, or an InputError saying what was wrong.

Nothing here knows about HTTP requests: it takes bytes and decoded JSON values.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re

import numpy as np

from .errors import InputError

IMAGE_TYPES = ("png", "jpeg", "jpg", "webp", "gif")
DATA_URL = re.compile(
    r"data:(?P<type>[\w.+-]+/[\w.+-]+)?(?P<params>(;[\w.+-]+=[\w.+-]+)*)(?P<b64>;base64)?,", re.ASCII
)


def parse_json_object(body: bytes) -> dict:
    if not body:
        raise InputError("the request body is empty")
    try:
        value = json.loads(body)
    except RecursionError:
        raise InputError("malformed JSON: nested too deeply") from None
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError, too-long integers
        raise InputError(f"malformed JSON: {exc}") from None
    if not isinstance(value, dict):
        raise InputError('the JSON body must be an object, e.g. {"image": "data:image/png;base64,..."}')
    return value


def image_bytes_from_data_url(value, max_bytes: int) -> bytes:
    """A `data:image/...;base64,...` string -> the image bytes, decoded strictly."""
    if not isinstance(value, str):
        raise InputError("'image' must be a string holding a data URL (data:image/png;base64,...)")
    match = DATA_URL.match(value)
    if not match:
        raise InputError("'image' must be a data URL: data:image/png;base64,...")
    media_type = (match["type"] or "text/plain").lower()
    if not media_type.startswith("image/") or media_type.split("/")[1] not in IMAGE_TYPES:
        raise InputError(f"unsupported image type {media_type}; send PNG, JPEG, WebP or GIF", 415)
    if not match["b64"]:
        raise InputError("the data URL must be base64-encoded (data:image/png;base64,...)")
    payload = value[match.end() :]
    if len(payload) * 3 // 4 > max_bytes:
        raise InputError(f"the image is larger than {max_bytes} bytes", 413)
    try:
        data = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise InputError("the data URL's base64 payload is invalid") from None
    if not data:
        raise InputError("the image is empty")
    return data


def pixels_from_json(value) -> np.ndarray:
    """28x28 nested lists or a flat list of 784 numbers in [0, 1] -> (28, 28) float32."""
    rows = value
    if isinstance(value, list) and len(value) == 28 and all(isinstance(r, list) for r in value):
        if any(len(r) != 28 for r in value):
            raise InputError("'pixels' as rows must be 28 rows of 28 numbers")
        rows = [v for r in value for v in r]
    if not isinstance(rows, list) or len(rows) != 784:
        raise InputError("'pixels' must be 784 numbers, or 28 rows of 28 numbers, in [0, 1]")
    for i, v in enumerate(rows):
        # bool is an int in Python; a pixel of `true` is a client bug, not a 1.
        if isinstance(v, bool) or not isinstance(v, int | float):
            raise InputError(f"pixel {i} is not a number: {json.dumps(v)[:40]}")
        if not 0 <= v <= 1 or not math.isfinite(v):  # compares before float(): no overflow
            raise InputError(f"pixel {i} is {v}; every pixel must be a finite number in [0, 1]")
    return np.asarray(rows, dtype=np.float32).reshape(28, 28)


def image_or_pixels(body: dict, max_bytes: int) -> bytes | np.ndarray:
    """A JSON body's one input: image bytes from 'image', or a (28, 28) array from 'pixels'."""
    if ("image" in body) == ("pixels" in body):
        raise InputError("send exactly one of 'image' (a data URL) or 'pixels' (784 numbers in [0, 1])")
    if "pixels" in body:
        return pixels_from_json(body["pixels"])
    return image_bytes_from_data_url(body["image"], max_bytes)


def uploaded_image(files) -> bytes:
    """The bytes of the multipart file field 'image'."""
    upload = files.get("image")
    if upload is None:
        raise InputError("multipart requests need a file field named 'image'")
    return upload.read()


def model_name(value) -> str | None:
    """The optional 'model' field: a model's name, or absent for the default."""
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise InputError("'model' must be the name of a model, e.g. \"mlp\"")
    return value


MISSING = object()  # a field that is absent, as opposed to null


def label(value) -> int:
    """The true digit of a labelled drawing: a JSON integer 0-9, nothing that merely looks like one."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 9:
        shown = "missing" if value is MISSING else json.dumps(value)[:40]
        raise InputError(f"'label' must be an integer from 0 to 9 (got {shown})")
    return value


def form_label(value: str | None) -> int:
    """A multipart form's 'label' field: text by nature, so exactly one digit character."""
    if value is None or len(value) != 1 or value not in "0123456789":
        shown = "missing" if value is None else json.dumps(value)[:40]
        raise InputError(f"'label' must be one digit from 0 to 9 (got {shown})")
    return int(value)


MAX_STROKES, MAX_POINTS = 100, 20_000


def strokes(value) -> list | None:
    """Optional pen strokes: lists of [x, y] points in units of the pad's side (about 0..1)."""
    if value is None:
        return None
    if not isinstance(value, list) or len(value) > MAX_STROKES:
        raise InputError(f"'strokes' must be a list of at most {MAX_STROKES} strokes")
    total = 0
    for stroke in value:
        if not isinstance(stroke, list) or not stroke:
            raise InputError("each stroke must be a non-empty list of [x, y] points")
        total += len(stroke)
        if total > MAX_POINTS:
            raise InputError(f"the strokes have more than {MAX_POINTS} points")
        for point in stroke:
            if not (isinstance(point, list) and len(point) == 2 and all(_coordinate(c) for c in point)):
                raise InputError("each point must be [x, y]: two finite numbers between -1 and 2")
    return value


def _coordinate(c) -> bool:
    return not isinstance(c, bool) and isinstance(c, int | float) and -1 <= c <= 2  # NaN fails too

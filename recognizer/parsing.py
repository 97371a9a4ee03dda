"""Turn request payloads into plain values and typed drawings (recognizer/drawings.py), or
a BadInput saying what was wrong.

Nothing here knows about HTTP requests: it takes bytes and decoded JSON values, and checks
them against recognizer/limits.py.
"""

from __future__ import annotations

import base64
import binascii
import itertools
import json
import math
import re

import numpy as np

from .drawings import Drawing, Photo, Pixels, Strokes
from .errors import BadInput, TooLarge, UnsupportedType
from .imaging import FORMAT_NAMES, MEDIA_TYPES
from .limits import (
    COORDINATE_RANGE,
    DIGITS,
    MAX_DIGITS,
    MAX_MODEL_NAME,
    MAX_POINTS,
    MAX_SHOWN,
    MAX_STROKES,
    PIXELS,
    SIDE,
)

DATA_URL = re.compile(
    r"data:(?P<type>[\w.+-]+/[\w.+-]+)?(?P<params>(;[\w.+-]+=[\w.+-]+)*)(?P<b64>;base64)?,", re.ASCII
)
IDEMPOTENCY_KEY = re.compile(r"[A-Za-z0-9_-]{8,64}", re.ASCII)
DRAWING_FIELDS = ("strokes", "image", "pixels")  # a JSON body holds exactly one drawing, in one of these
MISSING = object()  # a field that is absent, as opposed to null


def shown(value) -> str:
    """A client's value, quoted briefly in an error message."""
    return "missing" if value is MISSING else json.dumps(value)[:MAX_SHOWN]


def json_object(body: bytes) -> dict:
    if not body:
        raise BadInput("the request body is empty")
    try:
        value = json.loads(body)
    except RecursionError:
        raise BadInput("malformed JSON: nested too deeply") from None
    except json.JSONDecodeError as exc:
        raise BadInput(f"malformed JSON: {exc}") from None
    except UnicodeDecodeError:
        raise BadInput("malformed JSON: the body is not UTF-8 text") from None
    except ValueError:  # an integer longer than Python converts (its words are for the server)
        raise BadInput("malformed JSON: a number has thousands of digits") from None
    if not isinstance(value, dict):
        raise BadInput('the JSON body must be an object, e.g. {"strokes": [[[0.2, 0.3], [0.4, 0.5]]]}')
    return value


def drawing(body: dict, max_bytes: int) -> Drawing:
    """A JSON body's one drawing: strokes, a photo from a data URL, or pixels."""
    given = [name for name in DRAWING_FIELDS if name in body]
    if len(given) != 1:
        raise BadInput(
            "send exactly one of 'strokes' (pen strokes), 'image' (a data URL) or 'pixels' (784 numbers)"
        )
    if given == ["strokes"]:
        return Strokes(strokes(body["strokes"]))
    if given == ["pixels"]:
        return Pixels(pixels(body["pixels"]))
    return Photo(data_url_bytes(body["image"], max_bytes))


def strokes(value) -> list[list[list[float]]]:
    """Pen strokes: lists of [x, y] points in units of the pad's height."""
    if not isinstance(value, list) or not value or len(value) > MAX_STROKES:
        raise BadInput(f"'strokes' must be a list of 1 to {MAX_STROKES} strokes")
    total = 0
    for stroke in value:
        if not isinstance(stroke, list) or not stroke:
            raise BadInput("each stroke must be a non-empty list of [x, y] points")
        total += len(stroke)
        if total > MAX_POINTS:
            raise BadInput(f"the strokes have more than {MAX_POINTS} points")
        if plain_points(stroke):
            continue
        for point in stroke:  # the slow way, only to say which point is wrong
            if not (isinstance(point, list) and len(point) == 2 and all(map(coordinate, point))):
                low, high = COORDINATE_RANGE
                raise BadInput(
                    f"each point must be [x, y]: two numbers from {low:g} to {high:g} (got {shown(point)})"
                )
    return value


def plain_points(stroke: list) -> bool:
    """Whether every point is [x, y], two numbers (not booleans) in COORDINATE_RANGE,
    checked in bulk: a few milliseconds for the most points a drawing may have."""
    if not all(type(point) is list and len(point) == 2 for point in stroke):
        return False
    if not set(map(type, itertools.chain.from_iterable(stroke))) <= {int, float}:
        return False
    try:
        xy = np.array(stroke, dtype=np.float64)  # (M, 2)
    except OverflowError:  # an integer too large for a float
        return False
    low, high = COORDINATE_RANGE
    return bool(((xy >= low) & (xy <= high)).all())  # NaN fails too


def coordinate(c) -> bool:
    low, high = COORDINATE_RANGE
    return not isinstance(c, bool) and isinstance(c, int | float) and low <= c <= high  # NaN fails too


def data_url_bytes(value, max_bytes: int) -> bytes:
    """A `data:image/...;base64,...` string -> the image bytes, decoded strictly."""
    if not isinstance(value, str):
        raise BadInput("'image' must be a string holding a data URL (data:image/png;base64,...)")
    match = DATA_URL.match(value)
    if not match:
        raise BadInput("'image' must be a data URL: data:image/png;base64,...")
    media_type = (match["type"] or "text/plain").lower()
    if media_type not in MEDIA_TYPES:
        raise UnsupportedType(f"unsupported image type {media_type[:MAX_SHOWN]}; send {FORMAT_NAMES}")
    if not match["b64"]:
        raise BadInput("the data URL must be base64-encoded (data:image/png;base64,...)")
    payload = value[match.end() :]
    if len(payload) * 3 // 4 > max_bytes:
        raise TooLarge(f"the image is larger than {max_bytes} bytes")
    try:
        data = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise BadInput("the data URL's base64 payload is invalid") from None
    if not data:
        raise BadInput("the image is empty")
    return data


def pixels(value) -> np.ndarray:
    """28x28 nested lists or a flat list of 784 numbers in [0, 1] -> (28, 28) float32."""
    flat = value
    if isinstance(value, list) and len(value) == SIDE and all(isinstance(r, list) for r in value):
        if any(len(r) != SIDE for r in value):
            raise BadInput(f"'pixels' as rows must be {SIDE} rows of {SIDE} numbers")
        flat = [v for r in value for v in r]
    if not isinstance(flat, list) or len(flat) != PIXELS:
        raise BadInput(f"'pixels' must be {PIXELS} numbers, or {SIDE} rows of {SIDE} numbers, in [0, 1]")
    for i, v in enumerate(flat):
        # bool is an int in Python; a pixel of `true` is a client bug, not a 1.
        if isinstance(v, bool) or not isinstance(v, int | float):
            raise BadInput(f"pixel {i} is not a number: {shown(v)}")
        if not 0 <= v <= 1 or not math.isfinite(v):  # compares before float(): no overflow
            raise BadInput(f"pixel {i} is {shown(v)}; every pixel must be a finite number in [0, 1]")
    return np.asarray(flat, dtype=np.float32).reshape(SIDE, SIDE)


def uploaded_image(files) -> Photo:
    """The photo in the multipart file field 'image', which must be there once."""
    uploads = files.getlist("image")
    if not uploads:
        raise BadInput("multipart requests need a file field named 'image'")
    if len(uploads) > 1:
        raise BadInput(f"send one photo a request: the file field 'image' came {len(uploads)} times")
    return Photo(uploads[0].read())


def model_name(value) -> str | None:
    """The optional 'model' field: a model's name, or absent (MISSING) for the default."""
    if value is MISSING:
        return None
    if not isinstance(value, str) or not value:
        raise BadInput("'model' must be the name of a model, e.g. \"mlp\"")
    if len(value) > MAX_MODEL_NAME:
        raise BadInput(f"'model' must be a model's name, at most {MAX_MODEL_NAME} characters")
    return value


def label(value) -> int:
    """The true digit of a labelled drawing: a JSON integer 0-9, nothing that merely looks like one."""
    if isinstance(value, bool) or not isinstance(value, int) or value not in DIGITS:
        raise BadInput(f"'label' must be an integer from 0 to 9 (got {shown(value)})")
    return value


def form_label(value: str | None) -> int:
    """A multipart form's 'label' field: text by nature, so exactly one digit character."""
    if value is None or len(value) != 1 or value not in "0123456789":
        raise BadInput(
            f"'label' must be one digit from 0 to 9 (got {shown(MISSING if value is None else value)})"
        )
    return int(value)


def digit_index(value) -> int | None:
    """The optional 'digit' of a labelled drawing: which digit of a number it labels, a JSON
    integer from 0 (the leftmost); absent (MISSING) when the drawing is one digit."""
    if value is MISSING:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < MAX_DIGITS:
        raise BadInput(f"'digit' must be an integer from 0 to {MAX_DIGITS - 1} (got {shown(value)})")
    return value


def form_digit_index(value: str | None) -> int | None:
    """A multipart form's 'digit' field: text, so decimal digits only."""
    if value is None:
        return None
    if not (0 < len(value) <= 2 and value.isascii() and value.isdigit()):
        raise BadInput(f"'digit' must be an integer from 0 to {MAX_DIGITS - 1} (got {shown(value)})")
    return digit_index(int(value))


def idempotency_key(value: str | None) -> str | None:
    """The optional Idempotency-Key header: 8 to 64 letters, digits, '-' or '_' (a UUID fits)."""
    if value is None:
        return None
    if not IDEMPOTENCY_KEY.fullmatch(value):
        raise BadInput("the Idempotency-Key header must be 8 to 64 letters, digits, '-' or '_'")
    return value


def number_label(value) -> str:
    """The 'number' of a labelled drawing (a JSON value, or a form's text): the number it
    really is, as predict's 'number' says it, a string of 1 to MAX_DIGITS decimal digits
    (leading zeros kept)."""
    if not (isinstance(value, str) and 0 < len(value) <= MAX_DIGITS and value.isascii() and value.isdigit()):
        raise BadInput(
            f"'number' must be a string of 1 to {MAX_DIGITS} digits, e.g. \"1984\" (got {shown(value)})"
        )
    return value


def activations(value) -> bool | None:
    """Predict's optional 'activations': a JSON boolean; absent (MISSING) for the model's default."""
    if value is MISSING:
        return None
    if not isinstance(value, bool):
        raise BadInput(f"'activations' must be true or false (got {shown(value)})")
    return value


def form_activations(value: str | None) -> bool | None:
    """A multipart form's 'activations' field: the text true or false."""
    if value is None:
        return None
    if value not in ("true", "false"):
        raise BadInput(f"'activations' must be true or false (got {shown(value)})")
    return value == "true"

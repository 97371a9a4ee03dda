"""The OpenAPI 3.1 description of the JSON API, served at /api/openapi.json. Every limit
comes from recognizer/limits.py, the same numbers the parser enforces."""

from nn.ink.raster import PEN_WIDTH

from .http import CODES
from .imaging import FORMAT_NAMES
from .limits import (
    COORDINATE_RANGE,
    DIGITS,
    MAX_DECODED_BYTES,
    MAX_DIGITS,
    MAX_INK,
    MAX_JPEG_PIXELS,
    MAX_JPEG_SCAN_PIXELS,
    MAX_JPEG_SEGMENTS,
    MAX_JSON_BYTES,
    MAX_MODEL_NAME,
    MAX_PIECES,
    MAX_PNG_CHUNKS,
    MAX_POINTS,
    MAX_REQUEST_BYTES,
    MAX_SIDE,
    MAX_STROKES,
    PIXELS,
    SIDE,
)
from .parsing import IDEMPOTENCY_KEY


def obj(properties: dict, required: list | None = None, **schema) -> dict:
    """An object with these properties, all of them required unless `required` says which."""
    required = list(properties) if required is None else required
    return {"type": "object", "required": required, "properties": properties, **schema}


def string(description: str, **schema) -> dict:
    return {"type": "string", **schema, "description": description}


def array(items: dict, low: int | None = None, high: int | None = None, **schema) -> dict:
    """An array of `items`: from `low` to `high` of them, where given."""
    bounds = {key: n for key, n in (("minItems", low), ("maxItems", high)) if n is not None}
    return {"type": "array", **bounds, "items": items, **schema}


def numbers(count: int, description: str, item: dict | None = None) -> dict:
    return array(item or {"type": "number"}, count, count, description=description)


ERROR = {"$ref": "#/components/schemas/Error"}
MODEL = string(
    'the model to ask, e.g. "mlp" or "cnn" (see /model); the site\'s default when absent',
    minLength=1,
    maxLength=MAX_MODEL_NAME,
)
DIGIT = {"type": "integer", "minimum": DIGITS[0], "maximum": DIGITS[-1]}
UNIT = {"type": "number", "minimum": 0, "maximum": 1}
NON_NEGATIVE = {"type": "number", "minimum": 0}
TEXT = {"type": "string"}
DECIMAL = "^[0-9]+$"  # a number's digits, as text


COORDINATE = {"type": "number", "minimum": COORDINATE_RANGE[0], "maximum": COORDINATE_RANGE[1]}
STROKES = array(
    array(array(COORDINATE, 2, 2), 1, MAX_POINTS),
    1,
    MAX_STROKES,
    description=(
        "pen strokes, each a list of [x, y] points in units of the pad's height (y from 0 to 1, down; "
        f"x to the pad's width, at most 2), at most {MAX_POINTS} points in all; drawn on the server "
        f"with the page's round pen, {PEN_WIDTH} of the height wide. Drawing them may take at most "
        f"{MAX_INK:g} of ink (x-max-ink): the pen's path length times its width, in squares of the "
        "ink's longer side, summed over the strokes, each at its own size, and over the digits, each "
        "at its own size (a digit takes about 0.2; a pen going over one small spot again and again, "
        "thousands); more is a 413 before anything is drawn"
    ),
    examples=[[[[0.5, 0.15], [0.5, 0.5], [0.5, 0.85]]]],
) | {"x-max-ink": MAX_INK}
IMAGE_BUDGETS = (
    f"Decoding is budgeted from the headers, before a pixel is decoded (more is a 413, or a 400 "
    f"for a file of absurdly many parts): sides up to {MAX_SIDE} pixels; a baseline JPEG up to "
    f"{MAX_JPEG_PIXELS} pixels (decoded at up to 1/8 scale); any other image as many pixels as "
    f"fit in {MAX_DECODED_BYTES} bytes at what its format and mode cost a pixel; a JPEG's scans "
    f"times its pixels up to {MAX_JPEG_SCAN_PIXELS}; at most {MAX_PNG_CHUNKS} PNG chunks or "
    f"{MAX_JPEG_SEGMENTS} JPEG markers"
)
IMAGE = string(
    f"data URL of a {FORMAT_NAMES} image (a photo of a digit). {IMAGE_BUDGETS}",
    examples=["data:image/png;base64,iVBORw0KGgo..."],
)
PIXELS_FIELD = {
    "description": (
        "pixels in MNIST's form: white ink on black, values in [0, 1]; skips the image preprocessing "
        "(a model trained on deskewed digits still deskews it)"
    ),
    "oneOf": [
        numbers(PIXELS, f"{PIXELS} values, row by row", UNIT),
        numbers(SIDE, f"{SIDE} rows", numbers(SIDE, f"{SIDE} values", UNIT)),
    ],
}
LABEL = {**DIGIT, "description": "the digit it really is (a JSON integer)"}
DIGIT_INDEX = {
    "type": "integer",
    "minimum": 0,
    "maximum": MAX_DIGITS - 1,
    "description": (
        "which digit of a number the label is for, 0 the leftmost (as in predict's 'digits'); "
        "only that digit's strokes, or its part of the photo, are stored. Absent: the whole drawing is one digit"
    ),
}


NUMBER_LABEL = string(
    "instead of 'label' (and 'digit'): the number the drawing really is, left to right as "
    "predict's 'number'; every digit is stored, each with its own strokes or part of the photo, "
    "all of them or none. It must have as many digits as predict finds",
    pattern=f"^[0-9]{{1,{MAX_DIGITS}}}$",
    examples=["1984"],
)
ACTIVATIONS_FLAG = {
    "type": "boolean",
    "description": (
        "true: each of 'digits' carries its layers' activations (the CNN's feature maps too); "
        "false: none do. Absent: the 784-250-10 sends its own, which are small, and the CNN none"
    ),
}


def json_body(field: str, schema: dict, label: bool) -> dict:
    if not label:
        return obj({field: schema, "model": MODEL, "activations": ACTIVATIONS_FLAG}, [field])
    one = {field: schema, "model": MODEL, "label": LABEL, "digit": DIGIT_INDEX}
    whole = {field: schema, "model": MODEL, "number": NUMBER_LABEL}
    return {
        "oneOf": [
            obj(one, [field, "label"]) | {"not": {"required": ["number"]}},
            obj(whole, [field, "number"]) | {"not": {"anyOf": [{"required": ["label"]}, {"required": ["digit"]}]}},
        ]
    }  # fmt: skip


def request_body(label: bool = False) -> dict:
    """Predict's request body: strokes, an image or pixels; a labelled drawing adds its label,
    or its number."""
    form = {"image": string(IMAGE_BUDGETS, format="binary"), "model": MODEL}
    if label:
        # One of label (with digit, or not) and number: said in their descriptions, since a
        # schema that says it over binary fields is more than some tools read.
        form |= {
            "label": string("one digit", pattern="^[0-9]$"),
            "digit": string(DIGIT_INDEX["description"], pattern="^[0-9]{1,2}$"),
            "number": NUMBER_LABEL,
        }
    else:
        form["activations"] = string(ACTIVATIONS_FLAG["description"], enum=["true", "false"])
    inputs = {"strokes": STROKES, "image": IMAGE, "pixels": PIXELS_FIELD}
    return {
        "required": True,
        "content": {
            "application/json": {"schema": {"oneOf": [json_body(f, s, label) for f, s in inputs.items()]}},
            "multipart/form-data": {"schema": obj(form, ["image"])},
        },
    }


def response(description: str, schema: dict | None = ERROR) -> dict:
    """An answer with a JSON body of this schema (an error's unless told), or with none."""
    content = {"content": {"application/json": {"schema": schema}}} if schema else {}
    return {"description": description, **content}


CODED_ERROR = obj(  # an error a page tells apart from another of the same status
    {
        "error": TEXT,
        "code": {
            "enum": list(CODES.values()),
            "description": "blank: no ink at all; not_a_digit: ink, but a dot, a dash, a scribble, "
            "a cross, blobs or a letter, not a digit (predict only)",
        },
    }
)


METHOD_NOT_ALLOWED = response("Method not allowed")
BAD_INPUT = {
    "400": response(
        f"Malformed request: bad JSON, strokes or pixels, image bytes that are no {FORMAT_NAMES} "
        "(a BMP or TIFF included), an unknown model, a digit the "
        "number lacks, or (from the proxy in front, manage.py serve) a header over 8 KiB"
    ),
    "405": METHOD_NOT_ALLOWED,
    "411": response("The body was sent without a Content-Length (chunked): send its length"),
    "413": response(
        f"Body, image or drawing too large: a body over {MAX_REQUEST_BYTES} bytes ({MAX_JSON_BYTES} as "
        f"JSON), more than {MAX_PIECES} pieces of ink or {MAX_DIGITS} digits, or over a budget of work "
        "(the strokes' ink, an image's pixels or scans)"
    ),
    "415": response("Unsupported content type, or a data URL naming another image type (image/svg+xml)"),
    "422": response("No digit found: the drawing is blank (code blank)", CODED_ERROR),
}
MAPS = array(array(array(NON_NEGATIVE)))
ACTIVATIONS = {
    "type": "object",
    "description": (
        "the network's layers, from the same forward pass as the answer: the 784-250-10's hidden and "
        "output layers, or the CNN's feature maps, dense layer and output"
    ),
    "oneOf": [
        {
            "title": "784-250-10",
            "required": ["hidden", "output"],
            "properties": {
                "hidden": array(UNIT, description="sigmoid activations"),
                "output": numbers(len(DIGITS), "the output layer"),
            },
        },
        {
            "title": "CNN",
            "required": ["conv1", "conv2", "dense", "output"],
            "properties": {
                "conv1": MAPS | {"description": "layer 1's feature maps, one per filter: C1 maps of 24 rows of 24, after bias and ReLU, before pooling"},
                "conv2": MAPS | {"description": "layer 2's feature maps: C2 maps of 8 rows of 8, after bias and ReLU, before pooling"},
                "dense": array(NON_NEGATIVE, description="the dense layer's D units, after ReLU"),
                "output": numbers(len(DIGITS), "the probabilities"),
            },
        },
    ],
}  # fmt: skip
ONE_DIGIT = {
    "digit": DIGIT,
    "probabilities": numbers(len(DIGITS), "one per digit, summing to 1"),
    "input": numbers(PIXELS, f"the {SIDE}x{SIDE} ink the network read, row by row, in [0, 1]", UNIT),
    "activations": ACTIVATIONS,
}
BOX = obj(
    {side: {"type": "number"} for side in ("left", "top", "right", "bottom")},
    description=(
        "where the digit is in the drawing: for strokes in their units (the pad's height), for an "
        "image as fractions of its width and height (upright), for pixels the whole 28x28 (0 to 1)"
    ),
)
DIGIT_READ = obj(
    ONE_DIGIT
    | {
        "box": BOX,
        "strokes": array(
            {"type": "integer", "minimum": 0},
            description="strokes only: the indices of the strokes this digit was drawn from",
        ),
    },
    ["digit", "probabilities", "input", "box"],
)
PREDICTION = obj(
    ONE_DIGIT
    | {
        "model": TEXT,
        "digits": array(
            DIGIT_READ,
            1,
            MAX_DIGITS,
            description=(
                f"each digit of the number, left to right (at most {MAX_DIGITS}): the split of the "
                "strokes, or of a photo's ink, that a scorer reads best as digits; marks far smaller "
                "than the digits are no digits; each is then read on its own, as a single digit is"
            ),
        ),
        "number": string("the digits, left to right", pattern=DECIMAL),
    },
    ["digit", "probabilities", "model", "input", "digits", "number"],
    description=(
        "digit, probabilities, input and activations (the 784-250-10's) are those of the first "
        "(leftmost) digit: for a drawing of one digit, the whole drawing. "
        "Clients that read numbers, or any model's layers, use 'number' and 'digits'."
    ),
)
SAVED_ONE = obj(
    {
        "id": {"type": "integer"},
        "label": DIGIT,
        "predicted": {**DIGIT, "description": "what the model answers"},
        "model": TEXT,
        "count": {"type": "integer", "description": "labelled drawings of this digit so far"},
    }
)
SAVED_NUMBER = obj(
    {
        "number": string("the number labelled", pattern=DECIMAL),
        "predicted": string("what the model reads", pattern=DECIMAL),
        "model": TEXT,
        "drawings": array(SAVED_ONE, description="each digit stored, left to right"),
    }
)
SAVED = {"oneOf": [SAVED_ONE, SAVED_NUMBER]}
CSRF_HEADER = {"name": "X-CSRFToken", "in": "header", "required": True, "schema": TEXT}
IDEMPOTENCY_HEADER = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "a new key with each drawing (a UUID fits): a retry with it stores nothing twice",
    "schema": TEXT | {"pattern": f"^{IDEMPOTENCY_KEY.pattern}$"},
}


def get(summary: str, schema: dict | None = None) -> dict:
    return {
        "get": {
            "summary": summary,
            "responses": {"200": response(summary, schema), "405": METHOD_NOT_ALLOWED},
        }
    }


OPENAPI = {
    "openapi": "3.1.0",
    "info": {
        "title": "Digit recognizer API",
        "version": "2.2.0",
        "description": (
            "Recognise a handwritten digit with a neural network written from scratch in NumPy. "
            "Predict is open: no token, any origin (CORS). Storing a labelled drawing needs a CSRF "
            "token: GET /api/csrf returns one and sets the matching csrftoken cookie; send both "
            "(the token in an X-CSRFToken header)."
        ),
    },
    "paths": {
        "/api/predict": {
            "post": {
                "summary": "Recognise the digit, or the number, in pen strokes, an image or a 28x28 pixel array",
                "description": (
                    "curl -s -H 'Content-Type: application/json' "
                    "-d '{\"strokes\": [[[0.5, 0.15], [0.5, 0.85]]]}' https://HOST/api/predict\n"
                    "curl -s -F image=@digit.png https://HOST/api/predict"
                ),
                "requestBody": request_body(),
                "responses": {
                    "200": response("The recognised digit", {"$ref": "#/components/schemas/Prediction"}),
                    **BAD_INPUT,
                    "422": response(
                        "No digit: the drawing is blank (code blank), or its ink does not look like "
                        'a digit (code not_a_digit, error "that does not look like a digit"; strokes and images only)',
                        CODED_ERROR,
                    ),
                    "429": response(
                        "Too many requests from this address (from the proxy in front, manage.py serve); "
                        "see Retry-After"
                    ),
                    "503": response("No model loaded; retry after the Retry-After seconds"),
                },
            }
        },
        "/api/labelled-drawings": {
            "post": {
                "summary": "Store a labelled drawing: predict's body plus the digit it really is, or the number",
                "parameters": [CSRF_HEADER, IDEMPOTENCY_HEADER],
                "requestBody": request_body(label=True),
                "responses": {
                    "201": response("Stored, with the model's answer for it", SAVED),
                    **BAD_INPUT,
                    "403": response("CSRF token missing or wrong"),
                    "409": response(
                        "The Idempotency-Key was first sent with another request: send a new key with "
                        "each new drawing (the same key and request again get the first answer)"
                    ),
                    "429": response(
                        "Too many labelled drawings from this client, in drawings a minute or bytes an "
                        "hour; see Retry-After"
                    ),
                    "503": response(
                        "No model loaded, or the database is busy (see Retry-After), or older than the site "
                        "(manage.py migrate, no Retry-After)"
                    ),
                    "507": response("The site keeps no more labelled drawings (in number or bytes)"),
                },
            }
        },
        "/api/csrf": get(
            "A CSRF token (also set as the csrftoken cookie)",
            {"type": "object", "properties": {"csrfToken": TEXT, "header": TEXT}},
        ),
        "/api/openapi.json": get("This document"),
    },
    "components": {
        "schemas": {
            "Error": obj({"error": TEXT}),
            "Prediction": PREDICTION,
        }
    },
}

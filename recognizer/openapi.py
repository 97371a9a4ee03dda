"""The OpenAPI 3.1 description of the JSON API, served at /api/openapi.json. Every limit
comes from recognizer/limits.py, the same numbers the parser enforces."""

from nn.ink.raster import PEN_WIDTH

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
    MAX_PNG_CHUNKS,
    MAX_POINTS,
    MAX_REQUEST_BYTES,
    MAX_SIDE,
    MAX_STROKES,
    PIXELS,
    SIDE,
)

ERROR = {"$ref": "#/components/schemas/Error"}
MODEL = {
    "type": "string",
    "minLength": 1,
    "maxLength": MAX_MODEL_NAME,
    "description": 'the model to ask, e.g. "mlp" or "cnn" (see /model); the site\'s default when absent',
}
DIGIT = {"type": "integer", "minimum": DIGITS[0], "maximum": DIGITS[-1]}
UNIT = {"type": "number", "minimum": 0, "maximum": 1}


def numbers(count: int, description: str, item: dict | None = None) -> dict:
    return {
        "type": "array",
        "minItems": count,
        "maxItems": count,
        "items": item or {"type": "number"},
        "description": description,
    }


STROKES = {
    "type": "array",
    "minItems": 1,
    "maxItems": MAX_STROKES,
    "description": (
        f"pen strokes, each a list of [x, y] points in units of the pad's height (y from 0 to 1, down; x to the pad's width, at most 2), at most "
        f"{MAX_POINTS} points in all; drawn on the server with the page's round pen, "
        f"{PEN_WIDTH} of the height wide. Drawing them may take at most {MAX_INK:g} of ink (x-max-ink): "
        "the pen's path length times its width, in squares of the ink's longer side, summed over "
        "the strokes, each at its own size, and over the digits, each at its own size (a digit "
        "takes about 0.2; a pen going over one small spot "
        "again and again, thousands); more is a 413 before anything is drawn"
    ),
    "x-max-ink": MAX_INK,
    "items": {
        "type": "array",
        "minItems": 1,
        "maxItems": MAX_POINTS,
        "items": {
            "type": "array",
            "minItems": 2,
            "maxItems": 2,
            "items": {"type": "number", "minimum": COORDINATE_RANGE[0], "maximum": COORDINATE_RANGE[1]},
        },
    },
    "examples": [[[[0.5, 0.15], [0.5, 0.5], [0.5, 0.85]]]],
}
IMAGE_BUDGETS = (
    f"Decoding is budgeted from the headers, before a pixel is decoded (more is a 413, or a 400 "
    f"for a file of absurdly many parts): sides up to {MAX_SIDE} pixels; a baseline JPEG up to "
    f"{MAX_JPEG_PIXELS} pixels (decoded at up to 1/8 scale); any other image as many pixels as "
    f"fit in {MAX_DECODED_BYTES} bytes at what its format and mode cost a pixel; a JPEG's scans "
    f"times its pixels up to {MAX_JPEG_SCAN_PIXELS}; at most {MAX_PNG_CHUNKS} PNG chunks or "
    f"{MAX_JPEG_SEGMENTS} JPEG markers"
)
IMAGE = {
    "type": "string",
    "description": f"data URL of a PNG, JPEG, WebP or GIF image (a photo of a digit). {IMAGE_BUDGETS}",
    "examples": ["data:image/png;base64,iVBORw0KGgo..."],
}
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


NUMBER_LABEL = {
    "type": "string",
    "pattern": f"^[0-9]{{1,{MAX_DIGITS}}}$",
    "description": (
        "instead of 'label' (and 'digit'): the number the drawing really is, left to right as "
        "predict's 'number'; every digit is stored, each with its own strokes or part of the photo, "
        "all of them or none. It must have as many digits as predict finds"
    ),
    "examples": ["1984"],
}
ACTIVATIONS_FLAG = {
    "type": "boolean",
    "description": (
        "true: each of 'digits' carries its layers' activations (the CNN's feature maps too); "
        "false: none do. Absent: the 784-250-10 sends its own, which are small, and the CNN none"
    ),
}


def json_body(field: str, schema: dict, label: bool) -> dict:
    if not label:
        properties = {field: schema, "model": MODEL, "activations": ACTIVATIONS_FLAG}
        return {"type": "object", "required": [field], "properties": properties}
    one = {field: schema, "model": MODEL, "label": LABEL, "digit": DIGIT_INDEX}
    whole = {field: schema, "model": MODEL, "number": NUMBER_LABEL}
    return {
        "oneOf": [
            {"type": "object", "required": [field, "label"], "properties": one, "not": {"required": ["number"]}},
            {"type": "object", "required": [field, "number"], "properties": whole, "not": {"anyOf": [
                {"required": ["label"]}, {"required": ["digit"]}]}},
        ]
    }  # fmt: skip


def request_body(label: bool = False) -> dict:
    """Predict's request body: strokes, an image or pixels; a labelled drawing adds its label,
    or its number."""
    form = {"image": {"type": "string", "format": "binary", "description": IMAGE_BUDGETS}, "model": MODEL}
    if label:
        form["label"] = {"type": "string", "pattern": "^[0-9]$", "description": "one digit"}
        form["digit"] = {
            "type": "string",
            "pattern": "^[0-9]{1,2}$",
            "description": DIGIT_INDEX["description"],
        }
        form["number"] = NUMBER_LABEL
        # One of label (with digit, or not) and number: said in their descriptions, since a
        # schema that says it over binary fields is more than some tools read.
        multipart = {"type": "object", "required": ["image"], "properties": form}
    else:
        form["activations"] = {
            "type": "string",
            "enum": ["true", "false"],
            "description": ACTIVATIONS_FLAG["description"],
        }
        multipart = {"type": "object", "required": ["image"], "properties": form}
    inputs = {"strokes": STROKES, "image": IMAGE, "pixels": PIXELS_FIELD}
    return {
        "required": True,
        "content": {
            "application/json": {"schema": {"oneOf": [json_body(f, s, label) for f, s in inputs.items()]}},
            "multipart/form-data": {"schema": multipart},
        },
    }


def error_response(description: str, schema: dict = ERROR) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


CODED_ERROR = {  # an error a page tells apart from another of the same status
    "type": "object",
    "required": ["error", "code"],
    "properties": {
        "error": {"type": "string"},
        "code": {
            "enum": ["blank", "not_a_digit"],
            "description": "blank: no ink at all; not_a_digit: ink, but a dot, a dash, a scribble, "
            "a cross, blobs or a letter, not a digit (predict only)",
        },
    },
}


BAD_INPUT = {
    "400": error_response(
        "Malformed request: bad JSON, strokes, pixels or image bytes, an unknown model, a digit the "
        "number lacks, or (from the proxy in front, manage.py serve) a header over 8 KiB"
    ),
    "405": error_response("Method not allowed"),
    "413": error_response(
        f"Body, image or drawing too large: a body over {MAX_REQUEST_BYTES} bytes ({MAX_JSON_BYTES} as "
        f"JSON), more than {MAX_DIGITS} digits, or over a budget of work (the strokes' ink, an "
        "image's pixels or scans)"
    ),
    "415": error_response("Unsupported content type or image type"),
    "422": error_response("No digit found: the drawing is blank (code blank)", CODED_ERROR),
}
MAPS = {
    "type": "array",
    "items": {"type": "array", "items": {"type": "array", "items": {"type": "number", "minimum": 0}}},
}
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
                "hidden": {"type": "array", "items": UNIT, "description": "sigmoid activations"},
                "output": numbers(len(DIGITS), "the output layer"),
            },
        },
        {
            "title": "CNN",
            "required": ["conv1", "conv2", "dense", "output"],
            "properties": {
                "conv1": MAPS | {"description": "layer 1's feature maps, one per filter: C1 maps of 24 rows of 24, after bias and ReLU, before pooling"},
                "conv2": MAPS | {"description": "layer 2's feature maps: C2 maps of 8 rows of 8, after bias and ReLU, before pooling"},
                "dense": {"type": "array", "items": {"type": "number", "minimum": 0}, "description": "the dense layer's D units, after ReLU"},
                "output": numbers(len(DIGITS), "the probabilities"),
            },
        },
    ],
}  # fmt: skip
ONE_DIGIT = {
    "digit": DIGIT,
    "probabilities": numbers(len(DIGITS), "one per digit, summing to 1"),
    "input": numbers(PIXELS, f"the {SIDE}x{SIDE} input the network read, row by row, in [0, 1]", UNIT),
    "activations": ACTIVATIONS,
}
BOX = {
    "type": "object",
    "description": (
        "where the digit is in the drawing: for strokes in their units (the pad's height), for an "
        "image as fractions of its width and height (upright), for pixels the whole 28x28 (0 to 1)"
    ),
    "required": ["left", "top", "right", "bottom"],
    "properties": {side: {"type": "number"} for side in ("left", "top", "right", "bottom")},
}
DIGIT_READ = {
    "type": "object",
    "required": ["digit", "probabilities", "input", "box"],
    "properties": ONE_DIGIT
    | {
        "box": BOX,
        "strokes": {
            "type": "array",
            "items": {"type": "integer", "minimum": 0},
            "description": "strokes only: the indices of the strokes this digit was drawn from",
        },
    },
}
PREDICTION = {
    "type": "object",
    "description": (
        "digit, probabilities, input and activations (the 784-250-10's) are those of the first "
        "(leftmost) digit: for a drawing of one digit, the whole drawing, read as it always was. "
        "Clients that read numbers, or any model's layers, use 'number' and 'digits'."
    ),
    "required": ["digit", "probabilities", "model", "input", "digits", "number"],
    "properties": ONE_DIGIT
    | {
        "model": {"type": "string"},
        "digits": {
            "type": "array",
            "minItems": 1,
            "maxItems": MAX_DIGITS,
            "items": DIGIT_READ,
            "description": (
                f"each digit of the number, left to right (at most {MAX_DIGITS}): the split of the "
                "strokes, or of a photo's ink, that a scorer reads best as digits; marks far smaller "
                "than the digits are no digits; each is then read on its own, as a single digit is"
            ),
        },
        "number": {"type": "string", "pattern": "^[0-9]+$", "description": "the digits, left to right"},
    },
}
SAVED_ONE = {
    "type": "object",
    "required": ["id", "label", "predicted", "model", "count"],
    "properties": {
        "id": {"type": "integer"},
        "label": DIGIT,
        "predicted": {**DIGIT, "description": "what the model answers"},
        "model": {"type": "string"},
        "count": {"type": "integer", "description": "labelled drawings of this digit so far"},
    },
}
SAVED_NUMBER = {
    "type": "object",
    "required": ["number", "predicted", "model", "drawings"],
    "properties": {
        "number": {"type": "string", "pattern": "^[0-9]+$", "description": "the number labelled"},
        "predicted": {"type": "string", "pattern": "^[0-9]+$", "description": "what the model reads"},
        "model": {"type": "string"},
        "drawings": {"type": "array", "items": SAVED_ONE, "description": "each digit stored, left to right"},
    },
}
SAVED = {"oneOf": [SAVED_ONE, SAVED_NUMBER]}
CSRF_HEADER = {"name": "X-CSRFToken", "in": "header", "required": True, "schema": {"type": "string"}}
IDEMPOTENCY_HEADER = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "a new key with each drawing (a UUID fits): a retry with it stores nothing twice",
    "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]{8,64}$"},
}


def get(summary: str, schema: dict | None = None) -> dict:
    content = {"content": {"application/json": {"schema": schema}}} if schema else {}
    return {
        "get": {
            "summary": summary,
            "responses": {
                "200": {"description": summary, **content},
                "405": error_response("Method not allowed"),
            },
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
                    "200": {
                        "description": "The recognised digit",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Prediction"}}
                        },
                    },
                    **BAD_INPUT,
                    "422": error_response(
                        "No digit: the drawing is blank (code blank), or its ink does not look like "
                        'a digit (code not_a_digit, error "that does not look like a digit"; strokes and images only)',
                        CODED_ERROR,
                    ),
                    "503": error_response("No model loaded; retry after the Retry-After seconds"),
                },
            }
        },
        "/api/labelled-drawings": {
            "post": {
                "summary": "Store a labelled drawing: predict's body plus the digit it really is, or the number",
                "parameters": [CSRF_HEADER, IDEMPOTENCY_HEADER],
                "requestBody": request_body(label=True),
                "responses": {
                    "201": {
                        "description": "Stored, with the model's answer for it",
                        "content": {"application/json": {"schema": SAVED}},
                    },
                    **BAD_INPUT,
                    "403": error_response("CSRF token missing or wrong"),
                    "409": error_response(
                        "The Idempotency-Key was first sent with another request: send a new key with "
                        "each new drawing (the same key and request again get the first answer)"
                    ),
                    "429": error_response(
                        "Too many labelled drawings from this client, in drawings a minute or bytes an "
                        "hour; see Retry-After"
                    ),
                    "503": error_response("No model loaded, or the database is busy; see Retry-After"),
                    "507": error_response("The site keeps no more labelled drawings (in number or bytes)"),
                },
            }
        },
        "/api/csrf": get(
            "A CSRF token (also set as the csrftoken cookie)",
            {"type": "object", "properties": {"csrfToken": {"type": "string"}, "header": {"type": "string"}}},
        ),
        "/api/openapi.json": get("This document"),
    },
    "components": {
        "schemas": {
            "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}},
            "Prediction": PREDICTION,
        }
    },
}

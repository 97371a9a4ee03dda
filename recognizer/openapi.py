"""The OpenAPI 3.1 description of the JSON API, served at /api/openapi.json."""

ERROR = {"$ref": "#/components/schemas/Error"}
MODEL = {
    "type": "string",
    "description": 'the model to ask, e.g. "mlp" or "cnn" (see /model); the site\'s default when absent',
}


def error_response(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": ERROR}}}


def request_body(label: dict | None = None) -> dict:
    """Predict's request body: an image (JSON data URL or multipart upload) or pixels; the
    feedback endpoint adds the true label (and, in JSON, optional strokes)."""
    body = {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "oneOf": [
                        {
                            "type": "object",
                            "required": ["image"],
                            "properties": {
                                "image": {
                                    "type": "string",
                                    "description": "data URL of a PNG, JPEG, WebP or GIF image",
                                    "examples": ["data:image/png;base64,iVBORw0KGgo..."],
                                },
                                "model": MODEL,
                            },
                        },
                        {
                            "type": "object",
                            "required": ["pixels"],
                            "properties": {
                                "pixels": {
                                    "description": "MNIST-form input: white ink on black, values in [0, 1]; skips the image preprocessing (a model trained on deskewed digits still deskews it)",
                                    "oneOf": [
                                        {
                                            "type": "array",
                                            "minItems": 784,
                                            "maxItems": 784,
                                            "items": {
                                                "type": "number",
                                                "minimum": 0,
                                                "maximum": 1,
                                            },
                                        },
                                        {
                                            "type": "array",
                                            "minItems": 28,
                                            "maxItems": 28,
                                            "items": {
                                                "type": "array",
                                                "minItems": 28,
                                                "maxItems": 28,
                                                "items": {
                                                    "type": "number",
                                                    "minimum": 0,
                                                    "maximum": 1,
                                                },
                                            },
                                        },
                                    ],
                                },
                                "model": MODEL,
                            },
                        },
                    ]
                }
            },
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["image"],
                    "properties": {
                        "image": {"type": "string", "format": "binary"},
                        "model": MODEL,
                    },
                }
            },
        },
    }
    if label is not None:
        json_forms = body["content"]["application/json"]["schema"]["oneOf"]
        for form in json_forms:
            form["required"] = [*form["required"], "label"]
            form["properties"] |= {"label": label, "strokes": STROKES}
        multipart = body["content"]["multipart/form-data"]["schema"]
        multipart["required"] = ["image", "label"]
        multipart["properties"]["label"] = {
            "type": "string",
            "pattern": "^[0-9]$",
            "description": "one digit",
        }
    return body


LABEL = {
    "type": "integer",
    "minimum": 0,
    "maximum": 9,
    "description": "the digit it really is (a JSON integer)",
}
STROKES = {
    "type": "array",
    "maxItems": 100,
    "description": "optional pen strokes: lists of [x, y] points in units of the pad's side",
    "items": {
        "type": "array",
        "minItems": 1,
        "items": {
            "type": "array",
            "minItems": 2,
            "maxItems": 2,
            "items": {"type": "number", "minimum": -1, "maximum": 2},
        },
    },
}
FEEDBACK_SAVED = {
    "type": "object",
    "required": ["id", "label", "predicted", "model", "count"],
    "properties": {
        "id": {"type": "integer"},
        "label": {"type": "integer", "minimum": 0, "maximum": 9},
        "predicted": {"type": "integer", "minimum": 0, "maximum": 9, "description": "what the model answers"},
        "model": {"type": "string"},
        "count": {"type": "integer", "description": "labelled drawings of this digit so far"},
    },
}

OPENAPI = {
    "openapi": "3.1.0",
    "info": {
        "title": "Digit recognizer API",
        "version": "1.0.0",
        "description": (
            "Recognise a handwritten digit with a neural network written from scratch in NumPy. "
            "POST requests need a CSRF token: GET /api/csrf returns one and sets the matching "
            "csrftoken cookie; send both (the token in an X-CSRFToken header)."
        ),
    },
    "paths": {
        "/api/predict": {
            "post": {
                "summary": "Recognise the digit in an image or a 28x28 pixel array",
                "parameters": [
                    {"name": "X-CSRFToken", "in": "header", "required": True, "schema": {"type": "string"}}
                ],
                "requestBody": request_body(),
                "responses": {
                    "200": {
                        "description": "The recognised digit",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Prediction"}}
                        },
                    },
                    "400": error_response("Malformed request: bad JSON, base64, pixels or image bytes"),
                    "403": error_response("CSRF token missing or wrong"),
                    "405": error_response("Method not allowed"),
                    "413": error_response("Body or image too large"),
                    "415": error_response("Unsupported content type or image type"),
                    "422": error_response("No digit found: the image is blank"),
                    "503": error_response("No model loaded; retry after the Retry-After seconds"),
                },
            }
        },
        "/api/feedback": {
            "post": {
                "summary": "Store a drawing with the digit it really is (predict's body plus 'label')",
                "parameters": [
                    {"name": "X-CSRFToken", "in": "header", "required": True, "schema": {"type": "string"}}
                ],
                "requestBody": request_body(LABEL),
                "responses": {
                    "201": {
                        "description": "Stored, with the model's answer for it",
                        "content": {"application/json": {"schema": FEEDBACK_SAVED}},
                    },
                    "400": error_response("Malformed request, or a label that is not an integer 0-9"),
                    "403": error_response("CSRF token missing or wrong"),
                    "405": error_response("Method not allowed"),
                    "413": error_response("Body or image too large"),
                    "415": error_response("Unsupported content type or image type"),
                    "422": error_response("No digit found: the image is blank"),
                    "429": error_response("Too many labelled drawings from this client; see Retry-After"),
                    "503": error_response("No model loaded, or the database is busy; see Retry-After"),
                },
            }
        },
        "/api/csrf": {
            "get": {
                "summary": "A CSRF token (also set as the csrftoken cookie)",
                "responses": {
                    "200": {
                        "description": "The token",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "csrfToken": {"type": "string"},
                                        "header": {"type": "string"},
                                    },
                                }
                            }
                        },
                    },
                    "405": error_response("Method not allowed"),
                },
            }
        },
        "/api/openapi.json": {
            "get": {
                "summary": "This document",
                "responses": {
                    "200": {"description": "OpenAPI 3.1 document"},
                    "405": error_response("Method not allowed"),
                },
            }
        },
    },
    "components": {
        "schemas": {
            "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}},
            "Prediction": {
                "type": "object",
                "required": ["digit", "probabilities", "processed", "model"],
                "properties": {
                    "digit": {"type": "integer", "minimum": 0, "maximum": 9},
                    "probabilities": {
                        "type": "array",
                        "minItems": 10,
                        "maxItems": 10,
                        "items": {"type": "number"},
                    },
                    "processed": {
                        "type": "string",
                        "description": "PNG data URL of the 28x28 input the network saw",
                    },
                    "model": {"type": "string"},
                },
            },
        }
    },
}

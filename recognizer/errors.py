"""What can go wrong, as the site's own exceptions. They say what happened and know no
HTTP: recognizer/http.py holds the one table that turns each into a status and JSON."""


class DigitsError(Exception):
    """A failure the person or client can be told about; str(exc) says what went wrong."""


class BadInput(DigitsError):
    """The request's body is malformed: wrong JSON, fields, values or image bytes."""


class UnsupportedType(BadInput):
    """A content type or image format the site does not read."""


class TooLarge(BadInput):
    """The body, image or drawing is larger than a limit (recognizer/limits.py)."""


class BlankDrawing(DigitsError):
    """The drawing or image holds no ink: nothing to recognise, nothing to learn from."""


class NotADigit(DigitsError):
    """The drawing has ink, but it is a dot, a dash, a scribble, a letter: not a digit."""


class UnknownModel(BadInput):
    """The request named a model that does not exist."""


class NoModel(DigitsError):
    """No valid model is loaded: predictions are refused until one is."""


class KeyReused(DigitsError):
    """An idempotency key sent again with another request than the one it was first sent with."""


class StorageFull(DigitsError):
    """The labelled drawings have reached the most the site keeps."""


class RateLimited(DigitsError):
    """Too many requests from one client; it may try again after `retry_after` seconds."""

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after

"""The one exception type for bad input: a message for the client, an HTTP status, and any
headers the answer needs (e.g. Retry-After on a 429)."""


class InputError(ValueError):
    def __init__(self, message: str, status: int = 400, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.headers = headers or {}

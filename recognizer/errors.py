"""The one exception type for bad input: a message for the client and an HTTP status."""


class InputError(ValueError):
    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status

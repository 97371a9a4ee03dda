"""The not-a-digit check the site serves (nn/networks/not_digit.py): read through the model
store, so its checksum is verified and a replaced file is swapped in, and asked about every
drawing before a model reads it."""

from __future__ import annotations

from nn.networks.model_file import load_check
from nn.networks.not_digit import CHECK_PATH, Check

from . import model_store
from .errors import NotADigit

MESSAGE = "that does not look like a digit"


def check() -> Check:
    """The check from nn/checks/; NoModel if its file is missing or was never valid (a deploy fault)."""
    return model_store.load(CHECK_PATH, load_check, "the not-a-digit check")


def refuses(digits: list, source: str) -> bool:
    """Whether a drawing does not look like digits: the ink of its one digit as the page
    showed it (at the working size, and in MNIST's (28, 28) form) is not a digit, or none
    of its several digits' is (a few dots or blobs). A number with one odd mark is still
    read. `source` is "strokes" for pen strokes, "photo" for a photo."""
    judge = check()  # once: a file check a request, not one a digit
    return all(judge.refuses(*d.seen(), source) for d in digits)


def refuse_non_digits(digits: list, source: str) -> None:
    """NotADigit when the drawing's digits do not look like digits (see refuses)."""
    if refuses(digits, source):
        raise NotADigit(MESSAGE)

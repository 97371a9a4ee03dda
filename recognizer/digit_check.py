"""The not-a-digit check the site serves (nn/not_digit.py): loaded once per process, after
its checksum is verified, and asked about every drawing before a model reads it."""

from __future__ import annotations

import functools

import numpy as np

from nn.not_digit import CHECK_PATH, Check, CheckFileError, load_check

from .errors import NoModel, NotADigit

MESSAGE = "that does not look like a digit"


@functools.cache
def check() -> Check:
    """The check from nn/checks/; NoModel if its file is missing or refused (a deploy fault)."""
    try:
        return load_check(CHECK_PATH)
    except CheckFileError as exc:
        raise NoModel(f"the not-a-digit check is not loaded: {exc}") from None


def refuse_non_digit(mask: np.ndarray, pixels: np.ndarray, source: str) -> None:
    """NotADigit when the drawing, its ink mask and its (28, 28) network input, is not a
    digit; `source` is "drawing" (pen strokes) or "image" (a photo or a pixel array)."""
    if check().refuses(mask, pixels, source):
        raise NotADigit(MESSAGE)

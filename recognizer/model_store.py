"""The served model: loaded once per process from settings.DIGITS_MODEL, then shared.

Loading is lazy and guarded by a lock, so concurrent first requests load it once; the
WSGI entry point calls `current_model()` at start-up so no request pays for it.
"""

from __future__ import annotations

import threading
from pathlib import Path

from django.conf import settings

from nn.model_file import Model, ModelFileError, load_model


class ModelUnavailable(Exception):
    """No valid model is loaded; predictions answer 503 until one is."""


_lock = threading.Lock()
_models: dict[Path, Model] = {}


def current_model() -> Model:
    path = Path(settings.DIGITS_MODEL)
    model = _models.get(path)
    if model is None:
        with _lock:
            model = _models.get(path)
            if model is None:
                try:
                    model = _models[path] = load_model(path)
                except ModelFileError as exc:
                    raise ModelUnavailable(str(exc)) from None
    return model

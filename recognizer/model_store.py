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
    """The model the site serves (settings.DIGITS_MODEL)."""
    return model_at(Path(settings.DIGITS_MODEL))


def available_models() -> list[str]:
    """Names of the model files in settings.MODEL_DIR (name.pkl -> name)."""
    return sorted(p.stem for p in Path(settings.MODEL_DIR).glob("*.pkl"))


def model_named(name: str) -> Model:
    """A model from settings.MODEL_DIR by name; ModelUnavailable if there is none."""
    if name not in available_models():
        raise ModelUnavailable(f"no model named {name!r}")
    return model_at(Path(settings.MODEL_DIR) / f"{name}.pkl")


def choose_model(name: str | None) -> Model:
    """The model a request asked for by name, or the served default when it named none."""
    return current_model() if name is None else model_named(name)


def model_at(path: Path) -> Model:
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

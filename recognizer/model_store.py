"""The served models: every file in settings.MODEL_DIR can be asked for by its name (the
file name without .pkl); settings.DIGITS_MODEL answers when a request names none.

Each is loaded once per process and then shared. Loading is lazy and guarded by a lock,
so concurrent first requests load a model once; the WSGI entry point loads them all at
start-up so no request pays for it.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path

from django.conf import settings

from nn.model_file import Model, ModelFileError, load_model


class ModelUnavailable(Exception):
    """No valid model is loaded; predictions answer 503 until one is."""


_lock = threading.Lock()
_models: dict[Path, Model] = {}


NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")  # a model's name is its file name: a URL slug


def current_model() -> Model:
    """The model that answers by default (settings.DIGITS_MODEL)."""
    return model_at(default_path())


def default_path() -> Path:
    path = Path(settings.DIGITS_MODEL)
    return path if path.is_absolute() else Path(settings.BASE_DIR) / path


def default_name() -> str:
    return default_path().stem


def available_models() -> list[str]:
    """Names of the model files in settings.MODEL_DIR (name.pkl -> name)."""
    return sorted(p.stem for p in Path(settings.MODEL_DIR).glob("*.pkl") if NAME.match(p.stem))


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
                    model = load_model(path)
                except ModelFileError as exc:
                    raise ModelUnavailable(str(exc)) from None
                model.meta["name"] = path.stem  # on the site, a model is named by its file
                _models[path] = model
    return model

"""The served models: every file in settings.MODEL_DIR can be asked for by its name (the
file name without .pkl); settings.DIGITS_MODEL answers when a request names none.

Each is loaded once per process and then shared, after its SHA-256 has been checked
against the checksum file beside it. Loading is lazy and guarded by a lock, so concurrent
first requests load a model once; the WSGI entry point loads them all at start-up so no
request pays for it. Replacing a model file (and its checksum file) swaps the new model in
on the next request, once it has passed validation; a bad replacement is refused and the
old model keeps answering.
"""

from __future__ import annotations

import functools
import logging
import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from nn.model_file import Model, ModelFileError, checksum_path, load_model


class ModelUnavailable(Exception):
    """No valid model is loaded; predictions answer 503 until one is."""


class UnknownModel(ModelUnavailable):
    """A request named a model that does not exist (the client's mistake, not ours)."""


@dataclass
class Entry:
    """A loaded model, and the file state it came from."""

    model: Model
    stamp: tuple  # (inode, mtime, size) of the model file and of its checksum file
    refused: tuple | None = None  # the stamp of a replacement that failed validation


NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")  # a model's name is its file name: a URL slug
log = logging.getLogger("recognizer")
_lock = threading.Lock()
_entries: dict[Path, Entry] = {}


def current_model() -> Model:
    """The model that answers by default (settings.DIGITS_MODEL)."""
    return model_at(default_path())


def default_path() -> Path:
    return resolved(settings.DIGITS_MODEL, settings.BASE_DIR)


@functools.lru_cache(maxsize=16)  # every request asks; the settings rarely change
def resolved(path: str | Path, base: str | Path) -> Path:
    path = Path(path)
    return path if path.is_absolute() else Path(base) / path


def default_name() -> str:
    return default_path().stem


def available_models() -> list[str]:
    """Names of the model files in settings.MODEL_DIR (name.pkl -> name)."""
    return sorted(p.stem for p in Path(settings.MODEL_DIR).glob("*.pkl") if NAME.match(p.stem))


def model_named(name: str) -> Model:
    """A model from settings.MODEL_DIR by name; ModelUnavailable if there is none."""
    names = available_models()
    if name not in names:
        raise UnknownModel(f"unknown model {name!r}; choose one of {', '.join(names)}")
    return model_at(Path(settings.MODEL_DIR) / f"{name}.pkl")


def choose_model(name: str | None) -> Model:
    """The model a request asked for by name, or the served default when it named none."""
    return current_model() if name is None else model_named(name)


def stamp(path: Path) -> tuple:
    """(inode, mtime, size) of the model file and of its checksum file; None if missing."""
    model, checksum = file_names(path)
    return (file_stamp(model), file_stamp(checksum))


@functools.lru_cache(maxsize=64)  # two stat() calls per request: no Path work besides
def file_names(path: Path) -> tuple[str, str]:
    return str(path), str(checksum_path(path))


def file_stamp(name: str) -> tuple | None:
    try:
        st = os.stat(name)
    except OSError:
        return None
    # A replacement by rename has a new inode even within one clock tick.
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def model_at(path: Path) -> Model:
    """The model in `path`, loaded once and reloaded when the file changes.

    A changed file is validated (checksum, safe unpickling, shapes) before it replaces
    the model in use; if it fails, the old model keeps serving and the failure is logged
    once. A stat() per call is the whole cost of noticing a change.
    """
    now = stamp(path)
    entry = _entries.get(path)
    if entry is not None and now in (entry.stamp, entry.refused):
        return entry.model
    with _lock:
        entry = _entries.get(path)
        if entry is not None and now in (entry.stamp, entry.refused):
            return entry.model
        try:
            model = load_model(path, verify=True)
        except ModelFileError as exc:
            if entry is None:
                raise ModelUnavailable(str(exc)) from None
            log.error("model file changed but is refused, the previous one keeps serving: %s", exc)
            entry.refused = now
            return entry.model
        model.meta["name"] = path.stem  # on the site, a model is named by its file
        if entry is not None:
            log.warning("model %s reloaded (SHA-256 %s)", path.name, model.sha256)
        _entries[path] = Entry(model, now)
        return model

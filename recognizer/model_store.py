"""The served models: every file NAME.pkl in settings.MODEL_DIR is the model NAME, and
settings.DIGITS_MODEL answers when a request names none. `get` is the one way to a model;
`load` is the one cache of every network file the site reads (the not-a-digit check and
the segment scorer read theirs through it too).

Each is loaded once per process and then shared, after its SHA-256 has been checked
against the checksum file beside it. Loading is lazy and guarded by a lock, so concurrent
first requests load a model once; the WSGI entry point loads them all at start-up so no
request pays for it. Replacing a model file (and its checksum file) swaps the new model in
on the next request, once it has passed validation; a bad replacement is refused and the
old model keeps answering. A refused file is remembered, so it is not read again until it
changes.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

from nn.networks.model_file import Model, ModelFileError, checksum_path, load_model

from .errors import NoModel, UnknownModel
from .limits import MAX_MODEL_NAME, MAX_SHOWN

NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")  # a model's name is its file name: a URL slug
log = logging.getLogger("recognizer")


@dataclass
class Entry:
    """What a model file held when it was last read, and the file state it was read in."""

    stamp: tuple  # (inode, mtime, size) of the model file and of its checksum file
    model: Any  # the last network that passed validation (a Model, or what its reader gives); None if none ever did
    error: str = ""  # why the file as it is now was refused; empty when `model` is current


_lock = threading.Lock()
_entries: dict[Path, Entry] = {}


def get(name: str | None = None) -> Model:
    """The model called `name`, or the site's default when `name` is None.

    UnknownModel when there is no such file; NoModel when the file never passed validation."""
    return load(default_path() if name is None else named_path(name))


def names() -> list[str]:
    """The names of the models that can be asked for (MODEL_DIR/NAME.pkl -> NAME)."""
    return sorted(p.stem for p in Path(settings.MODEL_DIR).glob("*.pkl") if NAME.match(p.stem))


def missing(name: str | None = None) -> bool:
    """Whether the model's file has gone (its last good version may still be serving)."""
    return file_stamp(default_path() if name is None else named_path(name)) is None


def default_name() -> str:
    return default_path().stem


def default_path() -> Path:
    path = Path(settings.DIGITS_MODEL)
    return path if path.is_absolute() else Path(settings.BASE_DIR) / path


def named_path(name: str) -> Path:
    path = Path(settings.MODEL_DIR) / f"{name}.pkl"
    # One stat, of a name that fits a file name; the folder is listed only to say so.
    if len(name) > MAX_MODEL_NAME or not NAME.match(name) or not path.is_file():
        raise UnknownModel(f"unknown model {name[:MAX_SHOWN]!r}; choose one of {', '.join(names())}")
    return path


def verified(path: Path) -> Model:
    """The model in `path`, refused unless it matches the checksum file beside it."""
    return load_model(path, verify=True)


def load(path: Path, reader: Callable[[Path], Any] = verified, what: str = "") -> Any:
    """The network in `path` as `reader` gives it (by default the verified Model), read once
    and read again only when the file changes; NoModel (saying `what` is not loaded, when
    given) if the file is missing or never passed validation.

    A changed file is validated (checksum, safe unpickling, shapes) before it replaces the
    model in use; if it fails, the old model keeps serving and the failure is logged once.
    Two stat() calls are the whole cost of noticing a change.
    """
    now = stamp(path)
    entry = _entries.get(path)
    if entry is None or entry.stamp != now:
        with _lock:
            entry = _entries.get(path)
            if entry is None or entry.stamp != now:
                entry = _entries[path] = read(path, now, entry, reader)
    if entry.model is None:
        raise NoModel(f"{what} is not loaded: {entry.error}" if what else entry.error)
    return entry.model


def read(path: Path, now: tuple, previous: Entry | None, reader: Callable[[Path], Any]) -> Entry:
    old = previous.model if previous else None
    try:
        model = reader(path)
        if old is not None and model.meta.get("kind") != old.meta.get("kind"):
            # A name stands for one network: "cnn" must never start answering as an MLP.
            raise ModelFileError(
                f"{path}: holds a {model.meta.get('kind')} network, not a {old.meta.get('kind')}"
            )
    except ModelFileError as exc:
        log.error(
            "model file %s refused%s: %s", path.name, ", the previous one keeps serving" if old else "", exc
        )
        return Entry(now, old, str(exc))
    model.meta["name"] = path.stem  # on the site, a model is named by its file
    if old is not None:
        log.warning("model %s reloaded (SHA-256 %s)", path.name, model.sha256)
    return Entry(now, model)


def stamp(path: Path) -> tuple:
    """(inode, mtime, size) of the model file and of its checksum file; None where missing.
    A replacement by rename has a new inode even within one clock tick."""
    return (file_stamp(path), file_stamp(checksum_path(path)))


def file_stamp(path: Path) -> tuple | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)

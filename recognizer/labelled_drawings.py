"""Labelled drawings: storing one, counting them for the stats page, exporting them all.

The drawing is kept in MNIST's form (28x28 bytes, white ink on black, before deskewing),
so the trainer reads it exactly as it reads MNIST.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict

import numpy as np
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Count, Sum

from nn.ink.preprocess import as_levels

from .drawings import Drawing
from .errors import KeyReused
from .limits import PIXELS, SIDE
from .models import LabelledDrawing


def fingerprint(drawing: Drawing, label: int | str, model: str | None, digit: int | None) -> str:
    """SHA-256 of what a labelled drawing's request asks: the drawing (strokes, image bytes
    or pixels) and its label (or number), model and digit. An idempotency key stands for this."""
    digest = hashlib.sha256(json.dumps([label, model, digit, drawing.fingerprint_name]).encode())
    digest.update(drawing.content())
    return digest.hexdigest()


def size(strokes: list | None, photo: bytes | None) -> int:
    """The bytes a drawing takes when kept: its 28x28 pixels, and its strokes or photo."""
    kept = 0 if strokes is None else len(json.dumps(strokes, separators=(",", ":")))
    return PIXELS + kept + len(photo or b"")


def store(
    rows: list[tuple], model_sha256: str, refused: bool, keys: list[str | None], sent: str = ""
) -> list[LabelledDrawing]:
    """Keep drawings, each (its strokes or None, a reduced copy of a photo or None, the
    model's Prediction, the label), all of them or none. `refused` says the
    not-a-digit check refused the drawing they come from. Two requests with the same
    idempotency keys store them once; `sent` is the request's fingerprint, which the keys
    are bound to."""
    fields = [
        {
            "label": label,
            "pixels": as_levels(prediction.pixels).tobytes(),  # 784 bytes
            "model": prediction.model,
            "model_sha256": model_sha256,
            "predicted": prediction.digit,
            "refused": refused,
            "probabilities": [round(p, 6) for p in prediction.probabilities.tolist()],
            "strokes": strokes,
            "image": photo,
            "idempotency_key": key,
            "request_sha256": sent,
            "size": size(strokes, photo),
        }
        for (strokes, photo, prediction, label), key in zip(rows, keys, strict=True)
    ]
    try:
        with transaction.atomic():
            return [LabelledDrawing.objects.create(**f) for f in fields]
    except IntegrityError:
        existing = with_keys(keys, sent)
        if existing is None:  # not a duplicate key: a real constraint failed
            raise
        return existing


def with_keys(keys: list[str | None], sent: str) -> list[LabelledDrawing] | None:
    """The drawings stored under these idempotency keys, in their order, or None unless all
    of them are (they are stored together); KeyReused (and nothing about those drawings)
    when the keys were first sent with another request than `sent`."""
    if None in keys:
        return None
    found = {d.idempotency_key: d for d in LabelledDrawing.objects.filter(idempotency_key__in=keys)}
    if any(d.request_sha256 != sent for d in found.values()):
        raise KeyReused(
            "this Idempotency-Key was first sent with another request; send a new key with each new drawing"
        )
    return [found[k] for k in keys] if len(found) == len(keys) else None


def digit_key(key: str | None, digit: int) -> str | None:
    """The idempotency key of one digit of a number labelled under `key`: 64 hex digits."""
    return None if key is None else hashlib.sha256(f"{key} digit {digit}".encode()).hexdigest()


def database_answers() -> bool:
    """Whether the labelled drawings' table can be read now."""
    try:
        LabelledDrawing.objects.exists()
    except DatabaseError:
        return False
    return True


def behind_the_site() -> bool:
    """Whether the database lacks migrations that this version of the site has (`manage.py
    migrate` not run since they came): its tables are then not what the code reads. Asked
    again only until the answer is no, which a running site keeps; False while the database
    does not answer."""
    if not SEEN["migrated"]:
        try:
            executor = MigrationExecutor(connection)
            SEEN["migrated"] = not executor.migration_plan(executor.loader.graph.leaf_nodes())
        except DatabaseError:
            return False
    return not SEEN["migrated"]


SEEN = {"migrated": False}  # every migration applied, once seen
BEHIND = "the database is older than the site: run `manage.py migrate`"  # what a client is told


def total_bytes() -> int:
    """The bytes all labelled drawings take (their sizes summed)."""
    return LabelledDrawing.objects.aggregate(total=Sum("size"))["total"] or 0


def count(label: int | None = None) -> int:
    """Labelled drawings kept, of one digit or of all."""
    drawings = LabelledDrawing.objects.all() if label is None else LabelledDrawing.objects.filter(label=label)
    return drawings.count()


def stats() -> dict:
    """Drawings per digit, and per model how many it answered, how many of those were right,
    and how many the not-a-digit check refused (those the model never answered on the page)."""
    rows = LabelledDrawing.objects.values("label", "model", "predicted", "refused").annotate(n=Count("id"))
    outcomes = ("answered", "right", "refused")
    per_digit = [{"digit": d, "count": 0, **{o: defaultdict(int) for o in outcomes}} for d in range(10)]
    models: dict[str, dict] = defaultdict(lambda: dict.fromkeys(outcomes, 0))
    for row in rows:
        digit, model, n = per_digit[row["label"]], row["model"], row["n"]
        digit["count"] += n
        if row["refused"]:
            counted = {"refused": n}
        else:
            counted = {"answered": n, "right": n if row["label"] == row["predicted"] else 0}
        for outcome, value in counted.items():
            digit[outcome][model] += value
            models[model][outcome] += value
    names = sorted(models)
    return {
        "total": sum(d["count"] for d in per_digit),
        "models": [{"name": m, **models[m]} for m in names],
        "digits": [
            {
                "digit": d["digit"],
                "count": d["count"],
                "models": [{"name": m, **{o: d[o][m] for o in outcomes}} for m in names],
            }
            for d in per_digit
        ],
    }


def export_strokes(batch: int = 2000):
    """The drawn ones' strokes, oldest first, as rows of the real handwriting sets' pen
    format (nn/data/handwriting.py): label, writer (each drawing its own: no person is kept),
    strokes. Photos have none."""
    rows = LabelledDrawing.objects.filter(strokes__isnull=False).order_by("id")
    for pk, label, strokes in rows.values_list("id", "label", "strokes").iterator(chunk_size=batch):
        yield {"label": label, "writer": f"drawing{pk}", "strokes": strokes}


def export_arrays(batch: int = 2000) -> tuple[np.ndarray, np.ndarray]:
    """Every labelled drawing, oldest first: (N, 28, 28) uint8 images and (N,) uint8 labels."""
    rows = LabelledDrawing.objects.order_by("id").values_list("pixels", "label").iterator(chunk_size=batch)
    pixels, labels = bytearray(), bytearray()
    for data, label in rows:
        pixels += bytes(data)  # memoryview on PostgreSQL, bytes on SQLite
        labels.append(label)
    images = np.frombuffer(bytes(pixels), dtype=np.uint8).reshape(-1, SIDE, SIDE)
    return images, np.frombuffer(bytes(labels), dtype=np.uint8)

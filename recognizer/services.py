"""What the site does, without HTTP: recognise the digit in a drawing, store labelled
drawings, and describe the models. Failures are recognizer.errors exceptions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields

import numpy as np
from django.conf import settings

from nn.ink.masks import Box
from nn.ink.preprocess import SIDE, network_inputs
from nn.networks.model_file import Model

from . import imaging, inspection, labelled_drawings, model_store, not_digit, ratelimit
from .drawings import WHOLE, DigitInk, Drawing
from .errors import BadInput, NoModel, RateLimited, StorageFull

KIND_TITLES = {"mlp": "{sizes} net", "cnn": "Convolutional net"}  # what the pages call each kind of model
# The kinds whose every answer carries their activations, as they are small (the 784-250-10's
# 260 numbers); the CNN's feature maps (some 23,000 numbers a digit) come only when asked.
ACTIVATIONS_SENT = {"mlp"}
DECIMALS = 4  # of the numbers an answer carries: finer than any screen shows


@dataclass
class Prediction:
    digit: int
    probabilities: np.ndarray  # (10,), sums to 1
    pixels: np.ndarray  # (28, 28) float32: MNIST's form, before any deskewing
    input: np.ndarray  # (784,) float32: the ink the network read (its first channel)
    activations: dict[str, np.ndarray]  # the network's layers: see its answer()
    model: str
    box: Box = WHOLE  # where in the drawing it was: see DigitInk.box
    strokes: list[int] | None = None  # which of the drawing's strokes it was drawn from

    def as_json(self, like: tuple[Prediction, dict] | None = None) -> dict:
        """Its answer; `like`: another prediction and its answer, whose numbers are taken
        as they are where this one holds the very same arrays (a reading's first digit)."""
        other, made = like or (None, {})
        answer = {
            "digit": self.digit,
            "probabilities": self.probabilities.tolist(),
            "model": self.model,
            "input": made["input"]
            if other is not None and other.input is self.input
            else numbers(self.input),
        }
        if self.activations:
            same = other is not None and other.activations is self.activations
            answer["activations"] = (
                made["activations"] if same else {layer: numbers(a) for layer, a in self.activations.items()}
            )
        return answer

    def digit_json(self) -> dict:
        """This digit's entry in an answer's `digits` list."""
        answer = {key: value for key, value in self.as_json().items() if key != "model"}
        answer["box"] = dict(
            zip(("left", "top", "right", "bottom"), np.round(self.box, DECIMALS).tolist(), strict=True)
        )
        if self.strokes is not None:
            answer["strokes"] = self.strokes
        return answer


@dataclass
class Reading(Prediction):
    """The answer for a whole drawing: every digit in it, left to right. Its own fields are
    the first digit's, so a client that knows of one digit reads the first (when the drawing
    is one digit, that is the whole drawing, read whole)."""

    digits: list[Prediction] = field(default_factory=list)

    @classmethod
    def of(cls, digits: list[Prediction]) -> Reading:
        first = {f.name: getattr(digits[0], f.name) for f in fields(Prediction)}
        return cls(**first, digits=digits)

    @property
    def number(self) -> str:
        return "".join(str(d.digit) for d in self.digits)

    def as_json(self) -> dict:
        digits = [d.digit_json() for d in self.digits]
        answer = super().as_json(like=(self.digits[0], digits[0]))
        answer["digits"] = digits
        answer["number"] = self.number
        return answer


def numbers(values: np.ndarray) -> list:
    """An array as (nested) lists, rounded; a zero is written 0, as most of a feature map is.
    Each value is rounded once for each of the array's axes, as the golden answers
    (tests/golden) hold them: rounding a rounded number may move its last digit."""
    rounded = values.astype(np.float64)
    for _ in range(max(rounded.ndim, 1)):
        rounded = np.round(rounded, DECIMALS)
    return zeros_as_0(rounded)


def zeros_as_0(values: np.ndarray) -> list:
    """An array (at least 1-D) as (nested) lists of numbers, each zero (0.0 or -0.0) written 0:
    Python floats in an object array, the zeros replaced at once."""
    written = values.astype(object)
    written[values == 0] = 0
    return written.tolist()


def predict(drawing: Drawing, model_name: str | None = None, activations: bool | None = None) -> Reading:
    """Recognise the digits in a drawing (pixels are always one digit), with the named
    model or the site's default. `activations` says whether each digit carries its layers'
    activations; None: a kind in ACTIVATIONS_SENT does, and only such a kind's are also at
    the answer's top level."""
    model = model_store.get(model_name)  # first: a wrong name is refused before any decoding
    found = drawing.digits()
    if drawing.source is not None:
        not_digit.refuse_non_digits(found, drawing.source)
    sent = model.meta.get("kind") in ACTIVATIONS_SENT
    layers = sent if activations is None else activations
    digits = [predict_digit(ink, model, layers) for ink in found]
    reading = Reading.of(digits)
    if not sent:  # a large kind's layers are only in `digits`, when asked for
        reading.activations = {}
    return reading


def predict_digit(ink: DigitInk, model: Model, layers: bool = False) -> Prediction:
    """Recognise one digit of a drawing: each goes through here, a lone digit too."""
    prediction = predict_pixels(ink.pixels, model, layers, ink.directions)
    prediction.box, prediction.strokes = ink.box, ink.strokes
    return prediction


def predict_pixels(
    pixels: np.ndarray, model: Model, layers: bool = False, directions: Callable[[], np.ndarray] | None = None
) -> Prediction:
    """Recognise (28, 28) pixels in MNIST's form (white ink on black, values in [0, 1]), with
    the network's layers when `layers` (the CNN's feature maps cost more than its answer).
    A network that reads the pen's direction is given `directions` (2, 28, 28), or none
    where there are none (a photo)."""
    channels = model.network.channels
    images = pixels[None]  # (1, 28, 28)
    if channels > 1 and directions is not None:
        images = np.concatenate([images, directions()])[None]  # (1, 3, 28, 28)
    x = network_inputs(images, model.deskewed, channels)  # (1, channels 784): what the network reads
    if layers:
        probabilities, activations = model.network.answer(x)
    else:  # the same probabilities: answer's are predict_proba's
        probabilities, activations = model.network.predict_proba(x), {}
    return Prediction(
        digit=int(probabilities[0].argmax()),
        probabilities=probabilities[0],
        pixels=pixels,
        input=x[0, : SIDE * SIDE],
        activations={layer: a[0] for layer, a in activations.items()},
        model=model.name,
    )


def store_labelled_drawing(
    drawing: Drawing,
    label: int,
    model_name: str | None,
    client: str,
    key: str | None = None,
    *,
    digit: int | None = None,
) -> dict:
    """Store a drawing with the digit it really is, and the answer the named model gives it;
    with `digit`, only that digit of a number (0 the leftmost): its strokes, or its part of
    the photo, stored as a drawing of one digit is.

    The answer is computed again here rather than taken from the client: what is stored
    is what that model says about exactly these pixels, and whether the not-a-digit check
    refused the drawing (predict's 422). A retry with the same idempotency key and request
    gets the answer of the first, and nothing is stored twice; the key with another request
    is refused (see `admit` for what may be stored)."""

    def labelled(found: list[DigitInk]) -> list[tuple[DigitInk, int]]:
        if digit is not None:
            return [(chosen(found, digit), label)]
        # One digit: the whole drawing, as predict read it; several digits labelled as one:
        # the whole drawing, read as one digit.
        return [(found[0] if len(found) == 1 else drawing.whole(), label)]

    stored = store_once(drawing, label, model_name, client, [key], digit=digit, labelled=labelled)
    return saved_json(stored[0])


def store_labelled_number(
    drawing: Drawing, number: str, model_name: str | None, client: str, key: str | None = None
) -> dict:
    """Store every digit of a number with the digit it really is, `number` read left to right
    as predict's 'number' is: each digit's strokes, or its part of the photo, stored as a
    drawing of one digit is, all of them or none. Otherwise as store_labelled_drawing."""

    def labelled(found: list[DigitInk]) -> list[tuple[DigitInk, int]]:
        if len(found) != len(number):
            raise BadInput(f"'number' has {len(number)} digit(s), but the drawing holds {len(found)}")
        return list(zip(found, map(int, number), strict=True))

    keys = [labelled_drawings.digit_key(key, i) for i in range(len(number))]
    stored = store_once(drawing, number, model_name, client, keys, digit=None, labelled=labelled)
    return {
        "number": "".join(str(s.label) for s in stored),
        "predicted": "".join(str(s.predicted) for s in stored),
        "model": stored[0].model,
        "drawings": [saved_json(s) for s in stored],
    }


def store_once(drawing: Drawing, label, model_name, client: str, keys: list, *, digit, labelled) -> list:
    """The labelled drawings stored for this request under these idempotency keys, one a
    key: those already stored for it, or those `labelled` picks from the drawing's digits
    (each with its label), stored now if `admit` allows."""
    sent = labelled_drawings.fingerprint(drawing, label, model_name, digit)
    stored = labelled_drawings.with_keys(keys, sent)
    if stored is None:
        admit(client, "drawings a minute", len(keys))
        model = model_store.get(model_name)
        found = drawing.digits()
        rows = [(*one_digit(ink, model), truth) for ink, truth in labelled(found)]
        size = sum(labelled_drawings.size(strokes, photo) for strokes, photo, *_ in rows)
        admit(client, "bytes an hour", size)
        stored = labelled_drawings.store(rows, model.sha256, refused(drawing, found), keys, sent)
    return stored


def admit(client: str, what: str, amount: int) -> None:
    """RateLimited or StorageFull unless `amount` more labelled drawings ("drawings a
    minute") or bytes of them ("bytes an hour") may be stored: what one client may store
    is limited in both, and what the site keeps in drawings and in bytes."""
    limit, seconds, kept, most = {
        "drawings a minute": (settings.LABELLED_DRAWINGS_PER_MINUTE, settings.LABELLED_DRAWINGS_WINDOW,
                              labelled_drawings.count, settings.LABELLED_DRAWINGS_MAX),
        "bytes an hour": (settings.LABELLED_DRAWINGS_BYTES_PER_HOUR, settings.LABELLED_DRAWINGS_BYTES_WINDOW,
                          labelled_drawings.total_bytes, settings.LABELLED_DRAWINGS_MAX_BYTES),
    }[what]  # fmt: skip
    retry_after = ratelimit.take(client, limit, seconds, amount=amount, what=what)
    if retry_after is not None:
        raise RateLimited(
            f"too many labelled drawings from one client: at most {limit} {what}; try again in {retry_after} s",
            retry_after,
        )
    if kept() + amount > most:
        raise StorageFull("the site keeps no more labelled drawings for now; thank you all the same")


def saved_json(stored) -> dict:
    return {
        "id": stored.pk,
        "label": stored.label,
        "predicted": stored.predicted,
        "model": stored.model,
        "count": labelled_drawings.count(stored.label),  # drawings of this digit so far, this one included
    }


def refused(drawing: Drawing, found: list[DigitInk]) -> bool:
    """Whether predict refuses the drawing as not a digit (pixels are never checked)."""
    return drawing.source is not None and not_digit.refuses(found, drawing.source)


def chosen(found: list[DigitInk], digit: int) -> DigitInk:
    if digit >= len(found):
        raise BadInput(f"'digit' is {digit}, but the drawing holds {len(found)} digit(s): 0 is the leftmost")
    return found[digit]


def one_digit(ink: DigitInk, model: Model) -> tuple[list | None, bytes | None, Prediction]:
    """One digit of a drawing as a drawing of its own: its strokes, or the parts of strokes
    it was drawn with (None for a photo or pixels), a reduced copy of its part of a photo
    (None for strokes or pixels), and the model's answer."""
    photo = None if ink.crop is None else imaging.reduced_copy(ink.crop)
    return ink.own_strokes, photo, predict_pixels(ink.pixels, model, directions=ink.directions)


def labelled_drawing_stats() -> dict:
    """labelled_drawings.stats, each model with the title the pages call it by (its name
    for one no longer served)."""
    stats, titles = labelled_drawings.stats(), model_titles()
    for model in [*stats["models"], *(m for d in stats["digits"] for m in d["models"])]:
        model["title"] = titles.get(model["name"], model["name"])
    return stats


def readiness() -> tuple[bool, dict]:
    """Whether the default model is loaded with a verified checksum and the database
    answers, and what is served."""
    try:
        model = model_store.get()
    except NoModel as exc:
        return False, {"status": "not ready", "error": str(exc).split(": ", 1)[-1]}
    if model_store.missing():  # the last good version still answers, but not for long
        return False, {"status": "not ready", "error": "the model file has gone", "model": model.name}
    if not labelled_drawings.database_answers():
        return False, {"status": "not ready", "error": "the database is not answering", "model": model.name}
    if labelled_drawings.behind_the_site():
        return False, {"status": "not ready", "error": labelled_drawings.BEHIND, "model": model.name}
    return True, {"status": "ready", "model": model.name, "sha256": model.sha256}


def model_choices() -> list[dict]:
    """The models a user can pick on the drawing page, the default first; a model file that
    does not load is left out rather than taking the page down."""
    default = model_store.default_name()
    choices = []
    for name in sorted(model_store.names(), key=lambda n: (n != default, n)):
        try:
            model = model_store.get(name)
        except NoModel:
            continue
        sizes = "-".join(str(s) for s in getattr(model.network, "sizes", ()))  # the CNN has none
        title = KIND_TITLES.get(model.meta.get("kind"), name).format(sizes=sizes)
        choices.append(
            {"name": name, "default": name == default, "title": title, "label": picker_label(title, model)}
        )
    return choices


def picker_label(title: str, model: Model) -> str:
    """The model picker's entry: the model's title and the share of real people's digits
    (by writers it never trained on) it reads right, or of MNIST's test digits, named as such,
    where that was not measured."""
    real = (model.meta.get("handwriting") or {}).get("accuracy")
    if real is not None:
        return f"{title} · {100 * real:.2f}%"
    mnist = model.meta.get("test_accuracy")
    return title if mnist is None else f"{title} · {100 * mnist:.2f}% MNIST"


def network_models() -> list[dict]:
    """What the network page needs of each model it can show, the default first: its picker
    entry, its kind and layer sizes, and the version and names of the weights it fetches.
    NoModel when none is served."""
    models = []
    for choice in model_choices():
        model = model_store.get(choice["name"])
        models.append({**choice, **inspection.network_view(model)})
    if not models:
        raise NoModel("no model is served")
    return models


def network_weights(version: str, name: str) -> bytes | None:
    """One array of a served model's weights as a .npy file, or None when no served model
    has that version of its weights or `name` is not one of the arrays the page fetches."""
    for served in network_models():
        if served["version"] == version:
            model = model_store.get(served["name"])
            return inspection.weights_npy(model, name) if name in served["weights"] else None
    return None


def model_report(name: str | None) -> dict:
    """The training and test report of a model by name, or of the served model, with its
    title and every served model's name and title."""
    model = model_store.get(name)
    titles = model_titles()
    return {
        **inspection.model_report(model),
        "title": titles.get(model.name, model.name),
        "models": [{"name": n, "title": titles.get(n, n)} for n in model_store.names()],
        "served": model_store.default_name(),
    }


def model_titles() -> dict[str, str]:
    """What the pages call each served model, by name."""
    return {choice["name"]: choice["title"] for choice in model_choices()}

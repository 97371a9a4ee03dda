"""What the site does, without HTTP: recognise the digit in a drawing, store labelled
drawings, and describe the models. Failures are recognizer.errors exceptions."""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import numpy as np
from django.conf import settings

from nn.model_file import Model
from nn.pieces import Box
from nn.preprocess import network_inputs

from . import digit_check, imaging, inspection, labelled_drawings, model_store, ratelimit
from .drawings import Drawing, Piece, mnist_pixels, photo_pixels, pieces
from .errors import BadInput, NoModel, RateLimited, StorageFull, UnknownModel

KIND_LABELS = {"mlp": "{sizes} net", "cnn": "Convolutional net"}  # for the model picker
DECIMALS = 4  # of the numbers an answer carries: finer than any screen shows


@dataclass
class Prediction:
    digit: int
    probabilities: np.ndarray  # (10,), sums to 1
    pixels: np.ndarray  # (28, 28) float32: MNIST's form, before any deskewing
    input: np.ndarray  # (784,) float32: what the network read
    activations: dict[str, np.ndarray]  # the 784-250-10's "hidden" (250,) and "output" (10,)
    model: str
    box: Box = (0.0, 0.0, 1.0, 1.0)  # where in the drawing it was: see Piece.box
    strokes: list[int] | None = None  # which of the drawing's strokes it was drawn from

    def as_json(self) -> dict:
        answer = {
            "digit": self.digit,
            "probabilities": self.probabilities.tolist(),
            "model": self.model,
            "input": numbers(self.input),
        }
        if self.activations:
            answer["activations"] = {layer: numbers(a) for layer, a in self.activations.items()}
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
    is one digit, that is the whole drawing, read exactly as before numbers were read)."""

    digits: list[Prediction] = field(default_factory=list)

    @classmethod
    def of(cls, digits: list[Prediction]) -> Reading:
        first = {f.name: getattr(digits[0], f.name) for f in fields(Prediction)}
        return cls(**first, digits=digits)

    @property
    def number(self) -> str:
        return "".join(str(d.digit) for d in self.digits)

    def as_json(self) -> dict:
        answer = super().as_json()
        answer["digits"] = [d.digit_json() for d in self.digits]
        answer["number"] = self.number
        return answer


def numbers(values: np.ndarray) -> list[float]:
    return np.round(values.astype(np.float64), DECIMALS).tolist()


def predict(drawing: Drawing, model_name: str | None = None) -> Reading:
    """Recognise the digits in strokes, image bytes or an MNIST-form (28, 28) pixel array
    (always one digit), with the named model or the site's default."""
    model = model_store.get(model_name)  # first: a wrong name is refused before any decoding
    found = pieces(drawing)
    if not isinstance(drawing, np.ndarray):  # MNIST's form already: no check, as no preprocessing
        digit_check.refuse_non_digits(found, "drawing" if isinstance(drawing, list) else "image")
    return Reading.of([predict_digit(piece, model) for piece in found])


def predict_digit(piece: Piece, model: Model) -> Prediction:
    """Recognise one digit of a drawing: each goes through here, a lone digit too."""
    prediction = predict_pixels(piece.pixels, model)
    prediction.box, prediction.strokes = piece.box, piece.strokes
    return prediction


def predict_pixels(pixels: np.ndarray, model: Model) -> Prediction:
    """Recognise a (28, 28) MNIST-style input (white ink on black, values in [0, 1])."""
    x = network_inputs(pixels[None], model.deskewed)  # (1, 784): what the network reads
    probabilities, activations = model.network.answer(x)
    return Prediction(
        digit=int(probabilities[0].argmax()),
        probabilities=probabilities[0],
        pixels=pixels,
        input=x[0],
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
    is what that model says about exactly these pixels. A retry with the same idempotency
    key gets the answer of the first, and nothing is stored twice."""
    stored = labelled_drawings.with_key(key)
    if stored is None:
        retry_after = ratelimit.take(
            client, settings.LABELLED_DRAWINGS_PER_MINUTE, settings.LABELLED_DRAWINGS_WINDOW
        )
        if retry_after is not None:
            raise RateLimited(
                f"too many labelled drawings from one client: at most {settings.LABELLED_DRAWINGS_PER_MINUTE} "
                f"a minute; try again in {retry_after} s",
                retry_after,
            )
        if labelled_drawings.count() >= settings.LABELLED_DRAWINGS_MAX:
            raise StorageFull("the site keeps no more labelled drawings for now; thank you all the same")
        model = model_store.get(model_name)
        if digit is None:
            gray = imaging.decode(drawing) if isinstance(drawing, bytes) else None  # decoded once, for both
            prediction = predict_pixels(mnist_pixels(drawing) if gray is None else photo_pixels(gray), model)
        else:
            drawing, gray, prediction = one_digit(drawing, digit, model)
        photo = None if gray is None else imaging.reduced_copy(gray)
        stored = labelled_drawings.store(
            drawing, label, prediction, model_sha256=model.sha256, photo=photo, key=key
        )
    return {
        "id": stored.pk,
        "label": stored.label,
        "predicted": stored.predicted,
        "model": stored.model,
        "count": labelled_drawings.count(stored.label),  # drawings of this digit so far, this one included
    }


def one_digit(drawing: Drawing, digit: int, model: Model) -> tuple[Drawing, np.ndarray | None, Prediction]:
    """One digit of a number as a drawing of its own: its strokes (or None for a photo), its
    part of the photo's grey levels (None for strokes), and the model's answer for it."""
    found = pieces(drawing)
    if digit >= len(found):
        raise BadInput(f"'digit' is {digit}, but the drawing holds {len(found)} digit(s): 0 is the leftmost")
    piece = found[digit]
    strokes = piece.own_strokes if piece.own_strokes is not None else drawing
    return strokes, piece.crop, predict_pixels(piece.pixels, model)


def labelled_drawing_stats() -> dict:
    return labelled_drawings.stats()


def readiness() -> tuple[bool, dict]:
    """Whether the default model is loaded with a verified checksum, and what is served."""
    try:
        model = model_store.get()
    except NoModel as exc:
        return False, {"status": "not ready", "error": str(exc).split(": ", 1)[-1]}
    if model_store.missing():  # the last good version still answers, but not for long
        return False, {"status": "not ready", "error": "the model file has gone", "model": model.name}
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
        accuracy = model.meta.get("test_accuracy")
        sizes = "-".join(str(s) for s in getattr(model.network, "sizes", ()))  # the CNN has none
        label = KIND_LABELS.get(model.meta.get("kind"), name).format(sizes=sizes)
        if accuracy is not None:
            label += f" · {100 * accuracy:.2f}%"
        choices.append({"name": name, "default": name == default, "label": label})
    return choices


def network_model() -> Model:
    """The 784-250-10 the network page draws; NoModel while it is not served."""
    try:
        return model_store.get(settings.NETWORK_VIEW_MODEL)
    except UnknownModel as exc:  # not a client's mistake: the site serves no such model now
        raise NoModel(f"the network page's model {settings.NETWORK_VIEW_MODEL!r} is not served") from exc


def network_info() -> dict:
    """What the network page needs to fetch and label the 784-250-10 network's weights."""
    model = network_model()
    return {
        "model": model.name,
        "sizes": list(model.network.sizes),
        "version": inspection.weights_version(model),
        "weights": inspection.WEIGHT_NAMES,
    }


def network_weights(version: str, name: str) -> bytes | None:
    """One array of the network page's weights as a .npy file, or None when `version` is
    not the served one or `name` is not one of its arrays."""
    model = network_model()
    if version != inspection.weights_version(model) or name not in inspection.WEIGHT_NAMES:
        return None
    return inspection.weights_npy(model, name)


def model_report(name: str | None) -> dict:
    """The training and test report of a model by name, or of the served model."""
    model = model_store.get(name)
    return {
        **inspection.model_report(model),
        "available": model_store.names(),
        "served": model_store.default_name(),
    }

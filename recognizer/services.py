"""What the site does, without HTTP: recognise a digit in an image or a pixel array."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.conf import settings

from nn.model_file import Model
from nn.preprocess import network_inputs, to_mnist

from . import feedback, imaging, inspection, ratelimit
from .errors import InputError
from .model_store import (
    ModelUnavailable,
    UnknownModel,
    available_models,
    choose_model,
    current_model,
    default_name,
    model_named,
)

KIND_LABELS = {"mlp": "{sizes} net", "cnn": "Convolutional net"}  # for the model picker


@dataclass
class FeedbackSample:
    """What a person says about a drawing: the drawing, and the digit it really is."""

    source: bytes | np.ndarray  # image bytes, or a (28, 28) MNIST-form pixel array
    label: int
    model: str | None  # the model that answered them; None for the default
    strokes: list | None = None


@dataclass
class Prediction:
    digit: int
    probabilities: list[float]  # ten values that sum to 1
    processed: np.ndarray  # (28, 28) float32: the input the network saw
    model: str

    def as_json(self) -> dict:
        return {
            "digit": self.digit,
            "probabilities": self.probabilities,
            "processed": imaging.png_data_url(self.processed),
            "model": self.model,
        }


def predict(source: bytes | np.ndarray, model_name: str | None = None) -> Prediction:
    """Recognise the digit in image bytes, or in an MNIST-form (28, 28) pixel array, with
    the named model or the served default."""
    model = model_for(model_name)  # first: a wrong name is refused before any decoding
    return predict_pixels(mnist_pixels(source), model)


def model_for(name: str | None) -> Model:
    """The named model, or the served default; an unknown name is the client's mistake."""
    try:
        return choose_model(name)
    except UnknownModel as exc:
        raise InputError(str(exc)) from None


def predict_pixels(pixels: np.ndarray, model: Model) -> Prediction:
    """Recognise a (28, 28) MNIST-style input (white ink on black, values in [0, 1])."""
    x = network_inputs(pixels[None], model.deskewed)  # (1, 784): what the network sees
    probabilities = model.network.predict_proba(x)[0]
    return Prediction(
        digit=int(probabilities.argmax()),
        probabilities=probabilities.tolist(),  # Python floats, one call
        processed=x.reshape(28, 28),
        model=model.name,
    )


def mnist_pixels(source: bytes | np.ndarray) -> np.ndarray:
    """Image bytes (PNG, JPEG, WebP or GIF) preprocessed into MNIST's (28, 28) form; a pixel
    array is in that form already."""
    if not isinstance(source, bytes):
        if not source.any():  # nothing to recognise, and nothing to learn from
            raise InputError("no digit found: every pixel is 0", 422)
        return source
    pixels = to_mnist(imaging.decode(source))
    if pixels is None:
        raise InputError("no digit found: the image is blank", 422)
    return pixels


def record_feedback(sample: FeedbackSample, client: str) -> dict:
    """Store a drawing with the digit it really is, and the answer the named model gives it.

    The answer is computed again here rather than taken from the client: what is stored
    is what that model says about exactly these pixels."""
    retry_after = ratelimit.take(client, settings.FEEDBACK_RATE_LIMIT, settings.FEEDBACK_RATE_WINDOW)
    if retry_after is not None:
        raise InputError(
            f"too many labelled drawings from one client: at most {settings.FEEDBACK_RATE_LIMIT} "
            f"a minute; try again in {retry_after} s",
            429,
            {"Retry-After": str(retry_after)},
        )
    model = model_for(sample.model)
    pixels = mnist_pixels(sample.source)
    prediction = predict_pixels(pixels, model)
    image = sample.source if isinstance(sample.source, bytes) else None
    drawing = feedback.store(
        pixels, sample.label, prediction, model_sha256=model.sha256, strokes=sample.strokes, image=image
    )
    return {
        "id": drawing.pk,
        "label": drawing.label,
        "predicted": drawing.predicted,
        "model": drawing.model,
        "count": feedback.count_of(drawing.label),  # drawings of this digit so far, this one included
    }


def feedback_stats() -> dict:
    return feedback.stats()


def readiness() -> tuple[bool, dict]:
    """Whether the default model is loaded with a verified checksum, and what is served."""
    try:
        model = current_model()
    except ModelUnavailable as exc:
        return False, {"status": "not ready", "error": str(exc).split(": ", 1)[-1]}
    return True, {"status": "ready", "model": model.name, "sha256": model.sha256}


def model_choices() -> list[dict]:
    """The models a user can pick on the drawing page, the default first; a model file that
    does not load is left out rather than taking the page down."""
    default = default_name()
    names = sorted(available_models(), key=lambda n: (n != default, n))
    choices = []
    for n in names:
        try:
            model = model_named(n)
        except ModelUnavailable:
            continue
        accuracy = model.meta.get("test_accuracy")
        sizes = "-".join(str(s) for s in getattr(model.network, "sizes", ()))  # the CNN has none
        label = KIND_LABELS.get(model.meta.get("kind"), n).format(sizes=sizes)
        if accuracy is not None:
            label += f" · {100 * accuracy:.2f}%"
        choices.append({"name": n, "default": n == default, "label": label})
    return choices


def network_model():
    """The network page shows the 784-250-10 network, whichever model answers by default."""
    return model_named(settings.NETWORK_VIEW_MODEL)


def network_info() -> dict:
    """What the network page needs to fetch and label the 784-250-10 network's weights."""
    model = network_model()
    return {
        "model": model.name,
        "sizes": list(model.network.sizes),
        "version": inspection.weights_version(model),
    }


def network_weights(version: str) -> bytes | None:
    """The network page's packed weights, or None when `version` is not the served one."""
    model = network_model()
    if version != inspection.weights_version(model):
        return None
    return inspection.pack_weights(model)


def model_report(name: str | None) -> dict:
    """The training and test report of a model by name, or of the served model."""
    model = choose_model(name)
    return {**inspection.model_report(model), "available": available_models(), "served": default_name()}

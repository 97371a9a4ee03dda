"""What the site does, without HTTP: recognise a digit in an image or a pixel array."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nn.preprocess import to_mnist

from . import imaging
from .errors import InputError
from .model_store import current_model


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


def predict_pixels(pixels: np.ndarray) -> Prediction:
    """Recognise a (28, 28) MNIST-style input (white ink on black, values in [0, 1])."""
    model = current_model()
    probabilities = model.network.predict_proba(pixels.reshape(1, -1))[0]
    return Prediction(
        digit=int(probabilities.argmax()),
        probabilities=[float(p) for p in probabilities],
        processed=pixels,
        model=model.name,
    )


def predict_image(data: bytes) -> Prediction:
    """Recognise the digit in image bytes (PNG, JPEG, WebP or GIF), preprocessed like MNIST."""
    pixels = to_mnist(imaging.decode(data))
    if pixels is None:
        raise InputError("no digit found: the image is blank", 422)
    return predict_pixels(pixels)

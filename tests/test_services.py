"""The prediction service without HTTP: the model's own input preparation is applied."""

import numpy as np
import pytest

from nn.model_file import save_model
from nn.network import Network
from nn.preprocess import deskew
from recognizer import services
from recognizer.errors import InputError


@pytest.fixture
def slanted_pixels():
    x = np.zeros((28, 28), np.float32)
    for row in range(4, 24):
        x[row, 8 + row // 2 : 11 + row // 2] = 1.0  # a stroke leaning right
    return x


def serve(settings, tmp_path, **meta):
    path = tmp_path / "m.pkl"
    save_model(path, Network.initialise(np.random.default_rng(0)), meta)
    settings.DIGITS_MODEL = path


def test_a_model_trained_on_deskewed_digits_is_served_deskewed_digits(settings, tmp_path, slanted_pixels):
    serve(settings, tmp_path, deskew=True)
    prediction = services.predict(slanted_pixels)
    np.testing.assert_allclose(prediction.processed, deskew(slanted_pixels[None])[0], atol=1e-6)
    assert np.abs(prediction.processed - slanted_pixels).mean() > 0.02


def test_a_model_trained_on_plain_digits_sees_the_pixels_as_sent(settings, tmp_path, slanted_pixels):
    serve(settings, tmp_path)
    prediction = services.predict(slanted_pixels)
    np.testing.assert_array_equal(prediction.processed, slanted_pixels)
    assert sum(prediction.probabilities) == pytest.approx(1.0)


def test_a_blank_image_is_a_422_input_error(settings, tmp_path):
    serve(settings, tmp_path)
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("L", (50, 50), 255).save(buffer, "PNG")
    with pytest.raises(InputError) as info:
        services.predict(buffer.getvalue())
    assert info.value.status == 422

"""The prediction service without HTTP: the model's own input preparation is applied, and
what goes wrong is a domain exception, not a status code."""

import numpy as np
import pytest

from nn.ink.preprocess import deskew
from nn.networks.model_file import save_model
from recognizer import services
from recognizer.drawings import Photo, Pixels, Strokes
from recognizer.errors import BlankDrawing, NoModel, UnknownModel
from tests.helpers import ONE, encode, tiny_network


@pytest.fixture
def slanted_pixels():
    x = np.zeros((28, 28), np.float32)
    for row in range(4, 24):
        x[row, 8 + row // 2 : 11 + row // 2] = 1.0  # a stroke leaning right
    return x


def serve(settings, tmp_path, **meta):
    path = tmp_path / "m.pkl"
    save_model(path, tiny_network(), meta)
    settings.DIGITS_MODEL = path


def test_a_model_trained_on_deskewed_digits_is_served_deskewed_digits(settings, tmp_path, slanted_pixels):
    serve(settings, tmp_path, deskew=True)
    prediction = services.predict(Pixels(slanted_pixels))
    np.testing.assert_allclose(prediction.input, deskew(slanted_pixels[None])[0].ravel(), atol=1e-6)
    np.testing.assert_array_equal(prediction.pixels, slanted_pixels)  # what a labelled drawing keeps
    assert np.abs(prediction.input - slanted_pixels.ravel()).mean() > 0.02
    assert prediction.digit == 1  # straightened, the slant reads as the tiny network's 1


def test_a_model_trained_on_plain_digits_reads_the_pixels_as_sent(settings, tmp_path, slanted_pixels):
    serve(settings, tmp_path)
    prediction = services.predict(Pixels(slanted_pixels))
    np.testing.assert_array_equal(prediction.input, slanted_pixels.ravel())
    assert prediction.probabilities.sum() == pytest.approx(1.0)
    assert prediction.digit == 0  # as sent, the slant is not the tiny network's 1


def test_the_activations_shown_come_from_the_same_forward_pass_as_the_answer(settings, tmp_path):
    serve(settings, tmp_path)
    prediction = services.predict(Strokes(ONE))
    act = tiny_network().forward(prediction.input[None])
    np.testing.assert_allclose(prediction.activations["hidden"], act.a1[0], rtol=1e-6)
    np.testing.assert_allclose(prediction.activations["output"], act.out[0], rtol=1e-6)
    assert prediction.digit == 1


def test_a_blank_image_is_a_blank_drawing(settings, tmp_path):
    from PIL import Image

    serve(settings, tmp_path)
    with pytest.raises(BlankDrawing):
        services.predict(Photo(encode(Image.new("L", (50, 50), 255))))


def test_all_zero_pixels_are_a_blank_drawing(settings, tmp_path):
    serve(settings, tmp_path)
    with pytest.raises(BlankDrawing):
        services.predict(Pixels(np.zeros((28, 28), np.float32)))


def test_an_unknown_model_is_named_as_such_before_the_drawing_is_read(settings, tmp_path):
    serve(settings, tmp_path)
    with pytest.raises(UnknownModel, match="unknown model 'nope'"):
        services.predict(Photo(b"not even an image"), "nope")


def test_a_missing_default_model_is_no_model(settings, tmp_path):
    settings.DIGITS_MODEL = tmp_path / "gone.pkl"
    with pytest.raises(NoModel):
        services.predict(Strokes(ONE))

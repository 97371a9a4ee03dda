"""POST /api/predict with images and pixel arrays: each is recognised, or answered with a
JSON error that says what was wrong, never a traceback."""

import io
import json

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from nn.ink.raster import PEN_WIDTH
from recognizer.drawings import Photo
from recognizer.imaging import FORMATS, format_of
from recognizer.limits import MAX_ASPECT, MAX_DIGITS, MAX_JSON_BYTES, MAX_PIECES
from tests.conftest import SHIPPED_DEFAULT, SHIPPED_MODEL_DIR
from tests.helpers import (
    ONE,
    PREDICT,
    Api,
    assert_error,
    assert_prediction,
    data_url,
    draw_seven,
    encode,
    network_input,
    seven_image,
    seven_pixels,
)


@pytest.fixture
def api():
    return Api()


def plain_input(api) -> np.ndarray:
    """What the network reads for the plain PNG digit, which other encodings should match."""
    return network_input(assert_prediction(api.post_image(encode(seven_image()))))


def plain_digit(api) -> int:
    """The digit the network reads in the plain PNG digit."""
    return assert_prediction(api.post_image(encode(seven_image())))["digit"]


def bar_pixels() -> np.ndarray:
    """A vertical bar in MNIST's form, which the tiny test network reads as a 1."""
    pixels = np.zeros((28, 28), np.float32)
    pixels[4:24, 13:15] = 1.0
    return pixels


@pytest.fixture(scope="module")
def bomb_png() -> bytes:
    """12000x12000 pixels (more than Pillow's bomb limit) in a few kilobytes."""
    return encode(Image.new("1", (12000, 12000), 1), optimize=True)


# --- success paths ---------------------------------------------------------------------


def test_a_png_data_url_of_a_seven_is_read_as_seven(api, settings):
    settings.MODEL_DIR, settings.DIGITS_MODEL = SHIPPED_MODEL_DIR, SHIPPED_DEFAULT  # a model that reads a 7
    assert assert_prediction(api.post_image(encode(seven_image())))["digit"] == 7


def test_a_multipart_upload_is_answered_as_the_same_png_in_a_data_url(api):
    uploaded = assert_prediction(api.upload(encode(seven_image())))
    sent = assert_prediction(api.post_image(encode(seven_image())))
    assert uploaded["input"] == sent["input"] and uploaded["probabilities"] == sent["probabilities"]


def test_784_flat_pixels_are_read_as_the_digit_they_show(api):
    body = assert_prediction(api.post_json({"pixels": bar_pixels().ravel().tolist()}))
    assert body["digit"] == 1 and body["probabilities"][1] > 0.99


def test_pixels_as_28_rows_of_28_are_read_as_the_digit_they_show(api):
    assert assert_prediction(api.post_json({"pixels": bar_pixels().tolist()}))["digit"] == 1


def test_the_input_of_pixels_is_the_pixels_as_sent(api):
    pixels = seven_pixels()
    body = assert_prediction(api.post_json({"pixels": pixels.tolist()}))
    np.testing.assert_allclose(network_input(body), pixels, atol=1e-4)


def test_an_answer_of_the_784_hidden_10_network_carries_its_activations(api):
    body = assert_prediction(api.post_json({"strokes": ONE}))
    hidden, output = body["activations"]["hidden"], body["activations"]["output"]
    assert len(hidden) == 2 and hidden[0] > 0.9 and hidden[1] < 0.1  # the tiny network: ink in the middle
    np.testing.assert_allclose(output, body["probabilities"], atol=1e-4)  # softmax outputs


def as_i16(image: Image.Image) -> Image.Image:
    return Image.fromarray(np.asarray(image, dtype=np.uint16) * 257)  # 16-bit grayscale


MODES = {
    "1": (lambda im: im.convert("1"), "PNG"),
    "LA": (lambda im: im.convert("LA"), "PNG"),
    "P": (lambda im: im.convert("P"), "PNG"),
    "I;16": (as_i16, "PNG"),
    "CMYK": (lambda im: im.convert("CMYK"), "JPEG"),
}


@pytest.mark.parametrize("mode", MODES)
def test_a_digit_in_any_common_image_mode_is_seen_as_the_plain_one(api, mode):
    convert, fmt = MODES[mode]
    data = encode(convert(seven_image()), fmt)
    assert Image.open(io.BytesIO(data)).mode == mode
    body = assert_prediction(api.post_image(data, f"image/{fmt.lower()}"))
    assert np.abs(network_input(body) - plain_input(api)).mean() < 0.02
    assert body["digit"] == plain_digit(api)


def test_an_animated_gif_is_recognised_from_its_first_frame(api):
    first, second = seven_image().convert("P"), Image.new("P", (280, 280), 0)
    data = encode(first, "GIF", save_all=True, append_images=[second], duration=100, loop=0)
    assert Image.open(io.BytesIO(data)).n_frames == 2
    body = assert_prediction(api.post_image(data, "image/gif"))
    assert np.abs(network_input(body) - plain_input(api)).mean() < 0.02
    assert body["digit"] == plain_digit(api)


@pytest.mark.parametrize(
    ("orientation", "stored_as"),
    [(6, Image.Transpose.ROTATE_90), (8, Image.Transpose.ROTATE_270)],
    ids=["orientation-6", "orientation-8"],
)
def test_an_exif_rotated_jpeg_is_turned_upright_before_recognition(api, orientation, stored_as):
    upright = network_input(assert_prediction(api.post_image(encode(seven_image(), "JPEG"), "image/jpeg")))
    sideways = seven_image().transpose(stored_as)  # what a phone stores; EXIF says how to turn it
    exif = Image.Exif()
    exif[0x0112] = orientation
    body = assert_prediction(api.post_image(encode(sideways, "JPEG", exif=exif), "image/jpeg"))
    # A seven on its side is not a digit to the not-a-digit check: its input, made directly.
    unrotated = Photo(encode(sideways, "JPEG")).whole().pixels
    assert np.abs(network_input(body) - upright).mean() < 0.02
    assert np.abs(unrotated - upright).mean() > 0.05  # the check above would notice a missed rotation


def test_black_strokes_on_a_transparent_canvas_are_seen_as_on_white(api):
    canvas = draw_seven(Image.new("RGBA", (280, 280), (0, 0, 0, 0)), (0, 0, 0, 255))
    on_canvas = assert_prediction(api.post_image(encode(canvas)))
    on_white = assert_prediction(api.post_image(encode(seven_image())))
    assert on_canvas["digit"] == on_white["digit"]
    np.testing.assert_array_equal(network_input(on_canvas), network_input(on_white))


# --- bad requests ----------------------------------------------------------------------


def test_malformed_json_is_a_400_that_says_so(api):
    assert_error(api.post('{"image": '), 400, "malformed JSON")
    assert api.post("{").headers["Access-Control-Allow-Origin"] == "*"  # errors too: a page can read them


def test_a_number_of_thousands_of_digits_or_a_body_not_utf8_is_a_400_in_the_client_s_terms(api):
    huge = assert_error(api.post('{"strokes": [[[1' + "0" * 5000 + ", 0.5]]]}"), 400, "thousands of digits")
    assert "sys." not in huge  # the server's Python is not the client's to fix
    assert_error(api.post(b'{"strokes": "\xff\xfe"}'), 400, "not UTF-8")


def test_two_photos_in_one_request_are_a_400_not_one_of_them_read_silently(api):
    seven = encode(seven_image())
    both = [SimpleUploadedFile("a.png", seven), SimpleUploadedFile("b.png", seven)]
    assert_error(api.client.post(PREDICT, {"image": both}, headers=api.headers), 400, "'image' came 2 times")


def test_an_api_address_with_a_final_slash_is_a_json_404_saying_to_drop_it(api):
    assert_error(
        api.client.post("/api/predict/", "{}", "application/json"), 404, "drop the final slash: /api/predict"
    )
    assert_error(api.client.get("/api/nothing"), 404, "see /api/openapi.json")


def test_a_json_list_is_a_400_asking_for_an_object(api):
    assert_error(api.post_json([1, 2, 3]), 400, "must be an object")


def test_a_body_with_no_drawing_is_a_400(api):
    assert_error(api.post_json({"picture": "x"}), 400, "exactly one of 'strokes'")


def test_a_body_with_two_drawings_is_a_400(api):
    body = {"image": data_url(encode(seven_image())), "pixels": [0] * 784}
    assert_error(api.post_json(body), 400, "exactly one of 'strokes'")


@pytest.mark.parametrize("image", [42, None], ids=["number", "null"])
def test_an_image_that_is_not_a_string_is_a_400(api, image):
    assert_error(api.post_json({"image": image}), 400, "must be a string")


def test_a_data_url_without_base64_is_a_400(api):
    assert_error(api.post_json({"image": "data:image/png,abc"}), 400, "base64-encoded")


def test_invalid_base64_is_a_400(api):
    assert_error(api.post_json({"image": "data:image/png;base64,@@@"}), 400, "base64 payload is invalid")


@pytest.mark.parametrize("media_type", ["image/svg+xml", "text/html"])
def test_a_data_url_of_an_unsupported_type_is_a_415(api, media_type):
    assert_error(api.post_image(b"<svg></svg>", media_type), 415, f"unsupported image type {media_type}")


def test_bytes_that_are_not_an_image_are_a_400(api):
    assert_error(api.post_image(b"hello"), 400, "not a PNG, JPEG, WebP or GIF")


def test_a_truncated_png_is_a_400_that_says_so(api):
    data = encode(Image.effect_noise((280, 280), 64).convert("L"))
    assert_error(api.post_image(data[: len(data) // 2]), 400, "truncated or corrupt")


def test_a_decompression_bomb_is_a_413(api, bomb_png):
    assert len(bomb_png) < 100_000
    assert_error(api.post_image(bomb_png), 413, "too many pixels")


def test_an_image_over_our_own_pixel_limit_but_under_pillows_is_a_413(api):
    big = encode(Image.new("1", (6400, 6400), 1), optimize=True)  # 41 MP: Pillow only warns at 89 MP
    assert_error(api.post_image(big), 413, "at most 16777216 are accepted in a PNG")


def test_a_16_bit_image_is_held_to_a_smaller_pixel_limit(api):
    wide = encode(Image.new("I;16", (3000, 2500)))
    assert_error(api.post_image(wide), 413, "at most 5592405 are accepted in a PNG")


def test_a_large_baseline_jpeg_is_accepted_but_a_progressive_one_is_held_to_a_smaller_limit(api):
    photo = Image.new("L", (4000, 3000), 255)
    for i in range(12):
        photo.putpixel((83 * i % 1000, 331 * i % 1000), 0)
    assert_error(api.post_image(encode(photo, "JPEG"), "image/jpeg"), 422, "blank")  # decoded at 1/4 scale
    progressive = encode(photo, "JPEG", progressive=True)
    assert_error(api.post_image(progressive, "image/jpeg"), 413, "at most 5592405 are accepted in a JPEG")


def test_a_photo_with_only_a_few_specks_of_dust_is_a_422_blank(api):
    image = Image.new("L", (1000, 1000), 255)
    for i in range(12):
        image.putpixel((83 * i % 1000, 331 * i % 1000), 0)
    assert_error(api.post_image(encode(image)), 422, "blank")


def test_a_content_length_that_is_not_a_plain_number_is_a_400(api):
    response = api.client.post(PREDICT, b"{}", "application/json", headers=api.headers, CONTENT_LENGTH="²")
    assert_error(response, 400, "Content-Length header is not a number")


def test_an_absurdly_long_image_is_a_413(api):
    assert_error(api.post_image(encode(Image.new("L", (1, 20000), 255))), 413, "1x20000 are out of range")


def test_a_fully_transparent_png_is_a_422_blank(api):
    assert_error(api.post_image(encode(Image.new("RGBA", (280, 280), (0, 0, 0, 0)))), 422, "blank")


def test_a_blank_white_image_is_a_422(api):
    assert_error(api.post_image(encode(Image.new("L", (280, 280), 255))), 422, "blank")


def test_an_empty_json_body_is_a_400(api):
    assert_error(api.post(""), 400, "body is empty")


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_other_methods_are_a_405_naming_post_even_without_a_csrf_token(method):
    response = getattr(Client(enforce_csrf_checks=True), method)(PREDICT)
    assert_error(response, 405, f"method {method.upper()} not allowed")
    assert response["Allow"] == "POST"


def test_plain_text_is_a_415(api):
    assert_error(api.post("7", content_type="text/plain"), 415, "unsupported content type text/plain")


def test_a_json_body_over_its_limit_is_a_413_before_it_is_parsed(api, monkeypatch):
    from recognizer import parsing

    monkeypatch.setattr(parsing, "json_object", lambda body: pytest.fail("the body was parsed"))
    body = json.dumps({"strokes": [[[0]]] * 200_000})  # deep, cheap lists: costly to parse
    assert len(body) > MAX_JSON_BYTES
    assert_error(api.post(body), 413, f"larger than {MAX_JSON_BYTES} bytes")


def test_a_chunked_body_is_a_411_not_read_as_empty(api):
    response = api.client.post(PREDICT, b"{}", "application/json", HTTP_TRANSFER_ENCODING="chunked")
    assert_error(response, 411, "Content-Length")


@pytest.mark.django_db  # readiness reads the database
def test_api_answers_are_not_cached(api):
    assert api.post_json({"strokes": ONE})["Cache-Control"] == "no-store"
    assert api.post("{")["Cache-Control"] == "no-store"
    assert Client().get("/api/csrf")["Cache-Control"] == "no-store"
    assert Client().get("/readyz")["Cache-Control"] == "no-store"


def test_a_multipart_upload_over_the_limit_is_a_413(api, settings):
    assert_error(api.upload(b"\0" * (settings.MAX_REQUEST_BYTES + 1)), 413, "larger than")


def test_a_script_predicts_without_a_csrf_token_or_cookie():
    response = Client(enforce_csrf_checks=True).post(PREDICT, {"strokes": ONE}, "application/json")
    assert assert_prediction(response)["digit"] == 1
    assert "Set-Cookie" not in response.headers


def test_any_origin_may_predict_and_its_preflight_is_answered():
    client = Client(enforce_csrf_checks=True)
    preflight = client.options(
        PREDICT, headers={"Origin": "https://else.example", "Access-Control-Request-Method": "POST"}
    )
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert "POST" in preflight["Access-Control-Allow-Methods"]
    assert "Content-Type" in preflight["Access-Control-Allow-Headers"]
    response = client.post(
        PREDICT, {"strokes": ONE}, "application/json", headers={"Origin": "https://else.example"}
    )
    assert response["Access-Control-Allow-Origin"] == "*"
    assert_error(client.post(PREDICT, "{", "application/json"), 400, "malformed JSON")


# --- pixel validation ------------------------------------------------------------------

ROWS_WITH_A_SHORT_ONE = [[0.0] * 28] * 27 + [[0.0] * 27]


@pytest.mark.parametrize(
    ("pixels", "phrase"),
    [
        ("[" + ", ".join(["0"] * 783) + "]", "must be 784 numbers"),
        ("[NaN" + ", 0" * 783 + "]", "pixel 0 is NaN"),
        ("[0, 1.5" + ", 0" * 782 + "]", "pixel 1 is 1.5"),
        ("[-0.1" + ", 0" * 783 + "]", "pixel 0 is -0.1"),
        ('["0.5"' + ", 0" * 783 + "]", 'pixel 0 is not a number: "0.5"'),
        ("[true" + ", 0" * 783 + "]", "pixel 0 is not a number: true"),
        (json.dumps(ROWS_WITH_A_SHORT_ONE), "28 rows of 28 numbers"),
    ],
    ids=["783-values", "nan", "above-1", "below-0", "string", "boolean", "short-row"],
)
def test_invalid_pixels_are_a_400_naming_the_problem(api, pixels, phrase):
    assert_error(api.post('{"pixels": ' + pixels + "}"), 400, phrase)


# --- JSON that Python's parser or arithmetic chokes on ------------------------------------


def test_json_nested_too_deeply_is_a_400_not_a_crash(api):
    assert_error(api.post('{"pixels": ' + "[" * 5000 + "]" * 5000 + "}"), 400, "JSON")


def test_an_integer_literal_too_long_to_parse_is_a_400_not_a_crash(api):
    assert_error(api.post('{"image": 1' + "0" * 5000 + "}"), 400, "JSON")


def test_a_pixel_too_large_for_a_float_is_a_400_naming_it(api):
    assert_error(api.post('{"pixels": [' + "9" * 400 + ", 0" * 783 + "]}"), 400, "pixel 0 is")


# --- model and pages -------------------------------------------------------------------


def test_without_a_model_predict_is_a_503_with_retry_after(api, settings, tmp_path):
    settings.MODEL_DIR = tmp_path
    settings.DIGITS_MODEL = tmp_path / "missing.pkl"
    response = api.post_json({"pixels": [0] * 784})
    assert_error(response, 503, "model is not loaded")
    assert response["Retry-After"].isdigit()
    assert "missing.pkl" not in response.content.decode()


def test_the_openapi_description_documents_predict():
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    assert spec["openapi"].startswith("3.")
    assert "/api/predict" in spec["paths"]


def test_the_openapi_description_publishes_the_most_pieces_and_digits_a_drawing_may_hold():
    spec = Client().get("/api/openapi.json").json()
    too_large = spec["paths"]["/api/predict"]["post"]["responses"]["413"]["description"]
    assert f"more than {MAX_PIECES} pieces of ink or {MAX_DIGITS} digits" in too_large


def test_the_home_page_has_the_drawing_canvas():
    response = Client().get("/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert 'data-testid="canvas"' in response.content.decode()


@pytest.mark.parametrize("path", ["/", "/network"])
def test_each_pad_is_told_the_server_s_pen_width_and_widest_aspect(path):
    page = Client().get(path).content.decode()
    assert f'data-pen-width="{PEN_WIDTH}"' in page and f'data-max-aspect="{MAX_ASPECT}"' in page


@pytest.mark.parametrize("name", FORMATS)
def test_each_accepted_format_is_known_by_its_first_bytes_and_others_are_not(name):
    image = Image.new("RGB", (8, 8), "white")
    assert format_of(encode(image, name)) == name
    for other in ("BMP", "TIFF"):
        assert format_of(encode(image, other)) is None

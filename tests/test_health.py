"""Liveness, readiness (the model and the database), and what happens when the model file
(or the not-a-digit check's) is missing, tampered with, or replaced while the site runs, or
the database stops answering."""

import contextlib
import hashlib

import numpy as np
import pytest
from django.test import Client

from nn.networks.model_file import load_check, save_model, to_payload
from nn.networks.network import Network
from nn.networks.not_digit import CHECK_PATH, SOURCES
from tests.helpers import MLP_SIZES, ONE, RunsACommand, checked_copy, write_payload

pytestmark = pytest.mark.django_db  # readiness reads the database too

PIXELS = {"pixels": [0.0] * 300 + [1.0] * 20 + [0.0] * 464}


@pytest.fixture
def served(settings, tmp_path):
    """A models folder of our own, serving `default.pkl`."""
    path = tmp_path / "default.pkl"
    save_model(path, Network.initialise(np.random.default_rng(0), MLP_SIZES), {})
    settings.MODEL_DIR = tmp_path
    settings.DIGITS_MODEL = path
    return path


def predict():
    return Client().post("/api/predict", PIXELS, content_type="application/json")


def test_liveness_answers_without_looking_at_the_model(settings, tmp_path):
    settings.DIGITS_MODEL = tmp_path / "absent.pkl"
    response = Client().get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_readiness_reports_the_verified_model(served):
    response = Client().get("/readyz")
    body = response.json()
    assert response.status_code == 200 and body["status"] == "ready" and body["model"] == "default"
    assert body["sha256"] == (served.parent / "default.pkl.sha256").read_text().split()[0]


def test_without_a_model_readiness_and_predict_answer_503_with_retry_after(settings, tmp_path):
    settings.DIGITS_MODEL = tmp_path / "absent.pkl"
    for response in (Client().get("/readyz"), predict()):
        assert response.status_code == 503 and response.headers["Retry-After"] == "30"
        assert str(tmp_path) not in response.content.decode(), "no server paths leak"


def test_a_tampered_model_file_is_not_ready_and_nothing_in_it_runs(settings, tmp_path):
    path, marker = tmp_path / "evil.pkl", tmp_path / "pwned"
    save_model(path, Network.initialise(np.random.default_rng(0), MLP_SIZES), {})
    write_payload(
        path, to_payload(Network.initialise(np.random.default_rng(0), MLP_SIZES), {"x": RunsACommand(marker)})
    )
    settings.DIGITS_MODEL = path
    assert Client().get("/readyz").status_code == 503
    assert predict().status_code == 503
    assert not marker.exists()


def test_a_malicious_file_with_a_matching_checksum_is_still_refused_by_the_unpickler(settings, tmp_path):
    path, marker = tmp_path / "evil.pkl", tmp_path / "pwned"
    write_payload(
        path, to_payload(Network.initialise(np.random.default_rng(0), MLP_SIZES), {"x": RunsACommand(marker)})
    )
    (tmp_path / "evil.pkl.sha256").write_text(hashlib.sha256(path.read_bytes()).hexdigest() + "  evil.pkl\n")
    settings.DIGITS_MODEL = path
    assert Client().get("/readyz").status_code == 503
    assert "refused" in Client().get("/readyz").json()["error"]
    assert not marker.exists()


def test_a_replaced_model_file_is_validated_and_swapped_in_on_the_next_request(served):
    before = predict().json()["probabilities"]
    save_model(served, Network.initialise(np.random.default_rng(1), MLP_SIZES), {})
    after = predict().json()["probabilities"]
    assert before != after
    assert (
        Client().get("/readyz").json()["sha256"]
        == (served.parent / "default.pkl.sha256").read_text().split()[0]
    )


def test_a_bad_replacement_is_refused_and_the_old_model_keeps_serving(served, caplog):
    before = predict().json()["probabilities"]
    sha = Client().get("/readyz").json()["sha256"]
    served.write_bytes(b"not a model at all")
    assert predict().json()["probabilities"] == before
    assert Client().get("/readyz").json()["sha256"] == sha
    assert "refused" in caplog.text and "previous one keeps serving" in caplog.text


def test_a_model_file_that_has_gone_is_not_ready_though_the_last_good_one_still_answers(served):
    before = predict().json()["probabilities"]
    served.unlink()
    response = Client().get("/readyz")
    assert response.status_code == 503 and response.json()["error"] == "the model file has gone"
    assert predict().json()["probabilities"] == before


def test_a_refused_file_is_read_once_not_on_every_request(served, monkeypatch):
    from recognizer import model_store

    served.write_bytes(b"not a model at all")
    reads = []
    real = model_store.load_model
    monkeypatch.setattr(model_store, "load_model", lambda *a, **k: reads.append(a) or real(*a, **k))
    for _ in range(5):
        Client().get("/")
        predict()
    assert len(reads) == 1


def test_a_replacement_of_another_kind_is_refused_under_the_old_name(served):
    from nn.networks.cnn import ConvNet

    before = predict().json()["probabilities"]  # the fixture serves an MLP
    save_model(served, ConvNet.initialise(np.random.default_rng(0)), {})  # a CNN where it was
    assert predict().json()["probabilities"] == before


@contextlib.contextmanager
def database_down():
    """The database stops answering: the connection is closed and cannot be opened again."""
    from django.db import connection

    name = connection.settings_dict["NAME"]
    connection.close()
    connection.settings_dict["NAME"] = "/nonexistent/folder/db.sqlite3"
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = name


@pytest.mark.django_db(transaction=True)
def test_readiness_reports_a_database_that_does_not_answer_and_pages_that_need_it_answer_503(settings):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("stops SQLite by pointing it at a folder that does not exist")
    assert Client().get("/readyz").status_code == 200
    with database_down():
        ready = Client().get("/readyz")
        assert ready.status_code == 503 and ready.json()["error"] == "the database is not answering"
        page = Client(raise_request_exception=False).get("/labelled-drawings")
        assert page.status_code == 503 and page["Retry-After"] == "5" and b"try again" in page.content
        label = Client(raise_request_exception=False).post(
            "/api/labelled-drawings", {**PIXELS, "label": 1}, content_type="application/json"
        )
        assert label.status_code == 503 and "database" in label.json()["error"]
        assert predict().status_code == 200  # what needs no database goes on
    assert Client().get("/readyz").status_code == 200


def test_a_replaced_not_a_digit_check_is_swapped_in_on_the_next_request(served, monkeypatch, tmp_path):
    from recognizer import not_digit

    copy = checked_copy(CHECK_PATH, tmp_path)
    monkeypatch.setattr(not_digit, "CHECK_PATH", copy)
    strokes = {"strokes": ONE}
    assert Client().post("/api/predict", strokes, content_type="application/json").status_code == 200
    check = load_check(copy)
    check.thresholds = dict.fromkeys(SOURCES, 1e-6)  # now nothing is a digit
    save_model(copy, check, {})
    response = Client().post("/api/predict", strokes, content_type="application/json")
    assert response.status_code == 422 and response.json()["code"] == "not_a_digit"


@pytest.mark.django_db(transaction=True)
def test_a_database_older_than_the_site_is_not_ready_and_says_to_migrate_it(settings, monkeypatch):
    from django.core.management import call_command

    from recognizer import labelled_drawings

    monkeypatch.setitem(labelled_drawings.SEEN, "migrated", False)
    call_command("migrate", "recognizer", "0003", verbosity=0)  # as before the last three migrations
    try:
        ready = Client().get("/readyz")
        assert ready.status_code == 503 and "run `manage.py migrate`" in ready.json()["error"]
        label = Client(raise_request_exception=False).post(
            "/api/labelled-drawings", {**PIXELS, "label": 1}, content_type="application/json"
        )
        assert label.status_code == 503 and "run `manage.py migrate`" in label.json()["error"]
        assert "Retry-After" not in label  # waiting will not help
        page = Client(raise_request_exception=False).get("/labelled-drawings")
        assert page.status_code == 503 and b"manage.py migrate" in page.content
    finally:
        call_command("migrate", verbosity=0)
    assert Client().get("/readyz").status_code == 200

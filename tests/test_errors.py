"""What went wrong, answered: each domain exception has one status in recognizer/http.py,
and a bug of ours goes through Django's own 500 path, logged and signalled, as JSON."""

import logging

import pytest
from django.core.signals import got_request_exception
from django.test import Client

from recognizer import services
from recognizer.errors import (
    BadInput,
    BlankDrawing,
    NoModel,
    RateLimited,
    StorageFull,
    TooLarge,
    UnknownModel,
    UnsupportedType,
)
from recognizer.http import error_response
from tests.helpers import ONE, PREDICT


@pytest.mark.parametrize(
    ("exc", "status", "retry"),
    [
        (BadInput("x"), 400, None),
        (UnknownModel("x"), 400, None),
        (TooLarge("x"), 413, None),
        (UnsupportedType("x"), 415, None),
        (BlankDrawing("x"), 422, None),
        (RateLimited("x", 17), 429, "17"),
        (StorageFull("x"), 507, None),
        (NoModel("x"), 503, "30"),
    ],
    ids=lambda v: type(v).__name__ if isinstance(v, Exception) else None,
)
def test_each_domain_exception_has_its_status_and_retry_time(exc, status, retry):
    response = error_response(exc)
    assert response.status_code == status
    assert response.get("Retry-After") == retry


def test_a_model_that_cannot_be_loaded_is_not_described_to_the_client():
    body = error_response(NoModel("/srv/models/cnn.pkl: SHA-256 abc does not match")).content.decode()
    assert "cnn.pkl" not in body and "SHA-256" not in body


def test_a_bug_is_a_logged_and_signalled_json_500(monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug of ours")

    monkeypatch.setattr(services, "predict", broken)
    signalled = []
    got_request_exception.connect(lambda **kw: signalled.append(kw), weak=False, dispatch_uid="t")
    try:
        with caplog.at_level(logging.ERROR, logger="django.request"):
            response = Client(raise_request_exception=False).post(
                PREDICT, {"strokes": ONE}, "application/json"
            )
    finally:
        got_request_exception.disconnect(dispatch_uid="t")
    assert response.status_code == 500
    assert response.json() == {"error": "internal error; it has been logged"}
    assert "a bug of ours" not in response.content.decode()
    assert len(signalled) == 1
    assert any(r.exc_info and "a bug of ours" in str(r.exc_info[1]) for r in caplog.records)


def test_a_page_s_500_is_a_page_not_json(monkeypatch):
    def broken():
        raise RuntimeError("a bug of ours")

    monkeypatch.setattr(services, "model_choices", broken)
    response = Client(raise_request_exception=False).get("/")
    assert response.status_code == 500 and response["Content-Type"].startswith("text/html")


def test_a_bad_host_header_under_the_api_is_answered_in_json():
    client = Client(raise_request_exception=False)
    response = client.post(PREDICT, {"strokes": ONE}, "application/json", HTTP_HOST="evil.example")
    assert response.status_code == 400 and "Host header" in response.json()["error"]
    page = client.get("/", HTTP_HOST="evil.example")
    assert page.status_code == 400 and page["Content-Type"].startswith("text/html")

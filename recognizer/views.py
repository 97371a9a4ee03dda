"""Views: parse the request, call one function in services, respond."""

from __future__ import annotations

import numpy as np
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.views.decorators.http import require_safe

from . import parsing, services
from .errors import InputError
from .http import api_view, client_address
from .model_store import ModelUnavailable
from .openapi import OPENAPI


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    try:
        models = services.model_choices()
    except ModelUnavailable:
        models = []  # the page still loads; predictions will say the model is missing
    return render(request, "recognizer/index.html", {"models": models})


def read_drawing(request: HttpRequest) -> tuple[bytes | np.ndarray, str | None, dict | None]:
    """The image or pixels, the model asked for, and the JSON body (None for multipart)."""
    if request.content_type == "application/json":
        body = parsing.parse_json_object(request.body)
        source = parsing.image_or_pixels(body, settings.MAX_REQUEST_BYTES)
        return source, parsing.model_name(body.get("model")), body
    if request.content_type == "multipart/form-data":
        source = parsing.uploaded_image(request.FILES)
        return source, parsing.model_name(request.POST.get("model")), None
    raise InputError(
        f"unsupported content type {request.content_type or '(none)'}; send application/json or multipart/form-data",
        415,
    )


@api_view("POST")
def predict(request: HttpRequest) -> JsonResponse:
    source, model, _ = read_drawing(request)
    return JsonResponse(services.predict(source, model).as_json())


@api_view("POST")
def feedback(request: HttpRequest) -> JsonResponse:
    """A drawing with the digit it really is: the same body as predict, plus 'label'."""
    source, model, body = read_drawing(request)
    if body is None:  # multipart: form fields are text, and photos come without strokes
        sample = services.FeedbackSample(source, parsing.form_label(request.POST.get("label")), model)
    else:
        label = parsing.label(body.get("label", parsing.MISSING))
        sample = services.FeedbackSample(source, label, model, parsing.strokes(body.get("strokes")))
    return JsonResponse(services.record_feedback(sample, client_address(request)), status=201)


@require_safe
def feedback_page(request: HttpRequest) -> HttpResponse:
    return render(request, "recognizer/feedback.html", {"stats": services.feedback_stats()})


@api_view("GET", "HEAD")
def csrf(request: HttpRequest) -> JsonResponse:
    """A CSRF token for API clients; the response also sets the matching cookie."""
    return JsonResponse({"csrfToken": get_token(request), "header": "X-CSRFToken"})


@api_view("GET", "HEAD")
def openapi(request: HttpRequest) -> JsonResponse:
    return JsonResponse(OPENAPI)


@require_safe
def network(request: HttpRequest) -> HttpResponse:
    try:
        info = services.network_info()
    except ModelUnavailable:
        info = None
    return render(request, "recognizer/network.html", {"info": info}, status=200 if info else 503)


@require_safe
def network_weights(request: HttpRequest, version: str) -> HttpResponse:
    """The served weights; the version in the URL makes them cacheable for good."""
    try:
        blob = services.network_weights(version)
    except ModelUnavailable:
        return HttpResponse(status=503, headers={"Retry-After": "30"})
    if blob is None:
        raise Http404("those weights are not served any more")
    return HttpResponse(
        blob,
        content_type="application/octet-stream",
        headers={"Cache-Control": "public, max-age=31536000, immutable"},
    )


@require_safe
def model_page(request: HttpRequest, name: str | None = None) -> HttpResponse:
    try:
        report = services.model_report(name)
    except ModelUnavailable as exc:
        raise Http404(str(exc)) from None
    return render(request, "recognizer/model.html", {"report": report})


@api_view("GET", "HEAD")
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers."""
    return JsonResponse({"status": "ok"})


@api_view("GET", "HEAD")
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: the default model is loaded and its SHA-256 checked; 503 otherwise."""
    ready, body = services.readiness()
    return JsonResponse(body, status=200 if ready else 503, headers={} if ready else {"Retry-After": "30"})

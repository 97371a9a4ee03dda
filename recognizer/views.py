"""Views: parse the request, call one function in services, respond."""

from __future__ import annotations

from collections.abc import Mapping

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from nn.ink.raster import PEN_WIDTH
from nn.training.calibrate import SURE, UNSURE_BELOW

from . import parsing, services
from .drawings import Drawing
from .errors import BadInput, NoModel, UnknownModel, UnsupportedType
from .http import RETRY_AFTER, api_view, client_address
from .imaging import FORMATS, SENT_BYTES, SENT_PIXELS, media_type
from .limits import MAX_ASPECT
from .openapi import OPENAPI

# What the pad's canvas is told (templates/recognizer/_pad.html): the pen's width as the
# server draws with, and the widest pad (recognizer/limits.py).
PAD = {"pen_width": PEN_WIDTH, "max_aspect": MAX_ASPECT}


def read_drawing(request: HttpRequest) -> tuple[Drawing, str | None, Mapping]:
    """The drawing, the model asked for, and the other fields (JSON values, or form text)."""
    if request.content_type == "application/json":
        body = parsing.json_object(request.body)
        return (
            parsing.drawing(body, settings.MAX_REQUEST_BYTES),
            parsing.model_name(body.get("model", parsing.MISSING)),
            body,
        )
    if request.content_type == "multipart/form-data":
        image = parsing.uploaded_image(request.FILES)
        return image, parsing.model_name(request.POST.get("model", parsing.MISSING)), request.POST
    raise UnsupportedType(
        f"unsupported content type {request.content_type[:40] or '(none)'}; send application/json or multipart/form-data"
    )


def field(request: HttpRequest, fields: Mapping, name: str, parse, parse_form):
    """A field beside the drawing: a form's text (None when absent) read by `parse_form`, or
    a JSON value (MISSING when absent) read by `parse`; each says whether it may be absent."""
    if request.content_type == "multipart/form-data":
        return parse_form(fields.get(name))
    return parse(fields.get(name, parsing.MISSING))


@api_view("POST", public=True)
def predict(request: HttpRequest) -> JsonResponse:
    drawing, model, fields = read_drawing(request)
    activations = field(request, fields, "activations", parsing.activations, parsing.form_activations)
    answer = services.predict(drawing, model, activations).as_json()
    return JsonResponse(answer, json_dumps_params={"separators": (",", ":")})  # a feature map is long


@api_view("POST")
def labelled_drawing(request: HttpRequest) -> JsonResponse:
    """A drawing with the digit it really is: the same body as predict, plus 'label', and
    'digit' when it labels one digit of a number; or plus 'number', every digit of it."""
    drawing, model, fields = read_drawing(request)
    key = parsing.idempotency_key(request.headers.get("Idempotency-Key"))
    if "number" in fields:
        if "label" in fields or "digit" in fields:
            raise BadInput("send 'number' (every digit of the number) or 'label' (one digit), not both")
        number = parsing.number_label(fields["number"])  # a form's text, or a JSON value
        saved = services.store_labelled_number(drawing, number, model, client_address(request), key)
        return JsonResponse(saved, status=201)
    label = field(request, fields, "label", parsing.label, parsing.form_label)
    digit = field(request, fields, "digit", parsing.digit_index, parsing.form_digit_index)
    return JsonResponse(
        services.store_labelled_drawing(drawing, label, model, client_address(request), key, digit=digit),
        status=201,
    )


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "recognizer/index.html",
        {
            "models": services.model_choices(),
            "model_titles": services.model_titles(),
            "photo_pixels": SENT_PIXELS,
            "photo_bytes": SENT_BYTES,
            "photo_types": ",".join(map(media_type, FORMATS)),
            "pad": PAD,
            "sure": SURE,
            "unsure_below": UNSURE_BELOW,
        },
    )


@require_safe
def labelled_drawings_page(request: HttpRequest) -> HttpResponse:
    return render(request, "recognizer/labelled_drawings.html", {"stats": services.labelled_drawing_stats()})


@api_view("GET", "HEAD")
def csrf(request: HttpRequest) -> JsonResponse:
    """A CSRF token for API clients; the response also sets the matching cookie."""
    return JsonResponse({"csrfToken": get_token(request), "header": "X-CSRFToken"})


@api_view("GET", "HEAD")
def openapi(request: HttpRequest) -> JsonResponse:
    return JsonResponse(OPENAPI)


@require_safe
def network(request: HttpRequest) -> HttpResponse:
    """The page that looks inside a model: the page picks which (?model=, the drawing page's
    choice, or the default), from the served models listed with the URLs of their weights."""
    try:
        models = services.network_models()
    except NoModel:
        models = None
    for model in models or ():
        names = model["weights"]
        model["weights"] = {
            n: reverse("recognizer:network-weights", args=[model["version"], n]) for n in names
        }
    context = {"models": models, "pad": PAD, "sure": SURE, "unsure_below": UNSURE_BELOW}
    return render(request, "recognizer/network.html", context, status=200 if models else 503)


@require_safe
def network_weights(request: HttpRequest, version: str, name: str) -> HttpResponse:
    """One array of the served weights as .npy; the version in the URL makes it cacheable for good."""
    try:
        blob = services.network_weights(version, name)
    except NoModel:
        return HttpResponse(status=503, headers={"Retry-After": str(RETRY_AFTER[NoModel])})
    if blob is None:
        raise Http404("no such weights: the model may have changed")
    return HttpResponse(
        blob,
        content_type="application/octet-stream",
        headers={"Cache-Control": "public, max-age=31536000, immutable"},
    )


@require_safe
def model_page(request: HttpRequest, name: str | None = None) -> HttpResponse:
    try:
        report = services.model_report(name)
    except (UnknownModel, NoModel) as exc:
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
    headers = {} if ready else {"Retry-After": str(RETRY_AFTER[NoModel])}
    return JsonResponse(body, status=200 if ready else 503, headers=headers)

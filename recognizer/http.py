"""HTTP plumbing shared by the API views: JSON errors, method checks, CSRF, limits.

Every failure a client can cause becomes a JSON body {"error": "..."} with a 4xx status;
a missing model becomes a 503 with Retry-After. No traceback ever reaches the client.
"""

from __future__ import annotations

import functools
import logging

from django.conf import settings
from django.core.exceptions import BadRequest, RequestDataTooBig, SuspiciousOperation
from django.db import DatabaseError
from django.http import HttpRequest, JsonResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.defaults import page_not_found

from .errors import InputError
from .model_store import ModelUnavailable

log = logging.getLogger("recognizer")


def json_error(message: str, status: int, **headers) -> JsonResponse:
    return JsonResponse({"error": message}, status=status, headers=headers)


def csrf_failure(request: HttpRequest, reason: str = "") -> JsonResponse:
    return json_error(
        "CSRF check failed: send the csrftoken cookie and the same token in an X-CSRFToken "
        "header (GET /api/csrf gives both)",
        403,
    )


def not_found(request: HttpRequest, exception=None):
    """404s under /api/ are JSON like every other API answer; pages keep Django's."""
    if request.path.startswith("/api/"):
        return json_error(f"no API endpoint at {request.path}; see /api/openapi.json", 404)
    return page_not_found(request, exception)


def reject_early(request: HttpRequest, methods: tuple[str, ...]) -> JsonResponse | None:
    """Answers that need no body: a wrong method (405, before any CSRF check) or a body too large."""
    if request.method not in methods:
        allowed = ", ".join(methods)
        return json_error(f"method {request.method} not allowed; use {allowed}", 405, Allow=allowed)
    length = request.META.get("CONTENT_LENGTH") or "0"
    if not (length.isascii() and length.isdigit()):  # "²".isdigit() is True
        return json_error("the Content-Length header is not a number", 400)
    if int(length) > settings.MAX_REQUEST_BYTES:
        return too_large()
    return None


def too_large() -> JsonResponse:
    return json_error(f"the request body is larger than {settings.MAX_REQUEST_BYTES} bytes", 413)


def error_response(exc: Exception) -> JsonResponse:
    """The JSON answer for any exception: 4xx for what the client sent, 503 without a model,
    and for our own bugs a logged 500 that is still JSON and leaks nothing."""
    if isinstance(exc, InputError):
        return json_error(exc.message, exc.status, **exc.headers)
    if isinstance(exc, RequestDataTooBig):
        return too_large()
    if isinstance(exc, MultiPartParserError | UnreadablePostError | BadRequest | SuspiciousOperation):
        return json_error(f"the request body cannot be parsed ({type(exc).__name__})", 400)
    if isinstance(exc, DatabaseError):  # e.g. locked past the busy timeout, or the server is down
        log.error("database unavailable: %s", exc)
        return json_error("the database is busy; try again shortly", 503, **{"Retry-After": "5"})
    if isinstance(exc, ModelUnavailable):
        log.error("prediction refused, no model: %s", exc)
        return json_error("the model is not loaded; try again shortly", 503, **{"Retry-After": "30"})
    # A bug of ours, not the client's: log it whole, answer JSON without the details.
    log.exception("unexpected error in %s", type(exc).__name__)
    return json_error("internal error; it has been logged", 500)


def client_address(request: HttpRequest) -> str:
    """The client's address, for the rate limit: behind the proxy, the one it appended last."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if settings.BEHIND_PROXY and forwarded:
        return forwarded.rsplit(",", 1)[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def api_view(*methods: str):
    """Wrap a view: answer wrong methods with 405 before the CSRF check, then turn errors into JSON."""

    def decorate(view):
        protected = csrf_protect(view)

        @csrf_exempt  # the CSRF check runs inside, after the method check
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs):
            early = reject_early(request, methods)
            if early is not None:
                return early
            try:
                return protected(request, *args, **kwargs)
            except Exception as exc:  # every failure becomes a JSON answer
                return error_response(exc)

        return wrapper

    return decorate

"""HTTP plumbing shared by the API views: the one table from what went wrong to a status,
JSON errors, method checks, CSRF and CORS.

Every failure a client can cause becomes a JSON body {"error": "..."} with a 4xx status; a
missing model or a busy database becomes a 503 with Retry-After, on a page too (a database
older than the site is a 503 that says to migrate it: waiting will not help). Anything
else is a bug of ours: it goes through Django's 500 path (logged, signalled), and
server_error answers it.
"""

from __future__ import annotations

import functools
import logging
import sys

from django.conf import settings
from django.core.exceptions import BadRequest, RequestDataTooBig, SuspiciousOperation
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.defaults import bad_request as page_bad_request
from django.views.defaults import server_error as page_server_error

from . import labelled_drawings
from .errors import (
    BadInput,
    BlankDrawing,
    KeyReused,
    NoModel,
    NotADigit,
    RateLimited,
    StorageFull,
    TooLarge,
    UnknownModel,
    UnsupportedType,
)
from .limits import MAX_JSON_BYTES

# What went wrong -> its status. The most specific class an exception is an instance of decides.
STATUS: dict[type[Exception], int] = {
    UnknownModel: 400,
    UnsupportedType: 415,
    TooLarge: 413,
    BadInput: 400,
    BlankDrawing: 422,
    NotADigit: 422,
    KeyReused: 409,
    RateLimited: 429,  # with its own retry time
    StorageFull: 507,
    NoModel: 503,
    DatabaseError: 503,  # locked past the busy timeout, or the server is down
    RequestDataTooBig: 413,
    MultiPartParserError: 400,
    UnreadablePostError: 400,
    BadRequest: 400,
    SuspiciousOperation: 400,
}
RETRY_AFTER = {NoModel: 30, DatabaseError: 5}  # seconds to wait before trying again
# Django's and the database's own words are not for clients: these say it instead.
MESSAGES = {
    NoModel: "the model is not loaded; try again shortly",
    DatabaseError: "the database is busy; try again shortly",
    RequestDataTooBig: f"the request body is larger than {settings.MAX_REQUEST_BYTES} bytes",
    MultiPartParserError: "the multipart body cannot be parsed",
    UnreadablePostError: "the request body cannot be read",
    BadRequest: "the request body cannot be parsed",
    SuspiciousOperation: "the request body cannot be parsed",
}
# Answers that a page tells apart by more than their status carry a code beside the error.
CODES = {BlankDrawing: "blank", NotADigit: "not_a_digit"}
HANDLED = tuple(STATUS)
log = logging.getLogger("recognizer")


def json_error(message: str, status: int, code: str | None = None, **headers) -> JsonResponse:
    body = {"error": message} if code is None else {"error": message, "code": code}
    return JsonResponse(body, status=status, headers=headers)


def error_response(exc: Exception) -> JsonResponse:
    """The JSON answer for one of the exceptions in STATUS."""
    kind = next(k for k in type(exc).__mro__ if k in STATUS)
    status = STATUS[kind]
    retry = exc.retry_after if isinstance(exc, RateLimited) else RETRY_AFTER.get(kind)
    message = MESSAGES.get(kind, str(exc))
    if kind is DatabaseError and labelled_drawings.behind_the_site():
        message, retry = labelled_drawings.BEHIND, None
    headers = {"Retry-After": str(retry)} if retry is not None else {}
    if status >= 500:  # ours to fix, or to wait out: worth a line in the log
        log.error("answered %d: %s", status, exc)
    return json_error(message, status, CODES.get(kind), **headers)


def csrf_failure(request: HttpRequest, reason: str = "") -> JsonResponse:
    return json_error(
        "CSRF check failed: send the csrftoken cookie and the same token in an X-CSRFToken "
        "header (GET /api/csrf gives both)",
        403,
    )


def not_found(request: HttpRequest, exception=None):
    """404s under /api/ are JSON like every other API answer; a page's is the site's own
    page, saying what the view said (an unknown model) or which address has no page."""
    if request.path.startswith("/api/"):
        bare = request.path.rstrip("/")
        if bare != request.path and is_endpoint(bare):
            return json_error(f"no API endpoint at {request.path[:200]}; drop the final slash: {bare}", 404)
        return json_error(f"no API endpoint at {request.path[:200]}; see /api/openapi.json", 404)
    said = getattr(exception, "args", None) or [None]  # a view's message; the URL resolver's is no text
    message = said[0] if isinstance(said[0], str) else None
    return render(request, "404.html", {"message": message, "request_path": request.path[:200]}, status=404)


def is_endpoint(path: str) -> bool:
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def bad_request(request: HttpRequest, exception=None):
    """Django's 400 handler (a bad Host header, a malformed request): JSON under /api/."""
    if request.path.startswith("/api/"):
        return json_error("bad request: the Host header or the request itself is not acceptable", 400)
    return page_bad_request(request, exception)


UNAVAILABLE_PAGE = (
    "<!doctype html><html lang=en><meta charset=utf-8><title>Back shortly</title>"
    "<h1>Back shortly</h1><p>The site's database is not answering; try again in a few seconds.</p></html>"
)
BEHIND_PAGE = (
    "<!doctype html><html lang=en><meta charset=utf-8><title>Not set up yet</title><h1>Not set up yet</h1>"
    f"<p>This page needs the database, and {labelled_drawings.BEHIND}.</p></html>"
)


def server_error(request: HttpRequest):
    """Django's 500 handler (the error is already logged): JSON under /api/, a page
    elsewhere. A database that does not answer, wherever it failed (a page, the admin, a
    middleware), is a 503 to wait out, not a bug."""
    failure = sys.exc_info()[1]
    if isinstance(failure, DatabaseError):
        if request.path.startswith("/api/"):
            return error_response(failure)
        if labelled_drawings.behind_the_site():
            return HttpResponse(BEHIND_PAGE, status=503)
        retry = str(RETRY_AFTER[DatabaseError])
        return HttpResponse(UNAVAILABLE_PAGE, status=503, headers={"Retry-After": retry})
    if request.path.startswith("/api/"):
        return json_error("internal error; it has been logged", 500)
    return page_server_error(request)


def reject_early(request: HttpRequest, methods: tuple[str, ...]) -> JsonResponse | None:
    """Answers that need no body: a wrong method (405, before any CSRF check), a body of
    unknown length (411) or one too large (413)."""
    if request.method not in methods:
        allowed = ", ".join(methods)
        return json_error(f"method {request.method} not allowed; use {allowed}", 405, Allow=allowed)
    if "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
        # WSGI would read a chunked body as empty: say so rather than answer about nothing.
        return json_error("send the body with a Content-Length, not chunked", 411)
    length = request.META.get("CONTENT_LENGTH") or "0"
    if not (length.isascii() and length.isdigit()):  # "²".isdigit() is True
        return json_error("the Content-Length header is not a number", 400)
    limit = MAX_JSON_BYTES if request.content_type == "application/json" else settings.MAX_REQUEST_BYTES
    if int(length) > limit:
        if int(length) <= settings.MAX_REQUEST_BYTES:
            drain(request)  # else the proxy, still sending it, sees the connection close: a 503
        return json_error(f"the request body is larger than {limit} bytes", 413)
    return None


def drain(request: HttpRequest, chunk: int = 1 << 16) -> None:
    """Read and drop a body that will not be used (at most MAX_REQUEST_BYTES: the proxy has
    buffered it, so this takes a few milliseconds)."""
    while request.read(chunk):
        pass


def client_address(request: HttpRequest) -> str:
    """The client's address, for the rate limit: behind the proxy, the one it appended last."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if settings.BEHIND_PROXY and forwarded:
        return forwarded.rsplit(",", 1)[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


ANY_ORIGIN = {"Access-Control-Allow-Origin": "*"}  # any origin may ask: no cookie is ever read
PREFLIGHT = {
    **ANY_ORIGIN,
    "Access-Control-Allow-Methods": "POST, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type",
    "Access-Control-Max-Age": "86400",
}


def api_view(*methods: str, public: bool = False):
    """Wrap an API view: 405 for wrong methods before anything else, then the CSRF check,
    then the view, with the exceptions in STATUS answered as JSON.

    A `public` view is stateless (it reads no cookie and changes nothing), so it needs no
    CSRF token and any origin may call it (CORS, preflight included)."""

    def decorate(view):
        inner = view if public else csrf_protect(view)

        @csrf_exempt  # the CSRF check, if any, runs inside, after the method check
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs):
            if public and request.method == "OPTIONS":
                return HttpResponse(status=204, headers=PREFLIGHT)
            response = reject_early(request, methods)
            if response is None:
                try:
                    response = inner(request, *args, **kwargs)
                except HANDLED as exc:
                    response = error_response(exc)
            if public:
                response["Access-Control-Allow-Origin"] = ANY_ORIGIN["Access-Control-Allow-Origin"]
            if not response.has_header("Cache-Control"):
                response["Cache-Control"] = "no-store"  # answers about one request, tokens, status
            return response

        return wrapper

    return decorate

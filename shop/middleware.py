"""Request-level guards that must run before host validation or anything reads the body.

``HealthCheckMiddleware`` answers ``GET /healthz/`` (the container health
check) before ``ALLOWED_HOSTS`` and the SSL redirect apply: the check runs
inside the container against 127.0.0.1 over plain HTTP, which production
settings rightly refuse for every other path. It says only "ok" or
"database unavailable".

``RequestSizeLimitMiddleware`` answers 413 from the ``Content-Length`` header
alone, before CSRF or the multipart parser read a byte, so a 600 MB body is
never read, buffered or written to a temporary file. Django's WSGI request
reads at most ``Content-Length`` bytes, so a client cannot send more than it
declared either.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django.template import loader

_MIB = 1024 * 1024


def body_limit(path: str) -> int:
    """The most bytes a request body to ``path`` may have (admin uploads get more)."""
    if path.startswith(tuple(settings.ADMIN_PATH_PREFIXES)):
        return settings.ADMIN_REQUEST_MAX_BYTES
    return settings.REQUEST_MAX_BYTES


HEALTH_PATH = "/healthz/"


class HealthCheckMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path != HEALTH_PATH or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except DatabaseError:
            return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
        return HttpResponse("ok\n", content_type="text/plain")


class RequestSizeLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = -1
        limit = body_limit(request.path)
        if declared < 0 or declared > limit:
            return too_large(declared, limit)
        return self.get_response(request)


def too_large(declared: int, limit: int) -> HttpResponse:
    if declared < 0:
        reason = "The request's Content-Length header is not a number."
        status = 400
    else:
        reason = (
            f"The upload is {declared / _MIB:.0f} MB; at most {limit / _MIB:.0f} MB can be sent "
            "at once. Please choose a smaller photo."
        )
        status = 413
    body = loader.get_template("400.html").render({"reason": reason})
    return HttpResponse(body, status=status)

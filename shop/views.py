"""Error pages rendered with the site layout."""

from __future__ import annotations

import mimetypes
import posixpath

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError, TooManyFilesSent
from django.shortcuts import render
from django.template import loader

from shop.storage import TMP_PREFIX


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def _bad_request_reason(exception: Exception | None) -> str:
    """Our own words for why a request could not be read (never the exception's text)."""
    if isinstance(exception, RequestDataTooBig):
        return "The form sent more data than this page accepts."
    if isinstance(exception, (TooManyFieldsSent, TooManyFilesSent)):
        return "The form sent too many fields or files."
    if isinstance(exception, MultiPartParserError):
        if "header size" in str(exception):
            return (
                "A part of the form has headers that are too long, usually a file name of "
                "hundreds of characters. Please rename the file and try again."
            )
        return "The upload could not be read; it may have been cut off. Please try again."
    return "The request could not be understood. Please go back and try again."


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """A 400 that says what was wrong (Django's default says only "Bad Request (400)")."""
    context = {"reason": _bad_request_reason(exception)}
    return HttpResponse(loader.get_template("400.html").render(context), status=400)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors or database access: whatever broke may be one of them.
    return HttpResponse(loader.get_template("500.html").render(), status=500)


def store_unavailable(request: HttpRequest) -> HttpResponse:
    """503 "try again": the media store is down or slow; nothing was half-stored.

    Rendered without context processors or the database (they are not the problem,
    but this page must not depend on them). ``Retry-After`` tells clients when to retry.
    """
    # The same path again: for a GET the page itself, for a form POST (Django's forms post to
    # their own page) the empty form, to send again.
    body = loader.get_template("503.html").render({"retry_url": request.path})
    response = HttpResponse(body, status=503)
    response["Retry-After"] = "30"
    return response


def public_media(request: HttpRequest, path: str) -> FileResponse:
    """Public media (mockups, style samples, gallery images) streamed from the public store.

    Used where no CDN / public bucket address is configured (``MEDIA_PUBLIC_URL``): the
    embedded stack, CI, and an S3 deployment that keeps the bucket private to the app.
    Private media is in another store and is never reachable here.
    """
    name = posixpath.normpath(path).lstrip("/")
    if not path or name.startswith(("..", f"{TMP_PREFIX}/")) or "\0" in name:
        raise Http404("No such file")
    try:
        fh = default_storage.open(name, "rb")
    except (FileNotFoundError, SuspiciousOperation, IsADirectoryError):
        raise Http404("No such file") from None
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(fh, content_type=content_type)
    response["Cache-Control"] = "public, max-age=3600"
    return response

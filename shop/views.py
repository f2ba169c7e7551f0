"""Error pages rendered with the site layout."""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError, TooManyFilesSent
from django.shortcuts import render
from django.template import loader


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

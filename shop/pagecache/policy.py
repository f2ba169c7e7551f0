"""Which requests may be answered from the shared cache and which responses may be stored.

Pure functions of the request/response, so every rule is testable on its own and the
middleware stays a few lines. Each check returns a short reason (for logs and tests) or
``None`` when the request/response passes.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import cc_delim_re

from shop.pagecache.marks import Mark

CSRF_FIELD = b"csrfmiddlewaretoken"
# Cache-Control directives a view sets when its page must not be shared.
PRIVATE_DIRECTIVES = {"private", "no-store", "no-cache"}


def bypass_reason(request: HttpRequest) -> str | None:
    """Why ``request`` must be rendered for itself, or ``None`` if the cache may answer it.

    Any cookie except the ignored ones (the CSRF cookie) bypasses: the session cookie means a
    signed-in header, a cart, messages or a Wagtail password pass, and an unknown cookie may
    mean something a later view reads. So does an ``Authorization`` header.
    """
    if request.method not in ("GET", "HEAD"):
        return "method"
    if request.path_info.startswith(tuple(settings.PAGE_CACHE_SKIP_PREFIXES)):
        return "path"
    if "HTTP_AUTHORIZATION" in request.META:
        return "authorization"
    ignored = set(settings.PAGE_CACHE_IGNORED_COOKIES)
    if any(name not in ignored for name in request.COOKIES):
        return "cookie"
    return None


def page_key(request: HttpRequest) -> str:
    """One key per scheme, host and full path with query. ``get_host`` validates the Host
    header against ``ALLOWED_HOSTS`` (a bad one is a 400, as without the cache)."""
    raw = f"{request.scheme}|{request.get_host()}|{request.get_full_path()}"
    return "pagecache:page:" + hashlib.sha256(raw.encode()).hexdigest()


def _header_values(response: HttpResponseBase, name: str) -> set[str]:
    return {v.strip().lower() for v in cc_delim_re.split(response.get(name, "")) if v.strip()}


def store_refusal(request: HttpRequest, response: HttpResponseBase, mark: Mark) -> str | None:
    """Why ``response`` must not be shared with other anonymous visitors, or ``None``."""
    if request.method != "GET":
        return "method"
    if response.status_code != 200:
        return "status"
    if response.streaming:
        return "streaming"
    if response.cookies or response.has_header("Set-Cookie"):
        return "sets a cookie"
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return "authenticated"
    if set(request.GET) - mark.query:
        return "unexpected query parameter"
    directives = {d.split("=", 1)[0] for d in _header_values(response, "Cache-Control")}
    if directives & PRIVATE_DIRECTIVES:
        return "private cache-control"
    if _header_values(response, "Vary") - {"cookie"}:
        return "varies on a header the key does not hold"
    if "'nonce-" in response.get("Content-Security-Policy", ""):
        return "CSP nonce"  # a nonce shared between visitors is no nonce
    if CSRF_FIELD in response.content:
        return "CSRF token in the page"
    return None

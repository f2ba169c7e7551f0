"""The page cache's fast path: a hit is answered after one cache round trip.

It sits right after ``SecurityMiddleware`` (the SSL redirect and HSTS still apply to hits)
and before sessions, CSRF, authentication, messages and the page itself, which is what makes
a hit cheap. Everything those later layers add to a response — the Content-Security-Policy,
``X-Frame-Options``, ``Vary`` — is part of the stored response and replayed as it was sent.

One ``get_many`` reads the scopes' tokens and the page together. A miss renders as usual
and, if the view marked the request and ``policy.store_refusal`` finds nothing wrong, stores
the response under the tokens read *before* rendering: a page built from rows an editor
changed meanwhile carries a token that is already dead. The cache being down never breaks a
page: the request is served uncached and a warning is logged.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.http import HttpRequest, HttpResponse, HttpResponseBase

from shop.pagecache import generations, policy
from shop.pagecache.marks import mark_of

log = logging.getLogger(__name__)

HEADER = "X-Page-Cache"
TOKEN_KEYS = [generations.token_key(s) for s in generations.SCOPES]

# (tokens of the scopes the page depends on, status, headers, body)
Entry = tuple[dict[str, str], int, list[tuple[str, str]], bytes]


class PageCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        if settings.PAGE_CACHE_SECONDS <= 0:
            raise MiddlewareNotUsed("PAGE_CACHE_SECONDS is 0: the page cache is off")
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if policy.bypass_reason(request) is not None:
            return self.get_response(request)
        key = policy.page_key(request)
        try:
            found = generations.page_cache().get_many([*TOKEN_KEYS, key])
            tokens = generations.ensure_tokens(found)
        except Exception:  # any cache backend's outage: serve the page uncached
            log.warning("page cache unavailable; serving %s uncached", request.path, exc_info=True)
            return self.get_response(request)
        entry: Entry | None = found.get(key)
        if entry is not None and all(tokens.get(s) == t for s, t in entry[0].items()):
            return _replay(entry, head=request.method == "HEAD")
        response = self.get_response(request)
        mark = mark_of(request)
        if mark is not None:
            refusal = policy.store_refusal(request, response, mark)
            if refusal is None:
                _store(key, {s: tokens[s] for s in mark.scopes}, response)
            else:
                log.debug("page cache: not storing %s (%s)", request.path, refusal)
        return response


def _replay(entry: Entry, *, head: bool) -> HttpResponse:
    _, status, headers, body = entry
    response = HttpResponse(b"" if head else body, status=status)
    for name, value in headers:
        response[name] = value
    response[HEADER] = "hit"
    return response


def _store(key: str, tokens: dict[str, str], response: HttpResponseBase) -> None:
    headers = [
        (k, v) for k, v in response.items() if k.lower() not in {"set-cookie", "x-page-cache"}
    ]
    entry: Entry = (tokens, response.status_code, headers, response.content)
    try:
        generations.page_cache().set(key, entry, timeout=settings.PAGE_CACHE_SECONDS)
    except Exception:
        log.warning("page cache unavailable; %s not stored", key, exc_info=True)
        return
    response[HEADER] = "miss"

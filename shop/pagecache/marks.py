"""How a view says "my anonymous GET response may be shared": a mark on the request.

The middleware stores only responses of marked requests, so a page is cached because its
view opted in and its content is covered by ``shop.pagecache.invalidation`` — never merely
because a URL happened to answer 200. Wagtail pages are marked by ``shop.wagtail_hooks``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps

from django.http import HttpRequest, HttpResponse

from shop.pagecache.generations import ALL, SCOPES

ATTRIBUTE = "page_cache_mark"


@dataclass(frozen=True)
class Mark:
    """``query``: the query parameters the page reads (any other parameter, e.g. a tracking
    tag, makes the response unstored: a cache key per made-up query string is a cache filler).
    ``scopes``: the generation scopes its content depends on (``ALL`` always)."""

    query: frozenset[str] = frozenset()
    scopes: tuple[str, ...] = (ALL,)


def mark(request: HttpRequest, *, query: Iterable[str] = (), scopes: Iterable[str] = ()) -> None:
    extra = tuple(s for s in scopes if s != ALL)
    unknown = set(extra) - set(SCOPES)
    if unknown:
        raise ValueError(f"unknown page-cache scopes {sorted(unknown)}")
    setattr(request, ATTRIBUTE, Mark(query=frozenset(query), scopes=(ALL, *extra)))


def mark_of(request: HttpRequest) -> Mark | None:
    return getattr(request, ATTRIBUTE, None)


def cache_for_anonymous(
    *, query: Iterable[str] = (), scopes: Iterable[str] = ()
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """View decorator: the response to an anonymous GET may be served to every anonymous GET
    of the same URL until content in ``scopes`` changes."""
    query, scopes = tuple(query), tuple(scopes)

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
            mark(request, query=query, scopes=scopes)
            return view(request, *args, **kwargs)

        return wrapped

    return decorate

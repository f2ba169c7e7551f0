"""Generation tokens: how one write makes every cached page built from old content unusable.

A cached page remembers the token of each scope it depends on; it is served only while all
of them are still current. ``changed`` replaces a scope's token once the surrounding
transaction commits (a page rendered from the old rows before the commit is stored under the
old token, so it dies with it). Tokens are random rather than counters: if the cache evicts a
token, the new one cannot collide with a token that old entries still carry.

Scopes: ``all`` (every cached page) and ``likes`` (like counts, shown only by the gallery
listing, so a like does not empty the home page and the catalogue).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.db import transaction

log = logging.getLogger(__name__)

ALL = "all"
LIKES = "likes"
SCOPES = (ALL, LIKES)
_PREFIX = "pagecache:gen:"


def page_cache() -> BaseCache:
    return caches[settings.PAGE_CACHE_ALIAS]


def token_key(scope: str) -> str:
    return _PREFIX + scope


def new_token() -> str:
    return secrets.token_hex(8)


def bump(scope: str = ALL) -> None:
    """Replace ``scope``'s token now (no transaction awareness: prefer ``changed``)."""
    if scope not in SCOPES:
        raise ValueError(f"unknown page-cache scope {scope!r}")
    page_cache().set(token_key(scope), new_token(), timeout=None)


def changed(scope: str = ALL, *, using: str | None = None) -> None:
    """Content in ``scope`` changed: replace its token after the current transaction commits.

    Immediately when no transaction is open. ``robust``: a cache outage at that moment is
    logged, never turned into an error after the rows were already committed.
    """
    if scope not in SCOPES:
        raise ValueError(f"unknown page-cache scope {scope!r}")
    transaction.on_commit(lambda: bump(scope), using=using, robust=True)


def ensure_tokens(found: dict[str, object], scopes: Iterable[str] = SCOPES) -> dict[str, str]:
    """The current token of each scope, creating any the cache does not hold (first use,
    eviction, a flushed cache). ``found`` is what a ``get_many`` already returned."""
    tokens: dict[str, str] = {}
    cache = page_cache()
    for scope in scopes:
        value = found.get(token_key(scope))
        if value is None:
            cache.add(token_key(scope), new_token(), timeout=None)
            value = cache.get(token_key(scope))
        tokens[scope] = str(value)
    return tokens

"""The storefront's shared page cache: anonymous catalogue and content pages served from the
configured Django cache (Redis in production), invalidated by generation tokens.

- ``generations``: one random token per scope (``all``, ``likes``); a change anywhere in the
  content a cached page was built from replaces its scope's token after the transaction
  commits, so every entry stored under the old token is dead at once, on every process.
- ``marks``: views opt in (``cache_for_anonymous``; Wagtail pages through ``shop.wagtail_hooks``).
- ``policy``: which requests may be answered from the cache, which responses may be stored.
- ``middleware``: the fast path, placed right after Django's ``SecurityMiddleware``.
- ``invalidation``: the model signals that call ``changed``.

Lower apps call ``changed()`` after writes the model signals cannot see (``QuerySet.update``).
"""

from __future__ import annotations

from shop.pagecache.generations import ALL, LIKES, changed
from shop.pagecache.marks import cache_for_anonymous

__all__ = ["ALL", "LIKES", "cache_for_anonymous", "changed"]

"""Wagtail hooks of the site as a whole."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from wagtail import hooks

from shop.pagecache import marks


@hooks.register("before_serve_page")
def share_anonymous_page_views(page: Any, request: HttpRequest, *args: Any) -> None:
    """Every live Wagtail page may be served from the shared page cache to anonymous visitors
    (``shop.pagecache``): its content is covered by the invalidation table. A page type whose
    output depends on the request opts out with ``page_cache = False``; one with a form is
    refused at store time anyway (CSRF token in the body)."""
    if getattr(page, "page_cache", True):
        marks.mark(request)

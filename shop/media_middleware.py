"""The media store being down or slow is a 503 "try again", never a 500.

Any view (upload, design, checkout, gallery, vendor download) may touch the store;
rather than each catching boto's errors, this turns an exception that
``shop.media.store_unavailable`` recognises into the 503 page. Services write
files before rows and clean up what they stored when a later write fails, so a
shopper who sees this page has lost nothing and can resubmit the form.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from shop.media import store_unavailable

log = logging.getLogger(__name__)


class StoreUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not store_unavailable(exception):
            return None
        from shop.views import store_unavailable as page

        log.warning(
            "media store unavailable during %s %s: %r", request.method, request.path, exception
        )
        return page(request)

"""What the pay page adds to the Content-Security-Policy so Stripe.js can run.

Read from settings when the page is served, not at import: tests and ``make run``
point ``STRIPE_JS_URL`` / ``STRIPE_API_BASE`` at the local emulator on its own
port, production at Stripe. Only the pay page gets these origins; every other shop
page keeps the strict default from ``settings.CONTENT_SECURITY_POLICY``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponseBase

# Stripe's published requirements for Stripe.js (https://docs.stripe.com/security/guide#content-security-policy).
STRIPE_FRAME_ORIGINS = [
    "https://js.stripe.com",
    "https://*.js.stripe.com",
    "https://hooks.stripe.com",
]
STRIPE_API_ORIGIN = "https://api.stripe.com"


def origin(url: str) -> str:
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        raise ValueError(f"not an absolute URL: {url!r}")
    return f"{parts.scheme}://{parts.netloc}"


def stripe_policy() -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """(directives to extend, directives to replace) for a page that loads Stripe.js."""
    script = origin(settings.STRIPE_JS_URL)
    if settings.STRIPE_API_BASE:
        # The emulator: Stripe.js and the API on one local origin, its card form drawn in-page.
        return {"script-src": [script], "connect-src": [origin(settings.STRIPE_API_BASE)]}, {}
    return (
        {"script-src": [script, "https://*.js.stripe.com"], "connect-src": [STRIPE_API_ORIGIN]},
        {"frame-src": STRIPE_FRAME_ORIGINS},
    )


def allows_stripe_js(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Widen this view's CSP by exactly what Stripe.js needs (django-csp reads these attributes)."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(*args, **kwargs)
        update, replace = stripe_policy()
        response._csp_update = update  # type: ignore[attr-defined]
        response._csp_replace = replace  # type: ignore[attr-defined]
        return response

    return wrapped

"""Abuse limits: request rates per client on the expensive or guessable forms.

The rules live in ``settings.RATE_LIMITS`` (rates from the environment, see the
README); this middleware applies them with django-ratelimit's counters, which
live in the ``default`` cache. The cache must be shared between processes in
production (Redis, ``CACHE_URL``) for a limit to hold across gunicorn workers.

A refused request gets a 429 page that says which limit it hit and when to try
again (also in ``Retry-After``). Sign-in forms are limited per client address
and per username, counted on every attempt: after a burst of wrong passwords
even the right one waits for the window to end, and then works again.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django_ratelimit.core import get_usage


@lru_cache(maxsize=64)
def _pattern(regex: str) -> re.Pattern[str]:
    return re.compile(regex)


def _limited(request: HttpRequest) -> tuple[dict, int] | None:
    """The first rule ``request`` exceeds, and the seconds until every key of it is free again.

    The request counts against each key of each matching rule (keys have their own windows).
    """
    for name, rule in settings.RATE_LIMITS.items():
        if request.method not in rule["methods"] or not _pattern(rule["path"]).match(request.path):
            continue
        limited, waits = False, [0]
        for key in rule["keys"]:
            usage = get_usage(
                request, group=f"{name}:{key}", key=key, rate=rule["rate"], increment=True
            )
            if usage is None:
                continue
            limited = limited or usage["should_limit"]
            if usage["count"] >= usage["limit"]:  # the next request on this key would be refused
                # The window still holds during its last whole second (time_left 0): +1.
                waits.append(int(usage["time_left"]) + 1)
        if limited:
            return rule, max(waits)
    return None


class RateLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        hit = _limited(request)
        if hit is None:
            return self.get_response(request)
        rule, seconds = hit
        wait = max(seconds, 1)
        reason = f"{rule['message']} Please wait {_duration(wait)} and try again."
        body = loader.get_template("429.html").render({"reason": reason})
        response = HttpResponse(body, status=429)
        response["Retry-After"] = str(wait)
        return response


def _duration(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = round(seconds / 60)
    return f"{minutes} minutes"


def sign_in_name(group: str, request: HttpRequest) -> str:
    """The name a sign-in form was given, whichever form it was (a django-ratelimit key).

    Django's and Wagtail's forms call the field ``username``; allauth's calls it ``login``
    (an e-mail address or a username). Case-folded so ``Kiki@x`` and ``kiki@x`` share a
    counter; a post without a name counts under the client address instead of one shared
    empty-name counter that would throttle everyone.
    """
    name = (request.POST.get("login") or request.POST.get("username") or "").strip().casefold()
    return f"name:{name}" if name else f"no-name:{request.META.get('REMOTE_ADDR', '')}"

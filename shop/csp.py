"""Content-Security-Policy: django-csp's middleware with a separate policy for the admin.

Shop pages get ``settings.CONTENT_SECURITY_POLICY`` (our own scripts and styles only;
a view may widen it for its own response, as the pay page does for Stripe.js in
``orders.csp``). Wagtail's and Django's admin templates carry inline scripts and
style attributes we do not own, so paths under ``settings.CSP_ADMIN_URL_PREFIXES``
get ``settings.CSP_ADMIN_DIRECTIVES`` instead of no policy at all: inline code is
allowed there, other origins still are not.
"""

from __future__ import annotations

from csp.middleware import CSPMiddleware, PolicyParts
from csp.utils import default_config
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase


def is_admin_path(path: str) -> bool:
    return path.startswith(tuple(settings.CSP_ADMIN_URL_PREFIXES))


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and parts.config is None and is_admin_path(request.path_info):
            parts.config = default_config(settings.CSP_ADMIN_DIRECTIVES)
        return parts

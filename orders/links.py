"""Signed links to an order page: the unguessable token plus an HMAC of it.

The link in the confirmation email works for whoever holds it; without the
signature only the order's session, its signed-in owner or staff see it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.signing import Signer
from django.urls import reverse
from django.utils.crypto import constant_time_compare

from orders.models import Order

_SALT = "orders.order-page"


def signature(order: Order) -> str:
    return Signer(salt=_SALT).signature(str(order.token))


def is_valid(order: Order, candidate: str | None) -> bool:
    return bool(candidate) and constant_time_compare(signature(order), candidate or "")


def order_path(order: Order) -> str:
    return f"{reverse('orders:order', args=[order.token])}?key={signature(order)}"


def order_url(order: Order) -> str:
    return f"{settings.SITE_URL}{order_path(order)}"

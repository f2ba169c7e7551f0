"""Read-side queries of the orders app, scoped to who is asking."""

from __future__ import annotations

from django.db.models import QuerySet

from orders.models import Order, ShippingRate
from styling.models import Design
from styling.selectors import Owner, designs_for


def designs_for_owner(*, session_key: str | None, user=None) -> QuerySet[Design]:  # type: ignore[no-untyped-def]
    """Designs the browser session (or the signed-in user) owns: styling's ownership rule."""
    user_id = user.pk if user is not None and user.is_authenticated else None
    owner = Owner(session=session_key or "", user_id=user_id) if session_key or user_id else None
    return designs_for(owner)


def shipping_rate_for(country: str) -> ShippingRate | None:
    """The active rate listing ``country``, else the active catch-all rate (no countries)."""
    country = country.strip().upper()
    rates = list(ShippingRate.objects.filter(is_active=True))
    for rate in rates:
        if country in rate.country_codes:
            return rate
    return next((rate for rate in rates if not rate.country_codes), None)


def orders_for_user(user) -> QuerySet[Order]:  # type: ignore[no-untyped-def]
    return Order.objects.filter(user=user).prefetch_related("lines")


def order_for_session(*, token: str, session_key: str | None) -> Order | None:
    if not session_key:
        return None
    return Order.objects.filter(token=token, owner_session=session_key).first()

"""Connections between apps that must not import each other (shop may import them all)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest
from django.urls import reverse


def connect() -> None:
    from styling import hooks

    hooks.on_design_added(add_design_to_cart)


def add_design_to_cart(request: HttpRequest, design) -> str | None:  # type: ignore[no-untyped-def]
    """ "Add to cart" in the placement editor: the new design goes into the orders cart."""
    from orders.cart import Cart
    from orders.exceptions import DesignNotOrderable
    from orders.rules import check_orderable

    try:
        check_orderable(design, currency=settings.SHOP_CURRENCY)
    except DesignNotOrderable as exc:
        messages.error(request, f"Saved to your designs, but not added to the cart: {exc}")
        return None
    count = Cart(request.session).add(design, 1)
    messages.success(request, f"Added to your cart ({count} × {design.variant}).")
    return reverse("orders:cart")

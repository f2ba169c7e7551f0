"""Shared steps for orders tests: a shopper's session with a design, checkout, waiting on webhooks."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.test import Client

from orders.models import Order
from orders.tests.factories import ShippingRateFactory
from styling.tests.factories import DesignFactory

ADDRESS = {
    "email": "kiki@example.com",
    "name": "Kiki Delivery",
    "line1": "1 Bakery Lane",
    "line2": "",
    "city": "Koriko",
    "postal_code": "12345",
    "country": "US",
}
GOOD_CARD = "4242424242424242"
DECLINED_CARD = "4000000000000341"  # localstripe: attaches, then the charge is declined


def shopper_with_design(client: Client, **design_kwargs: object):  # type: ignore[no-untyped-def]
    """A browser session owning one orderable design ($18.00 mug), and shipping rates."""
    ShippingRateFactory()
    ShippingRateFactory(code="world", name="Rest of world", amount_minor=1500, countries="")
    session = client.session  # the test client creates and saves a session
    return DesignFactory(job__upload__owner_session=session.session_key, **design_kwargs)


def checkout(client: Client, design, quantity: int = 2, **tampering: object) -> Order:  # type: ignore[no-untyped-def]
    """Add ``design`` to the cart, submit the checkout form and open the payment page."""
    response = client.post("/cart/add/", {"design": str(design.pk), "quantity": quantity})
    assert response.status_code == 302
    response = client.post("/checkout/", {**ADDRESS, **tampering})
    assert response.status_code == 302, response.content.decode()[:2000]
    order = Order.objects.get(token=response.url.split("/")[2])
    page = client.get(response.url)
    assert page.status_code == 200, page.content.decode()[:2000]
    order.refresh_from_db()
    return order


def wait_for(predicate: Callable[[], bool], timeout: float = 15.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.1)


def wait_for_status(order: Order, status: str, timeout: float = 15.0) -> Order:
    def reached() -> bool:
        order.refresh_from_db()
        return order.status == status

    wait_for(reached, timeout, f"order {order.number} to become {status}")
    return order

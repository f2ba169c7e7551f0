"""One cart gives exactly one order, however often and however concurrently it is submitted."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test import Client

from orders.models import Order, OrderStatus
from orders.tests.helpers import ADDRESS, shopper_with_design

pytestmark = pytest.mark.django_db(transaction=True)

SUBMISSIONS = 12


def _submit_concurrently(client: Client, data: dict[str, str], count: int) -> list[int | str]:
    """POST ``/checkout/`` ``count`` times at once from the same browser session."""
    cookie = client.cookies["sessionid"].value
    barrier = threading.Barrier(count)
    results: list[int | str] = []
    lock = threading.Lock()

    def submit() -> None:
        browser = Client()
        browser.cookies["sessionid"] = cookie
        try:
            barrier.wait()
            response = browser.post("/checkout/", data)
            outcome: int | str = (
                response.url if response.status_code == 302 else response.status_code
            )
        finally:
            connection.close()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=submit) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_concurrent_submissions_of_one_cart_make_one_order_and_one_pay_page(client) -> None:
    # Given one $18 mug in the cart
    design = shopper_with_design(client)
    client.post("/cart/add/", {"design": str(design.pk), "quantity": 1})
    # When the checkout form is submitted many times at once (a double click, a hostile script)
    results = _submit_concurrently(client, ADDRESS, SUBMISSIONS)
    # Then there is exactly one order, and every submission lands on its pay page
    order = Order.objects.get()
    assert order.status == OrderStatus.PENDING_PAYMENT
    assert results == [f"/checkout/{order.token}/pay/"] * SUBMISSIONS
    assert order.lines.get().quantity == 1


def test_resubmitting_after_a_different_address_keeps_one_live_order(client) -> None:
    # Given a cart checked out once
    design = shopper_with_design(client)
    client.post("/cart/add/", {"design": str(design.pk), "quantity": 1})
    first = client.post("/checkout/", ADDRESS).url
    # When the shopper corrects the address, then submits the corrected form twice
    changed = {**ADDRESS, "line1": "2 Bakery Lane"}
    second = client.post("/checkout/", changed).url
    again = client.post("/checkout/", changed).url
    # Then the corrected submission replaced the first order, and repeating it changed nothing
    assert second == again != first
    live = Order.objects.exclude(status=OrderStatus.CANCELLED)
    assert [o.ship_line1 for o in live] == ["2 Bakery Lane"]
    assert Order.objects.get(token=first.split("/")[2]).status == OrderStatus.CANCELLED

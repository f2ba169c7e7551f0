"""Signed but malformed or future-dated webhooks: a 400 that says what was wrong, nothing changed."""

from __future__ import annotations

import json
import time

import pytest
from django.conf import settings
from django.test import Client

from devkit.stripe import sign
from orders.models import Order, OrderEvent, OrderStatus, StripeEvent
from orders.tests.factories import OrderFactory

pytestmark = pytest.mark.django_db

URL = "/stripe/webhook/"


def deliver(event: dict, timestamp: int | None = None):  # type: ignore[no-untyped-def]
    body = json.dumps(event).encode()
    signature = sign(body, settings.STRIPE_WEBHOOK_SECRET, timestamp=timestamp)
    return Client().post(
        URL, data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature
    )


def event(type: str, obj: dict, event_id: str = "evt_malformed") -> dict:
    return {"id": event_id, "object": "event", "type": type, "data": {"object": obj}}


def paid_order() -> Order:
    return OrderFactory(status=OrderStatus.PAID, payment_intent_id="pi_paid")


def assert_nothing_changed(order: Order, status: str, refunded: int = 0) -> None:
    order.refresh_from_db()
    assert (order.status, order.refunded_minor) == (status, refunded)
    assert not StripeEvent.objects.exists()
    assert not OrderEvent.objects.filter(order=order).exists()


@pytest.mark.parametrize(
    ("obj", "message"),
    [
        (
            {"id": "pi_pending", "amount": 4100, "currency": "usd", "metadata": "order_id=1"},
            "data.object.metadata must be an object",
        ),
        (
            {"id": "pi_pending", "amount": "4100", "currency": "usd", "metadata": {}},
            "data.object.amount must be a whole number",
        ),
        (
            {"id": ["pi_pending"], "amount": 4100, "currency": "usd", "metadata": {}},
            "data.object.id must be a string",
        ),
        (
            {"id": "pi_pending", "amount": 4100, "currency": 7, "metadata": {}},
            "data.object.currency must be a string",
        ),
    ],
)
def test_malformed_payment_succeeded_is_a_400_and_changes_nothing(obj, message) -> None:
    order = OrderFactory(payment_intent_id="pi_pending")
    response = deliver(event("payment_intent.succeeded", obj))
    assert response.status_code == 400
    assert message in response.json()["error"]
    assert_nothing_changed(order, OrderStatus.PENDING_PAYMENT)


@pytest.mark.parametrize(
    ("amount_refunded", "message"),
    [
        ("abc", "data.object.amount_refunded must be a whole number"),
        (-5, "data.object.amount_refunded must be a whole number of at least 0"),
        (True, "data.object.amount_refunded must be a whole number"),
    ],
)
def test_malformed_charge_refunded_is_a_400_and_changes_nothing(amount_refunded, message) -> None:
    order = paid_order()
    obj = {"id": "ch_1", "payment_intent": "pi_paid", "amount_refunded": amount_refunded}
    response = deliver(event("charge.refunded", obj))
    assert response.status_code == 400
    assert message in response.json()["error"]
    assert_nothing_changed(order, OrderStatus.PAID)


def test_malformed_payment_failed_error_is_a_400() -> None:
    order = OrderFactory(payment_intent_id="pi_pending")
    obj = {"id": "pi_pending", "metadata": {}, "last_payment_error": "declined"}
    response = deliver(event("payment_intent.payment_failed", obj))
    assert response.status_code == 400
    assert "data.object.last_payment_error must be an object" in response.json()["error"]
    assert_nothing_changed(order, OrderStatus.PENDING_PAYMENT)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"id": "evt_1", "type": "charge.refunded", "data": {"object": "x"}}, "data.object"),
        ({"id": "", "type": "charge.refunded", "data": {"object": {}}}, "id must be"),
        ({"id": "evt_1", "type": 5, "data": {"object": {}}}, "type must be a string"),
        ([1, 2], "not a Stripe event"),
    ],
)
def test_malformed_envelope_is_a_400(body, message) -> None:
    response = deliver(body)  # type: ignore[arg-type]
    assert response.status_code == 400
    assert message in response.json()["error"]
    assert not StripeEvent.objects.exists()


def test_event_signed_an_hour_in_the_future_is_refused() -> None:
    order = OrderFactory(payment_intent_id="pi_pending")
    obj = {"id": "pi_pending", "amount": 4100, "currency": "usd", "metadata": {}}
    response = deliver(event("payment_intent.succeeded", obj), timestamp=int(time.time()) + 3600)
    assert response.status_code == 400
    assert "in the future" in response.json()["error"]
    assert_nothing_changed(order, OrderStatus.PENDING_PAYMENT)


def test_small_clock_skew_is_accepted_and_the_valid_event_applies() -> None:
    order = OrderFactory(payment_intent_id="pi_pending")
    obj = {"id": "pi_pending", "amount": 4100, "currency": "usd", "metadata": {}}
    response = deliver(event("payment_intent.succeeded", obj), timestamp=int(time.time()) + 20)
    assert (response.status_code, response.json()) == (200, {"outcome": "paid"})
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID

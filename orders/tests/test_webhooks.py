"""Stripe webhooks end to end: the emulator's own signed deliveries, replays, forgeries, refunds."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request

import pytest
from django.conf import settings
from django.core import mail

from devkit.stripe import sign
from orders import services
from orders.exceptions import RefundNotAllowed
from orders.models import OrderEvent, OrderStatus, StripeEvent
from orders.tasks import send_order_confirmation
from orders.tests.helpers import (
    DECLINED_CARD,
    GOOD_CARD,
    checkout,
    shopper_with_design,
    wait_for,
    wait_for_status,
)

S = OrderStatus
pytestmark = pytest.mark.django_db(transaction=True)


def post_webhook(url: str, body: bytes, signature: str | None) -> int:
    headers = {"Content-Type": "application/json"}
    if signature is not None:
        headers["Stripe-Signature"] = signature
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def pay(client, emulator, card: str = GOOD_CARD, quantity: int = 2):  # type: ignore[no-untyped-def]
    design = shopper_with_design(client)
    order = checkout(client, design, quantity=quantity)
    intent = emulator.payment_intent(order.payment_intent_id)
    return order, emulator.confirm_with_card(intent, card, settings.STRIPE_PUBLISHABLE_KEY)


def event_for(emulator, type: str, intent_id: str) -> dict:  # type: ignore[no-untyped-def]
    events = [e for e in emulator.events(type) if e["data"]["object"]["id"] == intent_id]
    assert len(events) == 1
    return events[0]


def test_emulator_webhook_marks_the_order_paid(client, emulator_webhooks, published_tasks) -> None:
    # Given a pending order; when Stripe.js's confirmation succeeds at the emulator
    order, status = pay(client, emulator_webhooks)
    assert status == 200
    # Then the emulator's signed payment_intent.succeeded, delivered over HTTP, marks it paid
    wait_for_status(order, S.PAID)
    assert order.paid_at is not None
    assert StripeEvent.objects.filter(type="payment_intent.succeeded").count() == 1
    wait_for(lambda: len(published_tasks) == 2, what="print and email tasks")
    assert sorted(published_tasks) == [
        ("orders.send_order_confirmation", [order.pk]),
        ("printing.render_order_print_files", [order.pk]),
    ]


def test_same_event_three_times_and_concurrently_is_applied_once(
    client, emulator_webhooks, live_server, published_tasks
) -> None:
    # Given an order paid by the emulator's first delivery
    order, _ = pay(client, emulator_webhooks)
    wait_for_status(order, S.PAID)
    wait_for(lambda: len(published_tasks) == 2, what="print and email tasks")
    event = event_for(emulator_webhooks, "payment_intent.succeeded", order.payment_intent_id)
    body = json.dumps(event).encode()
    url = f"{live_server.url}/stripe/webhook/"
    # When the same event arrives three more times in a row, then three times at once
    sequential = [
        post_webhook(url, body, sign(body, settings.STRIPE_WEBHOOK_SECRET)) for _ in range(3)
    ]
    results: list[int] = []
    threads = [
        threading.Thread(
            target=lambda: results.append(
                post_webhook(url, body, sign(body, settings.STRIPE_WEBHOOK_SECRET))
            )
        )
        for _ in range(3)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Then every delivery is acknowledged, and it was applied exactly once
    assert sequential == [200, 200, 200]
    assert results == [200, 200, 200]
    assert StripeEvent.objects.filter(event_id=event["id"]).count() == 1
    assert order.events.filter(kind="status", to_status=S.PAID).count() == 1
    assert order.events.filter(kind="print_requested").count() == 1
    assert sorted(published_tasks) == [
        ("orders.send_order_confirmation", [order.pk]),
        ("printing.render_order_print_files", [order.pk]),
    ]
    # And the email task, even if delivered twice, sends one email
    assert send_order_confirmation.apply(args=[order.pk]).get() is True
    assert send_order_confirmation.apply(args=[order.pk]).get() is False
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["kiki@example.com"]
    assert order.number in email.subject
    assert f"/orders/{order.token}/?key=" in email.body


@pytest.mark.parametrize("forgery", ["tampered", "wrong_secret", "stale", "missing", "garbled"])
def test_forged_webhooks_are_rejected_and_change_nothing(
    client, stripe_emulator, live_server, forgery, published_tasks
) -> None:
    # Given a pending order and a payment_intent.succeeded event for it
    design = shopper_with_design(client)
    order = checkout(client, design, quantity=2)
    intent = stripe_emulator.payment_intent(order.payment_intent_id)
    event = {
        "id": "evt_forged_1",
        "object": "event",
        "type": "payment_intent.succeeded",
        "data": {"object": {**intent, "status": "succeeded"}},
    }
    body = json.dumps(event).encode()
    secret = settings.STRIPE_WEBHOOK_SECRET
    signature: str | None = sign(body, secret)
    if forgery == "tampered":
        body = body.replace(b'"evt_forged_1"', b'"evt_forged_2"')
    elif forgery == "wrong_secret":
        signature = sign(body, "whsec_not_ours")
    elif forgery == "stale":
        signature = sign(body, secret, timestamp=int(time.time()) - 301)
    elif forgery == "missing":
        signature = None
    elif forgery == "garbled":
        signature = "t=notanumber,v1=zz"
    # When it is delivered
    status = post_webhook(f"{live_server.url}/stripe/webhook/", body, signature)
    # Then it is refused and the order is exactly as before
    assert status == 400
    before = (order.status, order.paid_at, order.refunded_minor)
    order.refresh_from_db()
    assert (
        (order.status, order.paid_at, order.refunded_minor)
        == before
        == (S.PENDING_PAYMENT, None, 0)
    )
    assert not StripeEvent.objects.exists()
    assert not order.events.filter(kind__in=["status", "print_requested"]).exists()
    assert published_tasks == []


def test_declined_card_fails_the_order_and_a_retry_pays_it(client, emulator_webhooks) -> None:
    # Given a declined card (the emulator's charge-decline test card)
    order, status = pay(client, emulator_webhooks, card=DECLINED_CARD)
    assert status == 402
    # Then the payment_failed webhook marks the order failed, not paid
    wait_for_status(order, S.FAILED)
    assert order.paid_at is None
    failure = order.events.get(to_status=S.FAILED)
    assert failure.note == "Your card was declined."
    # And the shopper sees why and can pay again on the same order
    page = client.get(f"/checkout/{order.token}/pay/")
    assert page.status_code == 200
    assert "Your card was declined." in page.content.decode()
    intent = emulator_webhooks.payment_intent(order.payment_intent_id)
    assert emulator_webhooks.confirm_with_card(intent, GOOD_CARD, "pk_test_localstripe") == 200
    wait_for_status(order, S.PAID)


def test_partial_then_full_refund_through_stripe(client, emulator_webhooks, admin_user) -> None:
    order, _ = pay(client, emulator_webhooks)  # $41.00
    wait_for_status(order, S.PAID)
    # When an admin refunds $10.00, the charge.refunded webhook records it; the order stays paid
    services.refund(order=order, amount_minor=1000, actor=admin_user, reason="Chipped mug")
    wait_for(lambda: order.events.filter(kind="refunded").count() == 1, what="refund webhook")
    order.refresh_from_db()
    assert (order.status, order.refunded_minor) == (S.PAID, 1000)
    # More than what is left is refused before Stripe is asked
    with pytest.raises(RefundNotAllowed, match=r"At most \$31.00"):
        services.refund(order=order, amount_minor=3101, actor=admin_user)
    assert order.events.filter(kind="refund_requested").count() == 1
    # When the rest is refunded, the order is refunded
    services.refund(order=order, amount_minor=3100, actor=admin_user)
    wait_for_status(order, S.REFUNDED)
    assert order.refunded_minor == 4100
    assert StripeEvent.objects.filter(type="charge.refunded").count() == 2


def test_refund_of_an_unpaid_order_is_refused(client, stripe_emulator) -> None:
    design = shopper_with_design(client)
    order = checkout(client, design)
    with pytest.raises(RefundNotAllowed, match="only paid orders can be refunded"):
        services.refund(order=order, amount_minor=100)
    assert not OrderEvent.objects.filter(kind__startswith="refund").exists()


def test_out_of_order_failure_after_success_does_not_unpay(
    client, emulator_webhooks, live_server
) -> None:
    # Given a paid order
    order, _ = pay(client, emulator_webhooks)
    wait_for_status(order, S.PAID)
    # When a payment_failed event for the same intent arrives late
    intent = emulator_webhooks.payment_intent(order.payment_intent_id)
    late = {
        "id": "evt_late_failure",
        "object": "event",
        "type": "payment_intent.payment_failed",
        "data": {"object": {**intent, "status": "requires_payment_method"}},
    }
    body = json.dumps(late).encode()
    url = f"{live_server.url}/stripe/webhook/"
    assert post_webhook(url, body, sign(body, settings.STRIPE_WEBHOOK_SECRET)) == 200
    # Then it is recorded but the order stays paid
    order.refresh_from_db()
    assert order.status == S.PAID
    assert StripeEvent.objects.filter(event_id="evt_late_failure").exists()
    assert not order.events.filter(to_status=S.FAILED).exists()

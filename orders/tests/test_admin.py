"""Orders in the Wagtail admin: listing with filters and search, the inspector, refunds."""

from __future__ import annotations

import pytest

from orders.models import OrderStatus
from orders.tests.factories import OrderFactory, OrderLineFactory
from orders.tests.helpers import GOOD_CARD, checkout, shopper_with_design, wait_for, wait_for_status

S = OrderStatus


@pytest.mark.django_db
def test_listing_filters_by_status_and_searches_by_email(admin_client) -> None:
    paid = OrderFactory(status=S.PAID, email="paid@example.com")
    pending = OrderFactory(email="pending@example.com")
    by_status = admin_client.get("/cms/orders/", {"status": "paid"}).content.decode()
    assert paid.number in by_status
    assert pending.number not in by_status
    by_search = admin_client.get("/cms/orders/", {"q": "pending@"}).content.decode()
    assert pending.number in by_search
    assert paid.number not in by_search


@pytest.mark.django_db
def test_inspector_shows_lines_and_history_and_orders_cannot_be_edited(admin_client) -> None:
    line = OrderLineFactory(order=OrderFactory(status=S.PAID), sku="MUG-XYZ")
    line.order.events.create(kind="status", from_status="pending_payment", to_status="paid")
    page = admin_client.get(f"/cms/orders/inspect/{line.order.pk}/").content.decode()
    assert "MUG-XYZ" in page
    assert "pending_payment" in page
    assert f"/cms/orders/refund/{line.order.pk}/" in page
    assert admin_client.get(f"/cms/orders/edit/{line.order.pk}/").status_code == 302
    assert admin_client.get("/cms/orders/new/").status_code == 302
    line.order.refresh_from_db()
    assert line.order.status == S.PAID


@pytest.mark.django_db(transaction=True)
def test_admin_refund_goes_through_stripe_and_shows_after_the_webhook(
    client, admin_client, emulator_webhooks
) -> None:
    # Given an order paid through the emulator ($41.00)
    order = checkout(client, shopper_with_design(client))
    intent = emulator_webhooks.payment_intent(order.payment_intent_id)
    emulator_webhooks.confirm_with_card(intent, GOOD_CARD, "pk_test_localstripe")
    wait_for_status(order, S.PAID)
    # When an admin asks for more than was paid, the form says so and nothing is refunded
    too_much = admin_client.post(f"/cms/orders/refund/{order.pk}/", {"amount": "41.01"})
    assert "At most $41.00 is left to refund on this order." in too_much.content.decode()
    assert not order.events.filter(kind="refund_requested").exists()
    # When the admin refunds $12.50
    response = admin_client.post(
        f"/cms/orders/refund/{order.pk}/", {"amount": "12.50", "reason": "Smudged print"}
    )
    assert response.status_code == 302
    # Then Stripe's charge.refunded webhook records it on the order
    wait_for(lambda: order.events.filter(kind="refunded").exists(), what="refund webhook")
    order.refresh_from_db()
    assert (order.status, order.refunded_minor) == (S.PAID, 1250)
    request = order.events.get(kind="refund_requested")
    assert request.actor is not None and request.actor.is_superuser
    assert "Smudged print" in request.note

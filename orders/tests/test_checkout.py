"""Checkout against the Stripe emulator: exact amount from database prices, reuse, tampering."""

from __future__ import annotations

import pytest
from django.conf import settings

from orders.models import Order, OrderStatus
from orders.tests.helpers import ADDRESS, checkout, shopper_with_design, wait_for_status
from styling.tests.factories import DesignFactory

pytestmark = pytest.mark.django_db


def test_checkout_creates_a_payment_intent_for_the_exact_total(client, stripe_emulator) -> None:
    # Given a session with an $18.00 design on the 11 oz mug
    design = shopper_with_design(client, job__style__name="Retro cel")
    # When the shopper checks out two of them to the US ($5.00 shipping)
    order = checkout(client, design, quantity=2)
    # Then the order and the emulator's PaymentIntent both say $41.00
    assert (order.subtotal_minor, order.shipping_minor, order.total_minor) == (3600, 500, 4100)
    assert order.status == OrderStatus.PENDING_PAYMENT
    intent = stripe_emulator.payment_intent(order.payment_intent_id)
    assert (intent["amount"], intent["currency"]) == (4100, "usd")
    assert intent["metadata"] == {"order_id": str(order.pk), "order_number": order.number}
    # And the line snapshots what was bought
    line = order.lines.get()
    assert (
        line.quantity,
        line.unit_price_minor,
        line.sku,
        line.product_title,
        line.style_name,
    ) == (
        2,
        1800,
        design.variant.sku,
        "Ceramic mug",
        "Retro cel",
    )
    assert line.print_spec["min_dpi"] == 150
    assert line.design_id == design.pk


def test_posted_prices_and_quantities_do_not_change_the_charge(client, stripe_emulator) -> None:
    # Given a design in the cart
    design = shopper_with_design(client)
    client.post("/cart/add/", {"design": str(design.pk), "quantity": 2, "price": "1"})
    # When the checkout form carries forged price, quantity and total fields
    order = checkout(
        client,
        design,
        quantity=0,  # the cart/add call inside is rejected: quantity must be >= 1
        amount="1",
        total_minor="1",
        unit_price_minor="1",
        price="1",
        quantity_override="99",
        currency="JPY",
    )
    # Then the charged amount is still computed from the database price
    intent = stripe_emulator.payment_intent(order.payment_intent_id)
    assert (intent["amount"], intent["currency"]) == (4100, "usd")
    assert list(order.lines.values_list("quantity", "unit_price_minor")) == [(2, 1800)]


def test_catalogue_price_change_after_checkout_does_not_change_the_order(
    client, stripe_emulator
) -> None:
    design = shopper_with_design(client)
    order = checkout(client, design, quantity=1)
    design.variant.price_minor = 9900
    design.variant.save()
    order.refresh_from_db()
    assert order.total_minor == 2300
    assert order.lines.get().unit_price_minor == 1800


def test_reopening_checkout_reuses_the_order_and_its_payment_intent(
    client, stripe_emulator
) -> None:
    design = shopper_with_design(client)
    order = checkout(client, design, quantity=1)
    # When the shopper submits the same details again and reloads the payment page
    response = client.post("/checkout/", ADDRESS)
    client.get(response.url)
    # Then there is still one order with the same PaymentIntent
    assert Order.objects.count() == 1
    assert Order.objects.get().payment_intent_id == order.payment_intent_id


def test_changed_cart_gets_a_new_order_and_the_old_one_is_cancelled(
    client, emulator_webhooks
) -> None:
    design = shopper_with_design(client)
    first = checkout(client, design, quantity=1)
    # When the shopper goes back, changes the quantity and checks out again
    client.post(f"/cart/{design.pk}/quantity/", {"quantity": 3})
    response = client.post("/checkout/", ADDRESS)
    client.get(response.url)
    second = Order.objects.exclude(pk=first.pk).get()
    # Then the new order charges the new quantity, and the old intent is cancelled by Stripe
    assert second.total_minor == 3 * 1800 + 500
    assert emulator_webhooks.payment_intent(first.payment_intent_id)["status"] == "canceled"
    wait_for_status(first, OrderStatus.CANCELLED)


def test_someone_elses_design_cannot_be_added(client) -> None:
    shopper_with_design(client)
    stranger = DesignFactory(job__upload__owner_session="another-browser")
    response = client.post("/cart/add/", {"design": str(stranger.pk), "quantity": 1}, follow=True)
    assert "That design is not yours" in response.content.decode()
    assert client.session.get("retrocel_cart") in (None, {})


@pytest.mark.parametrize(
    ("design_kwargs", "reason"),
    [
        ({"job__style__commercial_use_allowed": False}, "does not allow commercial use"),
        ({"job__style__is_enabled": False}, "is no longer offered"),
        ({"job__status": "running"}, "is not finished yet"),
        ({"effective_dpi": 100}, "100 DPI"),
        ({"variant__currency": "EUR"}, "priced in EUR"),
    ],
)
def test_unorderable_designs_are_refused_with_the_reason(client, design_kwargs, reason) -> None:
    design = shopper_with_design(client, **design_kwargs)
    response = client.post("/cart/add/", {"design": str(design.pk), "quantity": 1}, follow=True)
    assert reason in response.content.decode()
    assert client.session.get("retrocel_cart") in (None, {})
    assert client.post("/checkout/", ADDRESS).status_code == 302  # back to the (empty) cart
    assert not Order.objects.exists()


def test_checkout_form_errors_say_what_is_wrong(client) -> None:
    design = shopper_with_design(client)
    client.post("/cart/add/", {"design": str(design.pk), "quantity": 1})
    response = client.post("/checkout/", {**ADDRESS, "email": "nope", "country": "U1"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Enter a valid email address." in body
    assert "Use a two-letter country code such as US or DE." in body
    assert not Order.objects.exists()


def test_design_licence_revoked_after_adding_blocks_checkout(client) -> None:
    design = shopper_with_design(client)
    client.post("/cart/add/", {"design": str(design.pk), "quantity": 1})
    design.job.style.commercial_use_allowed = False
    design.job.style.save()
    cart = client.get("/cart/").content.decode()
    assert "does not allow commercial use" in cart
    response = client.post("/checkout/", ADDRESS)
    assert response.status_code == 200
    assert "does not allow commercial use" in response.content.decode()
    assert not Order.objects.exists()


def test_currency_comes_from_settings() -> None:
    assert settings.SHOP_CURRENCY == "USD"

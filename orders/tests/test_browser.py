"""The shopper's checkout in headless Chromium, on the Stripe emulator's Stripe.js."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore

from devkit.browser import chromium
from orders.models import Order, OrderStatus
from orders.tests.factories import ShippingRateFactory
from styling.tests.factories import DesignFactory

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts" / "orders"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_checkout_from_cart_to_paid_order_page(live_server, emulator_webhooks) -> None:
    from playwright.sync_api import expect

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    # Given a browser session whose cart holds one of its designs ($18.00 mug)
    ShippingRateFactory()
    session = SessionStore()
    session.create()
    design = DesignFactory(job__upload__owner_session=session.session_key)
    session["retrocel_cart"] = {str(design.pk): 1}
    session.save()

    with chromium(viewport={"width": 1100, "height": 900}) as context:
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": session.session_key,
                    "url": live_server.url,
                }
            ]
        )
        page = context.new_page()
        page.set_default_timeout(20_000)
        # When the shopper opens the cart and checks out
        page.goto(f"{live_server.url}/cart/")
        expect(page.get_by_test_id("cart-subtotal")).to_have_text("$18.00")
        page.screenshot(path=str(ARTIFACTS / "1-cart.png"), full_page=True)
        page.get_by_role("link", name="Checkout").click()
        page.locator("#id_email").fill("kiki@example.com")
        page.locator("#id_name").fill("Kiki Delivery")
        page.locator("#id_line1").fill("1 Bakery Lane")
        page.locator("#id_city").fill("Koriko")
        page.locator("#id_postal_code").fill("12345")
        page.locator("#id_country").fill("us")
        page.screenshot(path=str(ARTIFACTS / "2-checkout.png"), full_page=True)
        page.get_by_role("button", name="Continue to payment").click()
        # And pays with a test card in the emulator's Stripe.js card element
        expect(page.get_by_test_id("pay-total")).to_have_text("$23.00")
        card = page.locator("#card-element")
        card.get_by_placeholder("number").fill("4242424242424242")
        card.get_by_placeholder("exp_month").fill("12")
        card.get_by_placeholder("exp_year").fill("34")
        card.get_by_placeholder("cvc").fill("123")
        card.get_by_placeholder("postal_code").fill("12345")
        page.screenshot(path=str(ARTIFACTS / "3-payment.png"), full_page=True)
        page.get_by_role("button", name="Pay $23.00").click()
        # Then the order page says processing until the webhook arrives, then paid
        status = page.get_by_test_id("order-status")
        expect(status).to_have_attribute("data-status", "paid", timeout=30_000)
        expect(status).to_contain_text("Paid")
        page.screenshot(path=str(ARTIFACTS / "4-order-paid.png"), full_page=True)
        # And the cart is empty again
        page.goto(f"{live_server.url}/cart/")
        expect(page.get_by_text("Your cart is empty.")).to_be_visible()

    order = Order.objects.get()
    assert order.status == OrderStatus.PAID
    assert order.total_minor == 2300
    assert emulator_webhooks.payment_intent(order.payment_intent_id)["amount"] == 2300

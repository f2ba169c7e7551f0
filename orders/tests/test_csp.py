"""The pay page's Content-Security-Policy: Stripe.js's origins there, and only there."""

from __future__ import annotations

import pytest
from django.test import override_settings

from orders.csp import STRIPE_API_ORIGIN, STRIPE_FRAME_ORIGINS, stripe_policy
from orders.tests.helpers import checkout, shopper_with_design

pytestmark = pytest.mark.django_db


def directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def test_pay_page_allows_the_emulators_stripe_js_and_api_and_nothing_inline(
    client, stripe_emulator
) -> None:
    # Given a shopper at the pay page of their order (Stripe.js from the local emulator)
    design = shopper_with_design(client)
    order = checkout(client, design, quantity=1)
    # When the pay page is served
    response = client.get(f"/checkout/{order.token}/pay/")
    assert response.status_code == 200
    assert f'src="{stripe_emulator.js_url}"' in response.content.decode()
    policy = directives(response["Content-Security-Policy"])
    # Then its policy adds the emulator's origin for the script and its API calls, nothing else
    assert policy["script-src"] == ["'self'", stripe_emulator.url]
    assert policy["connect-src"] == ["'self'", stripe_emulator.url]
    assert policy["frame-src"] == ["'none'"]
    assert policy["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    # And the cart page next to it does not get the emulator's origin
    cart = client.get("/cart/")
    assert stripe_emulator.url not in cart["Content-Security-Policy"]


@override_settings(STRIPE_API_BASE="", STRIPE_JS_URL="https://js.stripe.com/v3/")
def test_real_stripe_gets_its_documented_script_frame_and_api_origins() -> None:
    update, replace = stripe_policy()
    assert update == {
        "script-src": ["https://js.stripe.com", "https://*.js.stripe.com"],
        "connect-src": [STRIPE_API_ORIGIN],
    }
    # frame-src replaces the default 'none' (a list with 'none' and an origin is invalid)
    assert replace == {"frame-src": STRIPE_FRAME_ORIGINS}


@override_settings(STRIPE_API_BASE="", STRIPE_JS_URL="/v3/")
def test_a_relative_stripe_js_url_is_refused_rather_than_guessed() -> None:
    with pytest.raises(ValueError, match="not an absolute URL"):
        stripe_policy()

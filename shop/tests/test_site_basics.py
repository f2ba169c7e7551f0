"""Small things every visitor meets: sign-in landing, sign-out page, favicon, real countries."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.staticfiles import finders
from django.test import Client

from orders.models import Order
from orders.tests.helpers import ADDRESS, shopper_with_design

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_sign_in_without_next_lands_on_the_shoppers_account(client: Client) -> None:
    get_user_model().objects.create_user("kiki", "kiki@example.com", "right-password-42")
    response = client.post("/accounts/login/", {"login": "kiki", "password": "right-password-42"})
    assert response.status_code == 302 and response.url == "/accounts/"
    assert client.get(response.url).status_code == 200


def test_sign_out_shows_the_shops_page_not_the_admins(client: Client) -> None:
    user = get_user_model().objects.create_user("kiki", "kiki@example.com", "pw-42-right")
    client.force_login(user)
    response = client.post("/accounts/logout/", follow=True)
    body = response.content.decode()
    assert response.status_code == 200
    assert "You are signed out" in body
    assert "Django administration" not in body and "Retro<span>cel</span>" in body
    assert "_auth_user_id" not in client.session


def test_every_page_names_a_favicon_that_exists(client: Client) -> None:
    assert '<link rel="icon" href="/static/favicon.svg"' in client.get("/cart/").content.decode()
    assert finders.find("favicon.svg")
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response.url == "/static/favicon.svg"


def test_made_up_country_codes_are_refused(client: Client) -> None:
    design = shopper_with_design(client)  # includes a rest-of-world rate that ships anywhere
    client.post("/cart/add/", {"design": str(design.pk), "quantity": 1})
    response = client.post("/checkout/", {**ADDRESS, "country": "XX"})
    assert response.status_code == 200
    assert "XX is not a country code; use a two-letter code such as US or DE." in (
        response.content.decode()
    )
    assert not Order.objects.exists()
    assert client.post("/checkout/", {**ADDRESS, "country": "JP"}).status_code == 302

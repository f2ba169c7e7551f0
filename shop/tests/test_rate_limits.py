"""Abuse limits: 429 pages that say what to do, limits from settings, sign-in that recovers."""

from __future__ import annotations

import time

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, override_settings

from orders.tests.helpers import ADDRESS, shopper_with_design
from styling.models import Upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:  # type: ignore[no-untyped-def]
    """Sign-in attempts must fit in short rate windows even on a busy test machine."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def with_rate(name: str, rate: str):  # type: ignore[no-untyped-def]
    from django.conf import settings

    rules = {k: dict(v) for k, v in settings.RATE_LIMITS.items()}
    rules[name]["rate"] = rate
    return override_settings(RATE_LIMITS=rules)


def test_uploads_past_the_limit_get_a_429_that_says_when_to_retry(client: Client) -> None:
    with with_rate("uploads", "3/m"):
        codes = [client.post("/create/", {}).status_code for _ in range(3)]
        refused = client.post("/create/", {})
    assert codes == [400, 400, 400]  # counted even when the form is invalid
    assert refused.status_code == 429
    body = refused.content.decode()
    assert "Too many photo uploads from your connection. Please wait" in body
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert not Upload.objects.exists()


def test_checkout_past_the_limit_is_refused(client: Client) -> None:
    design = shopper_with_design(client)
    client.post("/cart/add/", {"design": str(design.pk), "quantity": 1})
    with with_rate("checkout", "2/m"):
        codes = [client.post("/checkout/", ADDRESS).status_code for _ in range(3)]
    assert codes == [302, 302, 429]


def test_the_limit_is_per_client_address(client: Client) -> None:
    with with_rate("uploads", "1/m"):
        first = client.post("/create/", {}, REMOTE_ADDR="10.0.0.1").status_code
        same = client.post("/create/", {}, REMOTE_ADDR="10.0.0.1").status_code
        other = client.post("/create/", {}, REMOTE_ADDR="10.0.0.2").status_code
    assert (first, same, other) == (400, 429, 400)


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/accounts/login/", "login"),
        ("/cms/login/", "username"),
        ("/django-admin/login/", "username"),
    ],
)
def test_every_sign_in_form_is_throttled_and_a_real_user_recovers(path: str, field: str) -> None:
    # A superuser, so the admin sign-in forms accept the right password too.
    get_user_model().objects.create_superuser("kiki", "kiki@example.com", "right-password-42")
    browser = Client()
    with with_rate("sign-in", "3/10s"):
        # Given wrong passwords until the form refuses (a window may end mid-burst: allow one)
        codes = []
        while 429 not in codes and len(codes) < 8:
            codes.append(browser.post(path, {field: "kiki", "password": "guess"}).status_code)
        # Then even the right password is refused while the window lasts
        blocked = browser.post(path, {field: "kiki", "password": "right-password-42"})
        # And once it has passed, the real user signs in
        time.sleep(int(blocked["Retry-After"]) + 0.5)
        signed_in = browser.post(path, {field: "kiki", "password": "right-password-42"})
    assert codes[-1] == 429 and set(codes[:-1]) == {200} and len(codes) <= 7
    assert blocked.status_code == 429
    assert "Too many sign-in attempts. Please wait" in blocked.content.decode()
    assert signed_in.status_code == 302
    assert browser.session.get("_auth_user_id")


def test_one_username_is_throttled_from_many_addresses() -> None:
    get_user_model().objects.create_user("kiki", "kiki@example.com", "right-password-42")
    with with_rate("sign-in", "3/m"):
        codes = [
            Client(REMOTE_ADDR=f"10.0.0.{i}")
            .post("/accounts/login/", {"login": "kiki", "password": "nope"})
            .status_code
            for i in range(4)
        ]
    assert codes == [200, 200, 200, 429]

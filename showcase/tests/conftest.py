"""Fixtures for gallery tests: the four kinds of visitor and fast password hashing."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from showcase.tests.factories import ShopperFactory


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def owner():  # type: ignore[no-untyped-def]
    return ShopperFactory()


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def visitors(owner):  # type: ignore[no-untyped-def]
    """A client per kind of visitor: the entry's owner, another shopper, anonymous, an admin."""
    admin = get_user_model().objects.create_superuser("boss", "boss@example.com", "pw-boss-42")
    return {
        "owner": client_for(owner),
        "other": client_for(ShopperFactory()),
        "anonymous": client_for(None),
        "admin": client_for(admin),
    }


@pytest.fixture
def wagtail_root() -> None:
    """Wagtail's root page and default locale, which its migrations create and a transactional
    test's flush removes (so a browser test that follows one must put them back)."""
    from django.conf import settings
    from wagtail.models import Locale, Page

    Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE.split("-")[0])
    if Page.get_first_root_node() is None:
        Page.add_root(instance=Page(title="Root", slug="root"))

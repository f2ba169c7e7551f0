"""Fixtures for styling tests: a client that owns things, and a second one that does not."""

from __future__ import annotations

import pytest
from django.core.files.storage import storages
from django.test import Client

from shop.media import stored_names
from styling.selectors import Owner
from styling.tests.factories import StyleFactory, png_bytes
from styling.uploads import create_upload


def stored_files() -> list[str]:
    """Every file in both media stores (to assert that nothing was stored)."""
    return sorted(stored_names(storages["private"]) + stored_names(storages["default"]))


@pytest.fixture
def owner() -> Owner:
    return Owner(session="s" * 32)


@pytest.fixture
def style():
    return StyleFactory()


@pytest.fixture
def small_upload(owner: Owner):
    return create_upload(owner=owner, data=png_bytes(), filename="tiny.png")


@pytest.fixture
def stranger() -> Client:
    return Client()


@pytest.fixture(autouse=True)
def empty_media() -> None:
    """Each test starts with empty media stores, so 'nothing was stored' is checkable."""
    for storage in (storages["private"], storages["default"]):
        for name in stored_names(storage):
            storage.delete(name)

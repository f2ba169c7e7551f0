"""Fixtures for styling tests: a client that owns things, and a second one that does not."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from styling.selectors import Owner
from styling.tests.factories import StyleFactory, png_bytes
from styling.uploads import create_upload


def stored_files() -> list[str]:
    """Every file under both media roots (to assert that nothing was stored)."""
    found: list[str] = []
    for root in (Path(settings.PRIVATE_MEDIA_ROOT), Path(settings.MEDIA_ROOT)):
        if root.exists():
            found += [str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()]
    return sorted(found)


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
    """Each test starts with empty media roots, so 'nothing was stored' is checkable."""
    import shutil

    for root in (Path(settings.PRIVATE_MEDIA_ROOT), Path(settings.MEDIA_ROOT)):
        if root.exists():
            shutil.rmtree(root)

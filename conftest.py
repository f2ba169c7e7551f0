"""Fixtures every app's tests may use."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

SHARED_DIR = Path(__file__).resolve().parent.parent / "shared"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data`` beside the clone: real photos and Set5 (read-only)."""
    path = SHARED_DIR / "data"
    if not path.is_dir():
        pytest.fail(f"{path} is missing: the tests need the shared data folder beside the clone")
    return path


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker) -> Iterator[object]:
    """One real ``celery worker`` subprocess for the session, on the test database.

    Tests that use it must also use ``transactional_db`` so their rows are
    committed where the worker can read them.
    """
    from shop.testing.worker import running_worker

    with django_db_blocker.unblock(), running_worker("session") as worker:
        yield worker

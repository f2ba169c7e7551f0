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


@pytest.fixture
def celery_worker(django_db_blocker) -> Iterator[object]:
    """A real ``celery worker`` subprocess on the test database, for one test.

    Tests that use it must also use ``transactional_db`` so their rows are
    committed where the worker can read them. It is started per test, after
    purging both queues, and stopped afterwards: tasks published by other
    tests (whose rows are gone, and whose ids SQLite reuses) never run, and
    no worker consumes the tasks of tests that assert what was published.
    """
    from devkit.worker import running_worker
    from shop.celery import app

    with django_db_blocker.unblock():
        app.control.purge()
        with running_worker("test") as worker:
            yield worker


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    """Rate-limit counters live in the (per-process) cache: every test starts with none used."""
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    cache = caches["default"]
    if isinstance(cache, LocMemCache):  # never flush a shared (Redis) cache from a test
        cache.clear()
    yield

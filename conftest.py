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
def _session_celery_worker(django_db_setup, django_db_blocker) -> Iterator[object]:
    """One real ``celery worker`` subprocess for the session, on the test database."""
    from shop.testing.worker import running_worker

    with django_db_blocker.unblock(), running_worker("session") as worker:
        yield worker


@pytest.fixture
def celery_worker(_session_celery_worker, django_db_blocker) -> Iterator[object]:
    """The session's real worker, idle and with empty queues when the test starts.

    Tests that use it must also use ``transactional_db`` so their rows are
    committed where the worker can read them. Tasks that earlier tests
    published refer to rows that are gone (and whose ids SQLite reuses), so
    they are purged and the worker is drained before this test creates rows.
    """
    with django_db_blocker.unblock():
        _session_celery_worker.drain()
    yield _session_celery_worker

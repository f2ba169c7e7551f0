"""pytest plugin loaded with ``-p devkit.pytest_plugin`` before Django settings.

It gives each test process (each xdist worker) its own var folder, media
roots, SQLite file and Celery broker namespace, so parallel workers and the
Celery worker subprocesses they start never see each other's data. It must
run before ``shop.settings`` is imported, which is why it is a ``-p`` plugin
and not a conftest.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

_XDIST_ID = os.environ.get("PYTEST_XDIST_WORKER", "main")
_RUN_DIR = Path(
    os.environ.setdefault("RETROCEL_TEST_RUN_DIR", tempfile.mkdtemp(prefix="retrocel-test-"))
)
VAR_DIR = _RUN_DIR / _XDIST_ID
VAR_DIR.mkdir(parents=True, exist_ok=True)

os.environ["RETROCEL_VAR_DIR"] = str(VAR_DIR)
os.environ.pop("MEDIA_ROOT", None)
os.environ.pop("PRIVATE_MEDIA_ROOT", None)
os.environ.pop("RETROCEL_ENV", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")
# The worker subprocesses and the tests must agree on these, so tests run with them fixed.
os.environ.setdefault("CELERY_TASK_SOFT_TIME_LIMIT", "120")
os.environ.setdefault("CELERY_TASK_TIME_LIMIT", "150")


def _redis_url_for_worker(url: str) -> str:
    """Give xdist worker N the Redis database index base+N (+1 for the controller-less run)."""
    match = re.match(r"^(rediss?://[^/]*)(?:/(\d+))?(.*)$", url)
    if not match:
        return url
    base = int(match.group(2) or 0)
    offset = int(_XDIST_ID[2:]) + 1 if _XDIST_ID.startswith("gw") else 0
    return f"{match.group(1)}/{(base + offset) % 16}{match.group(3)}"


_broker = os.environ.get("CELERY_BROKER_URL", "")
if _broker.startswith("redis"):
    os.environ["CELERY_BROKER_URL"] = _redis_url_for_worker(_broker)
    os.environ.pop("CELERY_RESULT_BACKEND", None)


def pytest_report_header(config: object) -> list[str]:
    from django.conf import settings

    return [
        f"retrocel: database {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}, "
        f"broker {settings.CELERY_BROKER_URL.split('://', 1)[0]}, var {VAR_DIR}"
    ]


def pytest_sessionstart(session: object) -> None:
    """Start from an empty broker namespace: stale messages from a killed run must not leak in."""
    from django.conf import settings

    if settings.CELERY_BROKER_URL.startswith("redis"):
        import redis

        redis.Redis.from_url(settings.CELERY_BROKER_URL).flushdb()

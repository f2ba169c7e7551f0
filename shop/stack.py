"""The processes of the embedded stack that ``manage.py runstack`` supervises."""

from __future__ import annotations

import sys

from django.conf import settings


def processes(*, host: str, port: int) -> list[tuple[str, list[str], dict[str, str]]]:
    """(name, command, extra environment) for each long-running process."""
    python = sys.executable
    return [
        (
            "web",
            [python, "-m", "gunicorn", "shop.wsgi:application", "--bind", f"{host}:{port}",
             "--workers", "2", "--threads", "4", "--access-logfile", "-", "--graceful-timeout", "5"],
            {},
        ),
        (
            "worker",
            [python, "-m", "celery", "-A", "shop", "worker", "-Q", "default,gpu", "-c", "1",
             "-l", "INFO", "-n", "embedded@%h", "--without-gossip", "--without-mingle",
             # -B: the embedded worker also runs beat (watchdog, housekeeping).
             "-B", "-s", str(settings.VAR_DIR / "celerybeat-schedule")],
            {},
        ),
    ]  # fmt: skip

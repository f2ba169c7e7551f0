"""The processes of the embedded stack that ``manage.py runstack`` supervises."""

from __future__ import annotations

import sys
from urllib.parse import urlsplit

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
    ] + _stripe_emulator(python, host=host, port=port)  # fmt: skip


def _stripe_emulator(
    python: str, *, host: str, port: int
) -> list[tuple[str, list[str], dict[str, str]]]:
    """The local Stripe emulator when STRIPE_API_BASE points at this machine (devkit/stripe_emulator)."""
    base = urlsplit(settings.STRIPE_API_BASE) if settings.STRIPE_API_BASE else None
    if base is None or base.hostname not in ("127.0.0.1", "localhost"):
        return []
    return [
        (
            "stripe-emulator",
            [python, "-m", "devkit.stripe_emulator", "--host", base.hostname, "--port", str(base.port or 80),
             "--store", str(settings.VAR_DIR / "stripe-emulator.pickle"),
             "--webhook-url", f"http://{host}:{port}/stripe/webhook/",
             "--webhook-secret", settings.STRIPE_WEBHOOK_SECRET],
            {},
        )
    ]  # fmt: skip

"""Fixtures for orders tests: the Stripe emulator, its webhooks to our live server, tasks seen."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from celery.signals import before_task_publish
from django.conf import settings
from django.test import override_settings

from devkit.stripe import Emulator, running_emulator


@pytest.fixture(scope="session")
def stripe_emulator() -> Iterator[Emulator]:
    """One emulator per test process; our settings point the stripe library and Stripe.js at it."""
    log_path = Path(settings.VAR_DIR) / "logs" / "stripe-emulator.log"
    with running_emulator(log_path) as emulator:
        overrides = override_settings(
            STRIPE_API_BASE=emulator.url,
            STRIPE_JS_URL=emulator.js_url,
            STRIPE_SECRET_KEY=emulator.secret_key,
            STRIPE_PUBLISHABLE_KEY="pk_test_localstripe",
        )
        with overrides:
            yield emulator


@pytest.fixture
def emulator_webhooks(stripe_emulator: Emulator, live_server) -> Emulator:  # type: ignore[no-untyped-def]
    """The emulator delivers its signed webhooks to this test's live server."""
    stripe_emulator.register_webhook(
        f"{live_server.url}/stripe/webhook/", settings.STRIPE_WEBHOOK_SECRET
    )
    return stripe_emulator


@pytest.fixture
def published_tasks() -> Iterator[list[tuple[str, list[object]]]]:
    """(task name, args) of every task this process publishes to the broker during the test."""
    seen: list[tuple[str, list[object]]] = []

    def record(sender: str | None = None, body=None, **_: object) -> None:  # type: ignore[no-untyped-def]
        args = body[0] if isinstance(body, tuple | list) else []
        seen.append((str(sender), list(args)))

    before_task_publish.connect(record, weak=False)
    yield seen
    before_task_publish.disconnect(record)

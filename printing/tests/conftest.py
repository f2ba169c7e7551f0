"""Fixtures for printing tests: the RDN weights the pipeline upscales with."""

from __future__ import annotations

from pathlib import Path

import pytest

# The Stripe emulator and its webhooks to the live server, for checkout in browser journeys.
from orders.tests.conftest import emulator_webhooks, stripe_emulator  # noqa: F401


@pytest.fixture(scope="session")
def rdn_weights() -> Path:
    """The RDN weights the print pipeline upscales with; the tests that need them skip without."""
    from printing.pipeline import upscaler_weights

    path = upscaler_weights()
    if not path.exists():
        pytest.skip(
            f"RDN weights {path} are not there yet (ml-rdn ships ml/sr/weights/rdn_x4.pt; "
            "or set PRINT_UPSCALER_WEIGHTS)"
        )
    return path

"""The base order-line factory stores what checkout stores: a snapshot ``SpecSnapshot`` accepts."""

from __future__ import annotations

import pytest

from orders.snapshots import SpecSnapshot
from orders.tests.factories import OrderLineFactory

pytestmark = pytest.mark.django_db


def test_factory_line_print_spec_is_a_valid_snapshot_of_its_designs_spec() -> None:
    line = OrderLineFactory()
    snapshot = SpecSnapshot.from_json(line.print_spec)
    spec = line.design.variant.print_spec
    assert (snapshot.trim_width_mm, snapshot.trim_height_mm, snapshot.min_dpi) == (
        spec.trim_width_mm,
        spec.trim_height_mm,
        spec.min_dpi,
    )

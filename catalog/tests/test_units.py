"""One rounding for print pixels: up, so a canvas never falls below its DPI."""

from __future__ import annotations

from decimal import Decimal

from catalog.units import MM_PER_INCH, pixels_for_mm


def test_exact_inches_give_exact_pixels() -> None:
    assert pixels_for_mm(Decimal("304.8"), Decimal("457.2"), 300) == (3600, 5400)


def test_a_fraction_of_a_pixel_rounds_up() -> None:
    # 0.01 mm past 12 in at 300 DPI is 3600.12 px: 3601, never 3600 (that would print < 300 DPI)
    assert pixels_for_mm(Decimal("304.81"), Decimal("457.2"), 300) == (3601, 5400)
    width, _ = pixels_for_mm(Decimal("304.81"), Decimal("457.2"), 300)
    assert Decimal(width) / (Decimal("304.81") / MM_PER_INCH) >= 300

"""Print units, pure: millimetres to inches, and a print's size in pixels at a DPI.

One rounding for every print canvas: up (``math.ceil``), so the pixels drawn over the
physical size always reach at least the asked DPI. ``PrintSpec.pixels_at`` (catalog) and
``SpecSnapshot.canvas_pixels`` (orders) both call :func:`pixels_for_mm`.
"""

from __future__ import annotations

import math
from decimal import Decimal

MM_PER_INCH = Decimal("25.4")


def pixels_for_mm(width_mm: Decimal, height_mm: Decimal, dpi: int) -> tuple[int, int]:
    """Pixels of a ``width_mm`` x ``height_mm`` area at ``dpi``, rounded up."""
    return (
        math.ceil(Decimal(width_mm) / MM_PER_INCH * dpi),
        math.ceil(Decimal(height_mm) / MM_PER_INCH * dpi),
    )

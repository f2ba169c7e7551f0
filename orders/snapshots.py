"""The print spec an order line is printed from, frozen at purchase time.

``spec_snapshot(spec)`` turns a ``catalog.PrintSpec`` row into the JSON stored
in ``OrderLine.print_spec``; ``SpecSnapshot.from_json(line.print_spec)`` reads
it back for the print pipeline. Lengths are millimetres kept as decimal
strings so the JSON round trip is exact. Later edits to the catalogue never
change what an existing line prints.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from catalog.models import PrintSizes, PrintSpec
from catalog.units import MM_PER_INCH, pixels_for_mm

SNAPSHOT_VERSION = 1
POINTS_PER_INCH = Decimal(72)


class SnapshotError(ValueError):
    """A line's ``print_spec`` JSON that is missing fields or has impossible values."""


def spec_snapshot(spec: PrintSpec) -> dict[str, Any]:
    """The JSON-safe copy of ``spec`` that an order line keeps (``OrderLine.print_spec``)."""
    return {
        "version": SNAPSHOT_VERSION,
        "spec_id": spec.pk,
        "name": spec.name,
        "trim_width_mm": str(spec.trim_width_mm),
        "trim_height_mm": str(spec.trim_height_mm),
        "bleed_mm": str(spec.bleed_mm),
        "safe_margin_mm": str(spec.safe_margin_mm),
        "min_dpi": int(spec.min_dpi),
        "recommended_dpi": int(max(spec.min_dpi, spec.recommended_dpi)),
        "is_wrap": bool(spec.is_wrap),
        "masks": [dict(mask) for mask in spec.masks or []],
        "mockup": spec.mockup,
    }


@dataclass(frozen=True)
class SpecSnapshot(PrintSizes):
    """A print spec read back from a line, with the sizes the pipeline needs."""

    name: str
    trim_width_mm: Decimal
    trim_height_mm: Decimal
    bleed_mm: Decimal
    safe_margin_mm: Decimal
    min_dpi: int
    is_wrap: bool
    masks: tuple[dict[str, Any], ...]
    #: From the vendor's guidelines; snapshots older than the field print at their minimum.
    recommended_dpi: int = 0
    #: The resolution this line's canvas is rendered at (``styling.placement.print_dpi``:
    #: the recommendation when the original photo has the pixels, else what it reaches);
    #: set by the print pipeline per line, 0 = the minimum.
    render_dpi: int = 0

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SpecSnapshot:
        try:
            snap = cls(
                name=str(data["name"]),
                trim_width_mm=Decimal(str(data["trim_width_mm"])),
                trim_height_mm=Decimal(str(data["trim_height_mm"])),
                bleed_mm=Decimal(str(data["bleed_mm"])),
                safe_margin_mm=Decimal(str(data.get("safe_margin_mm", "0"))),
                min_dpi=int(data["min_dpi"]),
                is_wrap=bool(data.get("is_wrap", False)),
                masks=tuple(dict(m) for m in data.get("masks") or []),
                recommended_dpi=int(data.get("recommended_dpi") or data["min_dpi"]),
            )
        except (KeyError, TypeError, ValueError, ArithmeticError) as exc:
            raise SnapshotError(f"The line's print spec snapshot is unreadable: {exc!r}") from exc
        if snap.trim_width_mm <= 0 or snap.trim_height_mm <= 0:
            raise SnapshotError("The line's print spec has a trim size that is not positive.")
        if snap.bleed_mm < 0:
            raise SnapshotError("The line's print spec has a negative bleed.")
        if snap.min_dpi < 72:
            raise SnapshotError(f"The line's print spec asks for {snap.min_dpi} DPI (< 72).")
        return snap

    # Sizes in millimetres, points and pixels.
    @staticmethod
    def mm_to_pt(mm: Decimal) -> float:
        return float(mm / MM_PER_INCH * POINTS_PER_INCH)

    @property
    def trim_size_pt(self) -> tuple[float, float]:
        return self.mm_to_pt(self.trim_width_mm), self.mm_to_pt(self.trim_height_mm)

    @property
    def bleed_size_pt(self) -> tuple[float, float]:
        return self.mm_to_pt(self.bleed_width_mm), self.mm_to_pt(self.bleed_height_mm)

    def canvas_pixels(self, dpi: int | None = None) -> tuple[int, int]:
        """Pixel size of the bleed box at ``dpi`` (default: the line's render DPI, else the
        minimum), rounded up.

        Rounding up keeps the embedded image at or above ``dpi`` at its drawn size.
        """
        dpi = dpi or self.canvas_dpi
        return pixels_for_mm(self.bleed_width_mm, self.bleed_height_mm, dpi)

    @property
    def canvas_dpi(self) -> int:
        """The resolution the print canvas (and the PDF's image) has for this line."""
        return self.render_dpi or self.min_dpi

    def describe_size(self) -> str:
        """``"457.2 x 609.6 mm (18 x 24 in)"`` for job tickets."""
        w_in = self.trim_width_mm / MM_PER_INCH
        h_in = self.trim_height_mm / MM_PER_INCH
        return (
            f"{_num(self.trim_width_mm)} x {_num(self.trim_height_mm)} mm "
            f"({_num(w_in.quantize(Decimal('0.01')))} x {_num(h_in.quantize(Decimal('0.01')))} in)"
        )


def _num(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text

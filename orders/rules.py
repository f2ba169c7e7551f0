"""Whether a design may be bought: the rules checkout enforces (and the cart shows).

What styling decides (finished picture, licence gate, variant on sale) is styling's own
``styling.rules.check_sellable``, the same check that saved the design, so the cart,
checkout, the placement editor and the style picker give the same reason. Orders adds
what only it knows: the shop's currency and the design's stored print resolution.
"""

from __future__ import annotations

from orders.exceptions import DesignNotOrderable
from styling.exceptions import StylingError
from styling.models import Design
from styling.rules import check_sellable


def check_orderable(design: Design, *, currency: str) -> None:
    """Raise ``DesignNotOrderable`` saying why ``design`` cannot be bought."""
    variant, spec = design.variant, design.variant.print_spec
    try:
        check_sellable(design.job, variant)
    except StylingError as exc:
        raise DesignNotOrderable(exc.message) from None
    if variant.currency.upper() != currency.upper():
        raise DesignNotOrderable(
            f"{variant} is priced in {variant.currency}, but the shop charges in {currency}."
        )
    if design.effective_dpi < spec.min_dpi:
        raise DesignNotOrderable(
            f"This design reaches {design.effective_dpi} DPI on {variant}; "
            f"{spec.min_dpi} DPI is needed to print it sharply. Choose a smaller size."
        )

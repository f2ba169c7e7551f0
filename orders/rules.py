"""Whether a design may be bought: the rules checkout enforces (and the cart shows).

The style licence gate is styling's own (``styling.rules.not_orderable_reason``),
so the cart, checkout and the style picker give the same reason.
"""

from __future__ import annotations

from orders.exceptions import DesignNotOrderable
from styling.models import Design, JobStatus
from styling.rules import not_orderable_reason


def check_orderable(design: Design, *, currency: str) -> None:
    """Raise ``DesignNotOrderable`` saying why ``design`` cannot be bought."""
    job, variant = design.job, design.variant
    style, spec = job.style, variant.print_spec
    if job.status != JobStatus.DONE or not job.result:
        raise DesignNotOrderable("This design's styled image is not finished yet.")
    if (reason := not_orderable_reason(style)) is not None:
        raise DesignNotOrderable(reason)
    if not (variant.is_active and variant.product.is_active):
        raise DesignNotOrderable(f"{variant} is no longer sold.")
    if variant.currency.upper() != currency.upper():
        raise DesignNotOrderable(
            f"{variant} is priced in {variant.currency}, but the shop charges in {currency}."
        )
    if design.effective_dpi < spec.min_dpi:
        raise DesignNotOrderable(
            f"This design reaches {design.effective_dpi} DPI on {variant}; "
            f"{spec.min_dpi} DPI is needed to print it sharply. Choose a smaller size."
        )

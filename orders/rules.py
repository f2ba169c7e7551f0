"""Whether a design may be bought: the rules checkout enforces (and the cart shows).

The style licence gate mirrors ``styling.services.assert_style_orderable``
(catalog/styling branches); until that lands here the same rule is checked
inline: the style is enabled and its licence allows commercial use.
"""

from __future__ import annotations

from orders.exceptions import DesignNotOrderable
from styling.models import Design, JobStatus


def check_orderable(design: Design, *, currency: str) -> None:
    """Raise ``DesignNotOrderable`` saying why ``design`` cannot be bought."""
    job, variant = design.job, design.variant
    style, spec = job.style, variant.print_spec
    if job.status != JobStatus.DONE or not job.result:
        raise DesignNotOrderable("This design's styled image is not finished yet.")
    if not style.is_enabled:
        raise DesignNotOrderable(f"The style “{style.name}” is no longer offered.")
    if not style.commercial_use_allowed:
        raise DesignNotOrderable(
            f"The style “{style.name}” is not licensed for sale: you can preview and "
            "download it, but not order prints of it."
        )
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

"""Whether a styled picture may be sold: the licence gate and the sellable check.

One rule, read by the style gallery and the result page (:func:`not_orderable_reason`),
``styling.designs`` (a design is refused when :func:`check_sellable` says no) and
``orders.rules`` (the cart and checkout call :func:`check_sellable` too, then add what
only orders knows: currency and the stored print resolution).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from styling.exceptions import JobNotReady, StyleNotOrderable, VariantNotAvailable
from styling.models import JobStatus

if TYPE_CHECKING:
    from catalog.models import Variant
    from styling.models import Style, StylingJob


def not_orderable_reason(style: Style) -> str | None:
    """Why ``style`` cannot be ordered, or ``None`` when it can."""
    if not style.is_enabled:
        return f"The {style.name} style is no longer offered, so it cannot be printed."
    if not style.commercial_use_allowed:
        licence = f" ({style.licence})" if style.licence else ""
        return (
            f"The {style.name} style is for previews only: its licence{licence} does not "
            "allow commercial use, so we cannot print or sell it. Pick another style to order."
        )
    return None


def check_sellable(job: StylingJob, variant: Variant) -> None:
    """Raise the first reason ``job``'s picture cannot be sold on ``variant``.

    Raises:
        JobNotReady: the job has no finished picture.
        StyleNotOrderable: the licence gate refuses the job's style.
        VariantNotAvailable: the variant or its product is not on sale.
    """
    if job.status != JobStatus.DONE or not job.result:
        raise JobNotReady("The styled picture is not finished yet.")
    if (reason := not_orderable_reason(job.style)) is not None:
        raise StyleNotOrderable(reason)
    if not (variant.is_active and variant.product.is_active):
        raise VariantNotAvailable(f"{variant} is not on sale at the moment.")

"""The style licence gate: whether a style may be sold, and the shopper-facing reason why not.

One rule, read by the style gallery, the result page, ``styling.designs`` (a design of an
unsellable style is refused) and ``orders.rules`` (the cart and checkout). Pure: it reads
the style's fields and nothing else.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from styling.models import Style


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

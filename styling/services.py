"""Styling services shared with the shopper journey.

``assert_style_orderable`` is the licence gate: the journey calls it before
a design goes into the cart, and the storefront shows the same reason.
"""

from __future__ import annotations

from styling.models import Style


class StyleNotOrderable(Exception):
    """A style shoppers may preview but not buy; ``reason`` is written for the shopper."""

    def __init__(self, style: Style, reason: str) -> None:
        super().__init__(reason)
        self.style = style
        self.reason = reason


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


def assert_style_orderable(style: Style) -> None:
    """Raise :class:`StyleNotOrderable` with the shopper-facing reason unless ``style`` can be sold."""
    reason = not_orderable_reason(style)
    if reason is not None:
        raise StyleNotOrderable(style, reason)

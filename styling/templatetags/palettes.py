"""``{% palette_view palette key caption %}``: swatches (no JS needed) plus the 3D plot's mount point."""

from __future__ import annotations

from typing import Any

from django import template

from styling.palettes import CELL_H, CELL_W, plot_points, swatches

register = template.Library()


@register.inclusion_tag("styling/_palette.html")
def palette_view(palette: list[dict[str, Any]] | None, key: str, caption: str) -> dict[str, Any]:
    """``key`` makes the element ids unique on a page with several palettes (the gallery)."""
    palette = palette or []
    return {
        "has_palette": bool(palette),
        "swatches": swatches(palette),
        "points": plot_points(palette),
        "data_id": f"palette-data-{key}",
        "plot_id": f"palette-plot-{key}",
        "caption": caption,
        "view_w": CELL_W * 3,
        "view_h": CELL_H * 2,
    }

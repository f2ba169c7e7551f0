"""Mockup previews of a placed design, drawn by the catalog's mockup renderer.

``catalog.mockups.render_mockup(artwork, spec, template)`` draws the bleed-box artwork on the
spec's product picture. A spec without a mockup template falls back to the flat artwork
with the bleed, trim line, safe zone and masks drawn on it (``is_mockup`` False).
Shoppers' designs are private, so the catalog's public-media cache is not used here.
"""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image, ImageDraw

from catalog.mockups import render_mockup
from catalog.models import PrintSpec
from styling.placement import (
    Placement,
    canvas_size_for_long_side,
    overlay_geometry,
    resample_onto_canvas,
)

ARTWORK_LONG_SIDE = 1200


@dataclass(frozen=True)
class Preview:
    image: Image.Image
    is_mockup: bool  # False: the flat artwork (catalog's renderer not available)


def render_preview(
    styled: Image.Image, spec: PrintSpec, placement: Placement, *, size: int = 800
) -> Preview:
    artwork = resample_onto_canvas(
        styled, spec, placement, canvas_size_for_long_side(spec, ARTWORK_LONG_SIDE)
    )
    template = spec.mockup_template if spec.mockup_template_id else None
    if template is None:
        return Preview(flat_with_guides(artwork, spec, size=size), is_mockup=False)
    picture = render_mockup(artwork, spec, template).convert("RGB")
    k = size / max(picture.size)
    if k < 1:
        picture = picture.resize(
            (round(picture.width * k), round(picture.height * k)), Image.Resampling.LANCZOS
        )
    return Preview(picture, is_mockup=True)


def flat_with_guides(artwork: Image.Image, spec: PrintSpec, *, size: int) -> Image.Image:
    """The artwork scaled to ``size`` (long side) with bleed shaded and guides drawn."""
    k = size / max(artwork.size)
    img = artwork.resize(
        (max(1, round(artwork.width * k)), max(1, round(artwork.height * k))),
        Image.Resampling.LANCZOS,
    ).convert("RGBA")
    w, h = img.size
    geo = overlay_geometry(spec)
    shade = Image.new("RGBA", img.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(shade)

    def box(b: dict[str, float]) -> tuple[float, float, float, float]:
        return (b["x"] * w, b["y"] * h, (b["x"] + b["w"]) * w, (b["y"] + b["h"]) * h)

    trim = box(geo["trim"])
    for rect in ((0, 0, w, trim[1]), (0, trim[3], w, h), (0, 0, trim[0], h), (trim[2], 0, w, h)):
        draw.rectangle(rect, fill=(35, 25, 66, 90))
    for mask in geo["masks"]:
        draw.rectangle(box(mask), fill=(120, 120, 120, 150))
    draw.rectangle(trim, outline=(228, 87, 46, 255), width=2)
    draw.rectangle(box(geo["safe"]), outline=(42, 157, 143, 255), width=1)
    return Image.alpha_composite(img, shade).convert("RGB")

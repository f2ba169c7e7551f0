"""Compose a styled image onto the print canvas (the bleed box) with real bleed.

The placement contract and its geometry are ``styling.placement``'s
(``Design.placement`` = ``{"scale", "offset_x", "offset_y"}``: scale 1 is cover
fit of the bleed box, offsets move the image centre by fractions of the bleed
box). ``styling.placement.resample_onto_canvas`` draws previews by resampling; this module
is the print composition: the image arrives already upscaled (RDN) to its
exact placed size and is pasted pixel for pixel.

Bleed is real artwork, never a rescale of the trim area: where the image
reaches a trim edge but stops short of the bleed edge, its edge pixels are
continued outwards; a wrap product (mug) takes its side bleeds from the
opposite end of the wrap, so the print is continuous round the cylinder.
Masks (areas the print must leave blank: a mug handle, a camera hole) are
painted paper-white last, and run out through the bleed where they touch the
trim edge.

Everything here is a pure function of its inputs, so rendering the same line
twice gives the same pixels.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
from PIL import Image, ImageDraw

from orders.snapshots import SpecSnapshot
from styling.placement import Placement, PlacementInvalid, image_rect_mm

PAPER = (255, 255, 255)

__all__ = [
    "Placement",
    "PlacementError",
    "Rect",
    "compose_print_canvas",
    "image_rect",
    "upscale_target",
]


class PlacementError(ValueError):
    """A placement that cannot be printed (says which value is wrong)."""


def placement_from_json(data: dict[str, Any] | None) -> Placement:
    """``Design.placement`` -> ``styling.placement.Placement`` (the one placement contract)."""
    try:
        return Placement.from_mapping(data or {})
    except PlacementInvalid as exc:
        raise PlacementError(exc.message) from exc


@dataclass(frozen=True)
class Rect:
    """A rectangle in canvas pixels; may reach outside the canvas."""

    x: int
    y: int
    width: int
    height: int


def image_rect(source_size: tuple[int, int], spec: SpecSnapshot, placement: Placement) -> Rect:
    """Where an image of ``source_size`` lands on the print canvas, in whole canvas pixels.

    The geometry is ``styling.placement.image_rect_mm`` (shared with the placement editor),
    scaled to the canvas's pixels per millimetre.
    """
    if source_size[0] < 1 or source_size[1] < 1:
        raise PlacementError(f"The image is empty ({source_size[0]}x{source_size[1]}).")
    cw, ch = spec.canvas_pixels()
    rect = image_rect_mm(source_size, spec, placement)
    sx, sy = cw / float(spec.bleed_width_mm), ch / float(spec.bleed_height_mm)
    x0, y0 = round(rect.x * sx), round(rect.y * sy)
    x1, y1 = round((rect.x + rect.w) * sx), round((rect.y + rect.h) * sy)
    return Rect(x0, y0, max(1, x1 - x0), max(1, y1 - y0))


def upscale_target(
    source_size: tuple[int, int], spec: SpecSnapshot, placement: Placement
) -> tuple[int, int]:
    """The pixel size the styled image must be upscaled to for this spec and placement."""
    rect = image_rect(source_size, spec, placement)
    return rect.width, rect.height


def placed_rect(size: tuple[int, int], spec: SpecSnapshot, placement: Placement) -> Rect:
    """An image of exactly ``size`` pixels centred where ``placement`` puts the image centre."""
    cw, ch = spec.canvas_pixels()
    cx = cw / 2 + placement.offset_x * cw
    cy = ch / 2 + placement.offset_y * ch
    return Rect(round(cx - size[0] / 2), round(cy - size[1] / 2), size[0], size[1])


def compose_print_canvas(
    image: Image.Image, spec: SpecSnapshot, placement: Placement
) -> Image.Image:
    """The print canvas (bleed box at the spec's minimum DPI) with ``image`` placed on it.

    ``image`` is the styled image already upscaled to ``upscale_target``; it is
    pasted at its own size (centred per the placement), never resampled, so
    the canvas keeps every upscaled pixel.
    """
    canvas_size = spec.canvas_pixels()
    rect = placed_rect(image.size, spec, placement)
    cw, ch = canvas_size
    bleed_x, bleed_y = _bleed_pixels(spec, canvas_size)
    src = np.asarray(image.convert("RGB"), dtype=np.uint8)
    canvas = np.empty((ch, cw, 3), dtype=np.uint8)
    canvas[...] = PAPER

    # The area the artwork covers: its own rectangle, run out to the canvas edge on every side
    # where it reaches the trim edge (that run-out is the bleed).
    left = 0 if rect.x <= bleed_x else rect.x
    top = 0 if rect.y <= bleed_y else rect.y
    right = cw if rect.x + rect.width >= cw - bleed_x else rect.x + rect.width
    bottom = ch if rect.y + rect.height >= ch - bleed_y else rect.y + rect.height
    left, top = max(0, min(cw, left)), max(0, min(ch, top))
    right, bottom = max(left, min(cw, right)), max(top, min(ch, bottom))
    if right > left and bottom > top:
        cols = np.clip(np.arange(left, right) - rect.x, 0, rect.width - 1)
        rows = np.clip(np.arange(top, bottom) - rect.y, 0, rect.height - 1)
        canvas[top:bottom, left:right] = src[rows[:, None], cols[None, :]]
    del src

    if spec.is_wrap and bleed_x and cw - 2 * bleed_x >= bleed_x:
        # Round a cylinder the left bleed is the far end of the wrap, and vice versa.
        trim_right = cw - bleed_x
        canvas[:, :bleed_x] = canvas[:, trim_right - bleed_x : trim_right]
        canvas[:, trim_right:] = canvas[:, bleed_x : 2 * bleed_x]

    out = Image.fromarray(canvas, "RGB")
    del canvas
    _paint_masks(out, spec, canvas_size)
    return out


def _px_per_mm(spec: SpecSnapshot, canvas_size: tuple[int, int]) -> tuple[float, float]:
    return (
        canvas_size[0] / float(spec.bleed_width_mm),
        canvas_size[1] / float(spec.bleed_height_mm),
    )


def _bleed_pixels(spec: SpecSnapshot, canvas_size: tuple[int, int]) -> tuple[int, int]:
    sx, sy = _px_per_mm(spec, canvas_size)
    return round(float(spec.bleed_mm) * sx), round(float(spec.bleed_mm) * sy)


def mask_boxes(
    spec: SpecSnapshot, canvas_size: tuple[int, int]
) -> list[tuple[int, int, int, int, int]]:
    """Each mask as ``(x0, y0, x1, y1, radius)`` in canvas pixels, run out through the bleed
    where it touches the trim edge."""
    sx, sy = _px_per_mm(spec, canvas_size)
    cw, ch = canvas_size
    bleed = float(spec.bleed_mm)
    trim_w, trim_h = float(spec.trim_width_mm), float(spec.trim_height_mm)
    eps = 0.01
    boxes = []
    for mask in spec.masks:
        x, y = float(Decimal(str(mask["x"]))), float(Decimal(str(mask["y"])))
        w, h = float(Decimal(str(mask["w"]))), float(Decimal(str(mask["h"])))
        x0 = 0 if x <= eps else round((bleed + x) * sx)
        y0 = 0 if y <= eps else round((bleed + y) * sy)
        x1 = cw if x + w >= trim_w - eps else round((bleed + x + w) * sx)
        y1 = ch if y + h >= trim_h - eps else round((bleed + y + h) * sy)
        radius = round(float(mask.get("radius", 0) or 0) * min(sx, sy))
        boxes.append((max(0, x0), max(0, y0), min(cw, x1), min(ch, y1), max(0, radius)))
    return boxes


def _paint_masks(canvas: Image.Image, spec: SpecSnapshot, canvas_size: tuple[int, int]) -> None:
    draw = ImageDraw.Draw(canvas)
    for x0, y0, x1, y1, radius in mask_boxes(spec, canvas_size):
        if x1 <= x0 or y1 <= y0:
            continue
        if radius:
            draw.rounded_rectangle((x0, y0, x1 - 1, y1 - 1), radius=radius, fill=PAPER)
        else:
            draw.rectangle((x0, y0, x1 - 1, y1 - 1), fill=PAPER)

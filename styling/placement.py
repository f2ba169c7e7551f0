"""Where a styled image sits on a product's print canvas, and what print quality that gives.

Pure functions on plain numbers and PIL images (no database, no settings), shared by the
placement editor (previews, the print-quality badge) and the print pipeline (the
print-resolution canvas that goes into the PDF).

Coordinates: everything is measured in the **bleed box** (the trim box plus the bleed on
every side), origin top-left. A :class:`Placement` is

* ``scale``: 1.0 is *cover fit* (the smallest size at which the image covers the whole
  bleed box, keeping its aspect ratio); 2.0 is twice that, 0.5 half (leaving paper showing);
* ``offset_x`` / ``offset_y``: how far the image's centre is moved from the bleed box's
  centre, as fractions of the bleed box's width / height (``0.1`` = right / down by 10 %).

A print spec is anything with ``trim_width_mm``, ``trim_height_mm``, ``bleed_mm`` and
``safe_margin_mm`` (``catalog.models.PrintSpec`` is one); ``masks`` is read when present.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any, Protocol

from PIL import Image

MM_PER_INCH = 25.4
MIN_SCALE = 0.25
MAX_SCALE = 4.0
MAX_OFFSET = 1.0

__all__ = [
    "MAX_OFFSET",
    "MAX_SCALE",
    "MIN_SCALE",
    "Placement",
    "PlacementInvalid",
    "PrintArea",
    "PrintRender",
    "Rect",
    "Tier",
    "bleed_size_mm",
    "canvas_size_for_long_side",
    "resample_onto_canvas",
    "effective_dpi",
    "image_rect_mm",
    "max_scale_for_dpi",
    "overlay_geometry",
    "print_dpi",
    "print_render",
    "quality_tier",
]


class PrintArea(Protocol):
    """The part of a print spec placement needs (lengths in millimetres)."""

    trim_width_mm: Decimal | float
    trim_height_mm: Decimal | float
    bleed_mm: Decimal | float
    safe_margin_mm: Decimal | float


class PlacementInvalid(ValueError):
    """A placement outside what the editor allows; ``message`` is shopper-readable."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Placement:
    """Scale and centre offset of the image in the bleed box (see the module docstring)."""

    scale: float = 1.0
    offset_x: float = 0.0
    offset_y: float = 0.0

    def __post_init__(self) -> None:
        for name in ("scale", "offset_x", "offset_y"):
            if not math.isfinite(getattr(self, name)):
                raise PlacementInvalid(f"The placement's {name} must be a number.")
        if not MIN_SCALE <= self.scale <= MAX_SCALE:
            raise PlacementInvalid(
                f"The design can be scaled from {MIN_SCALE:g}x to {MAX_SCALE:g}x, "
                f"not {self.scale:g}x."
            )
        if abs(self.offset_x) > MAX_OFFSET or abs(self.offset_y) > MAX_OFFSET:
            raise PlacementInvalid("The design has been moved off the product; move it back.")

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Placement:
        """Build from JSON-ish data (``Design.placement``, form fields); missing keys default."""
        try:
            return cls(
                scale=float(data.get("scale", 1.0)),
                offset_x=float(data.get("offset_x", 0.0)),
                offset_y=float(data.get("offset_y", 0.0)),
            )
        except (TypeError, ValueError) as exc:
            if isinstance(exc, PlacementInvalid):
                raise
            raise PlacementInvalid("The placement must be given as numbers.") from None

    def as_dict(self) -> dict[str, float]:
        return {"scale": self.scale, "offset_x": self.offset_x, "offset_y": self.offset_y}


@dataclass(frozen=True)
class Rect:
    """An axis-aligned box: left, top, width, height (unit given by the function)."""

    x: float
    y: float
    w: float
    h: float


def bleed_size_mm(spec: PrintArea) -> tuple[float, float]:
    """Width and height of the bleed box in millimetres."""
    bleed = float(spec.bleed_mm)
    return float(spec.trim_width_mm) + 2 * bleed, float(spec.trim_height_mm) + 2 * bleed


def image_rect_mm(image_px: tuple[int, int], spec: PrintArea, placement: Placement) -> Rect:
    """Where an image of ``image_px`` (width, height) lands in the bleed box, in millimetres."""
    iw, ih = image_px
    if iw <= 0 or ih <= 0:
        raise ValueError(f"image size must be positive, got {image_px}")
    bw, bh = bleed_size_mm(spec)
    cover = max(bw / iw, bh / ih)  # mm per image pixel at scale 1
    w, h = iw * cover * placement.scale, ih * cover * placement.scale
    cx, cy = bw / 2 + placement.offset_x * bw, bh / 2 + placement.offset_y * bh
    return Rect(cx - w / 2, cy - h / 2, w, h)


def effective_dpi(
    image_px: tuple[int, int], spec: PrintArea, placement: Placement, max_sr_scale: int = 4
) -> int:
    """Dots per inch the design reaches on the product after upscaling by at most ``max_sr_scale``.

    The print pipeline upscales the styled image with RDN by up to ``max_sr_scale`` (x4);
    upscaling adds pixels, so the DPI at the printed size is the upscaled pixel width over the
    printed width in inches. The aspect ratio is kept, so width and height give the same
    figure. Rounded down: a badge must never promise more than the print delivers.
    """
    if max_sr_scale < 1:
        raise ValueError("max_sr_scale must be at least 1")
    rect = image_rect_mm(image_px, spec, placement)
    return math.floor(image_px[0] * max_sr_scale / (rect.w / MM_PER_INCH) + 1e-9)


class Tier(StrEnum):
    """How well a design prints, from the spec's two resolution figures."""

    SHARP = "sharp"  # at or above the recommended resolution
    GOOD = "good"  # at or above the minimum, below the recommendation
    TOO_SMALL = "too_small"  # below the minimum: cannot be ordered


def quality_tier(dpi: int, min_dpi: int, recommended_dpi: int) -> Tier:
    """The tier of a design that reaches ``dpi`` on a spec with these two figures."""
    if dpi >= max(min_dpi, recommended_dpi):
        return Tier.SHARP
    if dpi >= min_dpi:
        return Tier.GOOD
    return Tier.TOO_SMALL


def print_dpi(
    source_px: tuple[int, int],
    spec: PrintArea,
    placement: Placement,
    *,
    target_dpi: int,
    max_sr_scale: int = 4,
) -> int:
    """The resolution the print path delivers for a photo of ``source_px`` (its crop).

    The print re-runs the style on the original crop at the pixels the placed size needs at
    ``target_dpi`` (the spec's recommendation), never more than the crop has; RDN adds at
    most ``max_sr_scale``. So the print reaches ``target_dpi`` when the crop, upscaled, has
    enough pixels, else what ``max_sr_scale`` x the crop gives (rounded down). This is the
    figure the badge shows and the PDF's image carries.
    """
    return min(target_dpi, effective_dpi(source_px, spec, placement, max_sr_scale=max_sr_scale))


@dataclass(frozen=True)
class PrintRender:
    """Pixel sizes of one print render (see :func:`print_render`)."""

    dpi: int  # resolution of the print canvas and of the placed image
    placed_px: tuple[int, int]  # the whole placed image at ``dpi``
    style_px: tuple[int, int]  # size the style runs at: min(placed, source), aspect kept
    sr_factor: float  # what RDN + Lanczos cover: placed / style (1.0 .. max_sr_scale)


def print_render(
    source_px: tuple[int, int],
    spec: PrintArea,
    placement: Placement,
    *,
    target_dpi: int,
    max_sr_scale: int = 4,
    max_style_pixels: int | None = None,
) -> PrintRender:
    """Sizes for rendering a design for print from its original crop of ``source_px``.

    The style runs on the original crop downscaled to what the placed size needs (never
    enlarged: that adds no detail); RDN covers only the remaining factor (at most
    ``max_sr_scale``), and Lanczos lands on ``placed_px`` exactly.

    ``max_style_pixels`` bounds the style render (and so the worker's memory, since
    classical styles run whole) whatever the upload's size: above it the crop is shrunk
    further and the upscaler covers more, never past ``max_sr_scale``, so the DPI the badge
    promised is still delivered.
    """
    dpi = print_dpi(source_px, spec, placement, target_dpi=target_dpi, max_sr_scale=max_sr_scale)
    rect = image_rect_mm(source_px, spec, placement)
    placed = (
        max(1, round(rect.w / MM_PER_INCH * dpi)),
        max(1, round(rect.h / MM_PER_INCH * dpi)),
    )
    k = min(1.0, placed[0] / source_px[0])
    if max_style_pixels is not None and source_px[0] * source_px[1] * k * k > max_style_pixels:
        floor = placed[0] / (source_px[0] * max_sr_scale)  # below this RDN would exceed its cap
        k = max(floor, math.sqrt(max_style_pixels / (source_px[0] * source_px[1])))
    style = (max(1, round(source_px[0] * k)), max(1, round(source_px[1] * k)))
    return PrintRender(dpi, placed, style, placed[0] / style[0])


def max_scale_for_dpi(
    image_px: tuple[int, int], spec: PrintArea, min_dpi: int, max_sr_scale: int = 4
) -> float:
    """The largest ``Placement.scale`` at which the design still reaches ``min_dpi``."""
    rect = image_rect_mm(image_px, spec, Placement())
    dpi_at_cover = image_px[0] * max_sr_scale / (rect.w / MM_PER_INCH)
    return dpi_at_cover / min_dpi


def canvas_size_for_long_side(spec: PrintArea, long_side: int) -> tuple[int, int]:
    """Pixel size of a bleed-box canvas whose longer side is ``long_side`` (previews)."""
    bw, bh = bleed_size_mm(spec)
    k = long_side / max(bw, bh)
    return max(1, round(bw * k)), max(1, round(bh * k))


def resample_onto_canvas(
    image: Image.Image,
    spec: PrintArea,
    placement: Placement,
    canvas_px: tuple[int, int],
    *,
    background: tuple[int, int, int] = (255, 255, 255),
) -> Image.Image:
    """Draw ``image`` onto a bleed-box canvas of ``canvas_px`` pixels at ``placement``.

    ``canvas_px`` is the whole bleed box: ``spec.pixels_at(dpi)`` for print, or
    :func:`canvas_size_for_long_side` for a preview. Only the part of the image that falls on
    the canvas is resampled, so a zoomed-in placement on a print-size canvas does not
    allocate the whole enlarged image. Paper outside the image is ``background``.
    """
    cw, ch = canvas_px
    canvas = Image.new("RGB", (cw, ch), background)
    bw, bh = bleed_size_mm(spec)
    sx, sy = cw / bw, ch / bh
    rect = image_rect_mm(image.size, spec, placement)
    x0, y0, w, h = rect.x * sx, rect.y * sy, rect.w * sx, rect.h * sy
    # The visible part of the image, in canvas pixels (whole pixels) ...
    left, top = max(0, round(x0)), max(0, round(y0))
    right, bottom = min(cw, round(x0 + w)), min(ch, round(y0 + h))
    if right <= left or bottom <= top:
        return canvas
    # ... and the same part in source pixels (fractional, which Pillow's box allows).
    iw, ih = image.size
    # Rounding the canvas edges may step a fraction of a pixel outside the image: clamp.
    box = (
        max(0.0, (left - x0) / w * iw),
        max(0.0, (top - y0) / h * ih),
        min(float(iw), (right - x0) / w * iw),
        min(float(ih), (bottom - y0) / h * ih),
    )
    part = image.convert("RGB").resize(
        (right - left, bottom - top), Image.Resampling.LANCZOS, box=box
    )
    canvas.paste(part, (left, top))
    return canvas


def overlay_geometry(spec: PrintArea) -> dict[str, Any]:
    """Trim box, safe zone and masks as fractions of the bleed box, for drawing overlays.

    Returns ``{"aspect": w/h, "trim": {x,y,w,h}, "safe": {...}, "masks": [{kind,x,y,w,h}]}``,
    every box in fractions of the bleed box (masks are stored in mm from the trim's corner).
    """
    bw, bh = bleed_size_mm(spec)
    bleed, safe = float(spec.bleed_mm), float(spec.safe_margin_mm)
    tw, th = float(spec.trim_width_mm), float(spec.trim_height_mm)

    def frac(x: float, y: float, w: float, h: float) -> dict[str, float]:
        return {"x": x / bw, "y": y / bh, "w": w / bw, "h": h / bh}

    masks = [
        {"kind": str(m.get("kind", "")), **frac(bleed + float(m["x"]), bleed + float(m["y"]),
                                                 float(m["w"]), float(m["h"]))}
        for m in getattr(spec, "masks", None) or []
    ]  # fmt: skip
    return {
        "aspect": bw / bh,
        "trim": frac(bleed, bleed, tw, th),
        "safe": frac(bleed + safe, bleed + safe, tw - 2 * safe, th - 2 * safe),
        "masks": masks,
    }

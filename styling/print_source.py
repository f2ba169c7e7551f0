"""The styled picture a print is made from: the shopper's style re-run on the original crop.

The preview (``StylingJob.result``) is rendered at ``STYLING_WORKING_SIZE`` for speed; a
print needs far more pixels than that. This module re-runs the job's style, with the job's
strength and colour option, on the **original upload** (EXIF orientation and ICC applied by
``ml.imageio``, cropped to the shopper's crop) at the pixels the placed size needs, capped
by the crop's own pixels (``styling.placement.print_render``). The print pipeline then lets
RDN cover only the remaining factor and lands on the exact placed size.

Flat-colour (cel) styles skip the enlargement: :func:`render_print_raster` has them compose
their regions and ink at the placed size itself (issue 19: an enlarged raster's region
borders print as staircases), and RDN only enlarges the photo where a strength below 1
lets it show through.

Used by ``printing`` (per order line) and ``bench/print_pdf.py --from-original``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from django.conf import settings
from PIL import Image

from ml.imageio import ImageRejected, open_image
from styling import engine
from styling.models import StylingJob, Upload
from styling.placement import Placement, PrintArea, PrintRender, print_render

__all__ = [
    "PrintRaster",
    "PrintSource",
    "PrintSourceError",
    "open_original_crop",
    "render_for_print",
    "render_print_raster",
]

#: ``enlarge(image, size)`` -> an object with ``.image`` (exactly ``size``) and
#: ``.effective_scale`` (what super-resolution added): ``printing.pipeline.enlarge``.
Enlarger = Callable[[Image.Image, tuple[int, int]], Any]


class PrintSourceError(Exception):
    """The original photo cannot be read back for printing (says why)."""


@dataclass(frozen=True)
class PrintSource:
    plan: PrintRender
    styled: Image.Image  # ``plan.style_px``, the job's style on the original crop


@dataclass(frozen=True)
class PrintRaster:
    plan: PrintRender
    image: Image.Image  # exactly the size asked for
    sr_factor: float  # what super-resolution added to the styled picture (1.0: none ran)


def open_original_crop(upload: Upload) -> Image.Image:
    """The original upload as sRGB RGB, EXIF-oriented and cropped to the shopper's crop."""
    if not upload.original:
        raise PrintSourceError(f"Upload {upload.pk} has no original photo stored.")
    with upload.original.open("rb") as fh:
        data = fh.read()
    try:
        # Validated at upload time: today's limits must not reject an older file (the pixel
        # limit stays: it bounds the decoder's memory).
        limits = engine.upload_limits()
        limits = replace(limits, max_bytes=max(limits.max_bytes, len(data)), min_side=1)
        loaded = open_image(data, limits=limits)
    except ImageRejected as exc:
        raise PrintSourceError(f"The original photo can no longer be read: {exc.message}") from exc
    image = loaded.image.convert("RGB")
    crop = upload.crop or {}
    if crop.get("w") and crop.get("h"):
        x, y, w, h = (int(crop[k]) for k in ("x", "y", "w", "h"))
        image = image.crop((x, y, x + w, y + h))
    return image


def _planned_crop(
    job: StylingJob, spec: PrintArea, placement: Placement, target_dpi: int, max_sr_scale: int
) -> tuple[PrintRender, Image.Image]:
    """The print render's plan and the original crop resized to ``plan.style_px``."""
    crop = open_original_crop(job.upload)
    plan = print_render(
        crop.size,
        spec,
        placement,
        target_dpi=target_dpi,
        max_sr_scale=max_sr_scale,
        max_style_pixels=settings.PRINT_STYLE_MAX_PIXELS,
    )
    if plan.style_px != crop.size:
        crop = crop.resize(plan.style_px, Image.Resampling.LANCZOS)
    return plan, crop


def render_for_print(
    job: StylingJob,
    spec: PrintArea,
    placement: Placement,
    *,
    target_dpi: int,
    max_sr_scale: int,
    progress: engine.ProgressFn | None = None,
) -> PrintSource:
    """Re-run ``job``'s style on its original crop at the size ``spec`` at ``target_dpi`` needs."""
    plan, source = _planned_crop(job, spec, placement, target_dpi, max_sr_scale)
    styled = engine.stylize_for_print(
        job.style,
        source,
        strength=job.strength,
        preserve_color=job.preserve_color,
        progress=progress,
    )
    return PrintSource(plan=plan, styled=styled)


def render_print_raster(
    job: StylingJob,
    spec: PrintArea,
    placement: Placement,
    *,
    size: tuple[int, int],
    target_dpi: int,
    max_sr_scale: int,
    enlarge: Enlarger,
    progress: engine.ProgressFn | None = None,
) -> PrintRaster:
    """``job``'s picture at exactly ``size`` (the placed print pixels), ready to compose.

    Cel styles are analysed on the crop at ``plan.style_px`` and drawn at ``size``
    (``engine.stylize_at_print_size``); every other style is rendered at ``plan.style_px``
    (:func:`render_for_print`) and enlarged by ``enlarge`` (RDN for the remaining factor).
    """
    if not engine.composes_at_print_size(job.style):
        source = render_for_print(
            job, spec, placement, target_dpi=target_dpi, max_sr_scale=max_sr_scale,
            progress=progress,
        )  # fmt: skip
        result = enlarge(source.styled, size)
        return PrintRaster(source.plan, result.image, result.effective_scale)
    plan, crop = _planned_crop(job, spec, placement, target_dpi, max_sr_scale)
    added = [1.0]  # RDN runs only if the photo shows through (strength < 1, colour kept)

    def photo() -> Image.Image:
        result = enlarge(crop, size)
        added[0] = result.effective_scale
        return result.image

    image = engine.stylize_at_print_size(
        job.style,
        crop,
        size,
        strength=job.strength,
        preserve_color=job.preserve_color,
        photo=photo,
        progress=progress,
    )
    return PrintRaster(plan, image, added[0])

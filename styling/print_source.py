"""The styled picture a print is made from: the shopper's style re-run on the original crop.

The preview (``StylingJob.result``) is rendered at ``STYLING_WORKING_SIZE`` for speed; a
print needs far more pixels than that. This module re-runs the job's style, with the job's
strength and colour option, on the **original upload** (EXIF orientation and ICC applied by
``ml.imageio``, cropped to the shopper's crop) at the pixels the placed size needs, capped
by the crop's own pixels (``styling.placement.print_render``). The print pipeline then lets
RDN cover only the remaining factor and lands on the exact placed size.

Used by ``printing`` (per order line) and ``bench/print_pdf.py --from-original``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.conf import settings
from PIL import Image

from ml.imageio import ImageRejected, open_image
from styling import engine
from styling.models import StylingJob, Upload
from styling.placement import Placement, PrintArea, PrintRender, print_render

__all__ = ["PrintSource", "PrintSourceError", "open_original_crop", "render_for_print"]


class PrintSourceError(Exception):
    """The original photo cannot be read back for printing (says why)."""


@dataclass(frozen=True)
class PrintSource:
    plan: PrintRender
    styled: Image.Image  # ``plan.style_px``, the job's style on the original crop


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
    source = open_original_crop(job.upload)
    plan = print_render(
        source.size,
        spec,
        placement,
        target_dpi=target_dpi,
        max_sr_scale=max_sr_scale,
        max_style_pixels=settings.PRINT_STYLE_MAX_PIXELS,
    )
    if plan.style_px != source.size:
        source = source.resize(plan.style_px, Image.Resampling.LANCZOS)
    styled = engine.stylize_for_print(
        job.style,
        source,
        strength=job.strength,
        preserve_color=job.preserve_color,
        progress=progress,
    )
    return PrintSource(plan=plan, styled=styled)

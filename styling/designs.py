"""Designs: a finished job's picture placed on a variant, with its print-quality badge.

``create_design`` is what "Add to cart" saves; it refuses unfinished jobs, variants not on
sale, styles the licence gate refuses (``styling.rules``) and placements too small to print.
"""

from __future__ import annotations

import io
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from PIL import Image

from catalog.models import Variant
from styling import selectors
from styling.exceptions import (
    JobNotReady,
    PrintQualityTooLow,
    StyleNotOrderable,
    VariantNotAvailable,
)
from styling.models import Design, JobStatus, StylingJob
from styling.placement import Placement
from styling.previews import render_preview
from styling.quality import PrintQuality, SizeOption, assess
from styling.rules import not_orderable_reason
from styling.uploads import delete_files, source_size


def result_size(job: StylingJob) -> tuple[int, int]:
    """Pixels of the job's styled picture (the placement editor's canvas)."""
    with job.result.open("rb") as fh, Image.open(fh) as im:
        return im.size


def _size_options() -> list[SizeOption]:
    return [
        SizeOption(product=v.product.title, name=v.name, spec=v.print_spec)
        for v in selectors.variants_on_sale()
    ]


def print_quality(job: StylingJob, variant: Variant, placement: Placement) -> PrintQuality:
    """The badge for ``job``'s picture on ``variant``: computed from the original upload's crop.

    The print path re-renders the style from the original (``styling.placement.print_render``),
    so the preview's working size does not limit what a design can be printed at.
    """
    return assess(
        source_size(job.upload),
        variant.print_spec,
        placement,
        max_sr_scale=settings.STYLING_MAX_SR_SCALE,
        on_sale=_size_options,
    )


def create_design(*, job: StylingJob, variant: Variant, placement: Placement) -> Design:
    """Save a styled image placed on a variant (what "Add to cart" creates), with its mockup.

    Raises:
        JobNotReady, VariantNotAvailable, StyleNotOrderable (licence gate), PrintQualityTooLow.
    """
    if job.status != JobStatus.DONE or not job.result:
        raise JobNotReady("The styled picture is not ready yet.")
    if not (variant.is_active and variant.product.is_active):
        raise VariantNotAvailable(f"{variant} is not on sale at the moment.")
    reason = not_orderable_reason(job.style)
    if reason is not None:
        raise StyleNotOrderable(reason)
    quality = print_quality(job, variant, placement)
    if not quality.ok:
        raise PrintQualityTooLow(quality.message, dpi=quality.dpi, min_dpi=quality.min_dpi)
    with job.result.open("rb") as fh, Image.open(fh) as im:
        preview = render_preview(im.convert("RGB"), variant.print_spec, placement)
    buf = io.BytesIO()
    preview.image.save(buf, "PNG")
    design = Design(
        id=uuid.uuid4(),
        job=job,
        variant=variant,
        placement=placement.as_dict(),
        effective_dpi=quality.dpi,
    )
    design.mockup.save("mockup.png", ContentFile(buf.getvalue()), save=False)
    try:
        design.save(force_insert=True)
    except Exception:
        delete_files(design.mockup)
        raise
    return design

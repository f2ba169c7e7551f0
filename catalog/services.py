"""Writes for the catalogue: installing mockup templates and keeping product mockups current."""

from __future__ import annotations

import hashlib
import io
import logging

from django.core.files.base import ContentFile
from django.db import transaction

from catalog.mockup_templates import TemplateArt
from catalog.mockups import cached_mockup, image_sha256
from catalog.models import MockupTemplate, PrintSpec, Variant
from catalog.sample_art import house_design
from shop import pagecache

log = logging.getLogger(__name__)

HOUSE_DESIGN_LONG_SIDE = 1400


def _png(image: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


@transaction.atomic
def install_mockup_template(*, name: str, art: TemplateArt) -> MockupTemplate:
    """Create or update the template ``name`` from drawn ``art`` (unchanged pictures are kept)."""
    image_bytes = _png(art.image)
    sha = hashlib.sha256(image_bytes).hexdigest()
    template = MockupTemplate.objects.select_for_update().filter(name=name).first()
    if template is None:
        template = MockupTemplate(name=name)
    if template.image_sha256 != sha or template.geometry != art.geometry:
        template.kind = art.kind
        template.geometry = art.geometry
        template.source = art.source
        template.image_sha256 = sha
        template.image.save(f"{sha[:16]}.png", ContentFile(image_bytes), save=False)
        if art.overlay is not None:
            template.overlay.save(
                f"{sha[:16]}-overlay.png", ContentFile(_png(art.overlay)), save=False
            )
        else:
            template.overlay = ""
        template.full_clean()
        template.save()
    return template


def house_design_for(spec: PrintSpec) -> object:
    """The house sample design at the aspect ratio of ``spec``'s bleed box."""
    w, h = float(spec.bleed_width_mm), float(spec.bleed_height_mm)
    scale = HOUSE_DESIGN_LONG_SIDE / max(w, h)
    return house_design(round(w * scale), round(h * scale))


def refresh_variant_mockups(*, variant_ids: list[int] | None = None) -> int:
    """Render the house design on each active variant whose mockup is missing or stale.

    Idempotent: the content key of the spec + template + design decides; an
    unchanged variant is not rendered or written again. Returns how many
    variants changed.
    """
    variants = Variant.objects.filter(is_active=True).select_related(
        "print_spec", "print_spec__mockup_template"
    )
    if variant_ids is not None:
        variants = variants.filter(pk__in=variant_ids)
    changed = 0
    for variant in variants:
        spec = variant.print_spec
        if spec.mockup_template is None:
            continue
        design = house_design_for(spec)
        name, key = cached_mockup(design, spec, design_sha=image_sha256(design))
        if variant.mockup_key != key or variant.mockup.name != name:
            Variant.objects.filter(pk=variant.pk).update(mockup=name, mockup_key=key)
            pagecache.changed()
            changed += 1
    log.info("refreshed %d variant mockups", changed)
    return changed

"""The demo catalogue: print specs with real industry sizes, products, variants, pages.

Idempotent: rows are created when missing and never overwritten, so an
editor's changes survive another ``seed_demo``. Every figure says where it
comes from in ``PrintSpec.source``; where a figure is our own estimate
rather than a published standard it says so, and a real vendor's template
should replace it before production.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from wagtail.models import Page

from catalog import mockup_templates, services
from catalog.models import (
    MockupKind,
    MockupTemplate,
    PrintSpec,
    Product,
    ProductKind,
    Variant,
)
from catalog.pages import ProductIndexPage, ProductPage
from catalog.units import MM_PER_INCH

log = logging.getLogger(__name__)

INCH_BLEED = Decimal("3.18")  # 0.125 in, the usual North American print bleed
ISO_BLEED = Decimal("3.00")  # 3 mm, the usual bleed for ISO (A-series) print

# Resolution tiers at trim size, from print vendors' published file guidelines. A figure that
# is our own choice rather than a vendor's says so.
POSTER_DPI = (150, 300)
POSTER_DPI_SOURCE = (
    ' Resolution: at least 150 DPI at print size, 300 DPI recommended: Printful, "Everything '
    'You Need to Know to Prepare the Perfect Print File" (printful.com/blog, "for most '
    'products, your print file has to be at least 150 DPI"); Vistaprint, "Pre-print '
    'checklist for posters" (300 DPI for close viewing, 150-250 DPI for larger posters).'
)
MUG_DPI = (150, 300)
MUG_DPI_SOURCE = (
    " Resolution: at least 150 DPI, 300 DPI recommended: the mug file guidelines of "
    'print-on-demand mug vendors (e.g. madprints.ca "FAQs - Mugs": "at least 150 DPI ... '
    'We recommend 300 DPI"). Fourthwall\'s "Mug design best practices" asks 300 DPI.'
)
CASE_DPI = (300, 300)
CASE_DPI_SOURCE = (
    " Resolution: 300 DPI, both minimum and recommended: Printful's file guide names 300 DPI "
    "for the products that need more than its 150 DPI floor; a case is looked at in the hand, "
    "so we hold it to 300. Our choice, not a case vendor's published minimum: replace with "
    "the case vendor's template figure."
)

MUG_SOURCE = (
    "Wrap size: the common sublimation template for {oz} oz mugs, {w} x {h} in "
    "({px}) at 300 DPI, as published by print-on-demand mug vendors. Mug body "
    "({dia} mm diameter, {tall} mm tall) is a typical {oz} oz ceramic blank, used "
    "only for the mockup. Bleed 0.125 in, safe margin 0.25 in: common print practice. "
    "Handle zone: our house rule (keep art 12.7 mm / 0.5 in clear of the handle at "
    "both ends of the wrap), not a vendor figure."
)
CASE_SOURCE = (
    "Print area: the {phone} body ({pw} x {ph} mm, manufacturer's published "
    "dimensions) plus 1.75 mm per side for the case wall, rounded: our estimate of "
    "a slim case's printed back; replace with the case vendor's template. Camera "
    "cut-out and corner radius are our estimates from the phone's published "
    "outline. Bleed 3 mm, safe margin 4 mm: common print practice."
)


@dataclass(frozen=True)
class SpecSeed:
    name: str
    width_mm: Decimal
    height_mm: Decimal
    bleed_mm: Decimal
    safe_mm: Decimal
    mockup: str
    source: str
    is_wrap: bool = False
    masks: list[dict] = field(default_factory=list)
    template: dict = field(default_factory=dict)
    min_dpi: int = 300
    recommended_dpi: int = 300


def _handle_masks(width: Decimal, height: Decimal) -> list[dict]:
    clear = Decimal("12.7")
    return [
        {"kind": "handle", "x": 0, "y": 0, "w": float(clear), "h": float(height)},
        {
            "kind": "handle",
            "x": float(width - clear),
            "y": 0,
            "w": float(clear),
            "h": float(height),
        },
    ]


def _mug(oz: int, w_in: str, h_in: str, dia: int, tall: int) -> SpecSeed:
    w, h = Decimal(w_in) * MM_PER_INCH, Decimal(h_in) * MM_PER_INCH
    px = f"{int(Decimal(w_in) * 300)} x {int(Decimal(h_in) * 300)} px"
    return SpecSeed(
        name=f"Mug {oz} oz wrap",
        width_mm=w,
        height_mm=h,
        bleed_mm=INCH_BLEED,
        safe_mm=Decimal("6.35"),
        mockup=MockupKind.MUG_WRAP,
        is_wrap=True,
        masks=_handle_masks(w, h),
        source=MUG_SOURCE.format(oz=oz, w=w_in, h=h_in, px=px, dia=dia, tall=tall) + MUG_DPI_SOURCE,
        min_dpi=MUG_DPI[0],
        recommended_dpi=MUG_DPI[1],
        template={"diameter_mm": dia, "height_mm": tall},
    )


def _poster_in(w_in: int, h_in: int) -> SpecSeed:
    return SpecSeed(
        name=f"Poster {w_in} x {h_in} in",
        width_mm=w_in * MM_PER_INCH,
        height_mm=h_in * MM_PER_INCH,
        bleed_mm=INCH_BLEED,
        safe_mm=Decimal("6.35"),
        mockup=MockupKind.POSTER_FRAME,
        source=(
            f"{w_in} x {h_in} in: a standard North American poster/frame size, printed at "
            "trim size. Bleed 0.125 in, safe margin 0.25 in: common print practice."
        )
        + POSTER_DPI_SOURCE,
        min_dpi=POSTER_DPI[0],
        recommended_dpi=POSTER_DPI[1],
    )


def _poster_iso(name: str, w: int, h: int) -> SpecSeed:
    return SpecSeed(
        name=f"Poster {name}",
        width_mm=Decimal(w),
        height_mm=Decimal(h),
        bleed_mm=ISO_BLEED,
        safe_mm=Decimal("5.00"),
        mockup=MockupKind.POSTER_FRAME,
        source=(
            f"{name} = {w} x {h} mm (ISO 216), printed at trim size. Bleed 3 mm, "
            "safe margin 5 mm: common print practice."
        )
        + POSTER_DPI_SOURCE,
        min_dpi=POSTER_DPI[0],
        recommended_dpi=POSTER_DPI[1],
    )


def _case(phone: str, pw: str, ph: str, camera: dict, radius: int) -> SpecSeed:
    w = (Decimal(pw) + Decimal("3.5")).quantize(Decimal("1"))
    h = (Decimal(ph) + Decimal("3.5")).quantize(Decimal("1"))
    return SpecSeed(
        name=f"Phone case {phone}",
        width_mm=w,
        height_mm=h,
        bleed_mm=ISO_BLEED,
        safe_mm=Decimal("4.00"),
        mockup=MockupKind.PHONE_CASE,
        masks=[{"kind": "camera", **camera}],
        source=CASE_SOURCE.format(phone=phone, pw=pw, ph=ph) + CASE_DPI_SOURCE,
        min_dpi=CASE_DPI[0],
        recommended_dpi=CASE_DPI[1],
        template={"corner_radius_mm": radius},
    )


SPECS = [
    _mug(11, "9", "3.5", dia=82, tall=95),
    _mug(15, "9", "3.8", dia=87, tall=114),
    _poster_in(12, 18),
    _poster_in(18, 24),
    _poster_iso("A3", 297, 420),
    _poster_iso("A2", 420, 594),
    _case("iPhone 15", "71.6", "147.6", {"x": 4, "y": 4, "w": 33, "h": 34, "radius": 8}, 10),
    _case("Galaxy S24", "70.6", "147.0", {"x": 7, "y": 7, "w": 15, "h": 42, "radius": 7}, 9),
]

PRODUCTS = [
    # (slug, title, kind, summary, description, [(variant name, sku, spec name, price cents)])
    (
        "mug",
        "Ceramic mug",
        ProductKind.MUG,
        "Glossy white ceramic, printed all the way round. Dishwasher safe.",
        "<p>Your styled picture wraps around a glossy white ceramic mug. Dye-sublimation "
        "print: the ink sits in the glaze, so it survives the dishwasher.</p>",
        [
            ("11 oz", "MUG-11OZ", "Mug 11 oz wrap", 1600),
            ("15 oz", "MUG-15OZ", "Mug 15 oz wrap", 1900),
        ],
    ),
    (
        "poster",
        "Art poster",
        ProductKind.POSTER,
        "Heavy matte paper, archival inks, four sizes.",
        "<p>Printed at full size on heavyweight matte paper with archival pigment inks. "
        "Frame not included.</p>",
        [
            ("12 x 18 in", "PST-12X18", "Poster 12 x 18 in", 2200),
            ("18 x 24 in", "PST-18X24", "Poster 18 x 24 in", 3200),
            ("A3", "PST-A3", "Poster A3", 2000),
            ("A2", "PST-A2", "Poster A2", 3000),
        ],
    ),
    (
        "phone-case",
        "Slim phone case",
        ProductKind.PHONE_CASE,
        "Impact-resistant slim case with a glossy printed back.",
        "<p>A slim polycarbonate case with a glossy printed back and an open camera cut-out.</p>",
        [
            ("iPhone 15", "CASE-IP15", "Phone case iPhone 15", 2700),
            ("Galaxy S24", "CASE-S24", "Phone case Galaxy S24", 2700),
        ],
    ),
]


def _template_for(seed: SpecSeed) -> MockupTemplate:
    name = f"{seed.name} (drawn)"
    existing = MockupTemplate.objects.filter(name=name).first()
    if existing is not None:
        return existing
    if seed.mockup == MockupKind.MUG_WRAP:
        art = mockup_templates.mug(float(seed.height_mm), **seed.template)
    elif seed.mockup == MockupKind.PHONE_CASE:
        art = mockup_templates.phone_case(
            float(seed.width_mm), float(seed.height_mm), **seed.template
        )
    else:
        art = mockup_templates.poster_frame(float(seed.width_mm), float(seed.height_mm))
    return services.install_mockup_template(name=name, art=art)


def spec_fields(name: str) -> dict[str, Any]:
    """The ``PrintSpec`` field values of the seeded spec called ``name`` (mockup template aside).

    One source for the real sizes: ``seed_specs`` saves them, and the test factories build
    their specs from them, so a test's "11 oz mug" is the mug the shop sells.
    """
    seed = next(s for s in SPECS if s.name == name)
    return {
        "name": seed.name,
        "trim_width_mm": seed.width_mm.quantize(Decimal("0.01")),
        "trim_height_mm": seed.height_mm.quantize(Decimal("0.01")),
        "bleed_mm": seed.bleed_mm,
        "safe_margin_mm": seed.safe_mm,
        "is_wrap": seed.is_wrap,
        "masks": [dict(m) for m in seed.masks],
        "mockup": seed.mockup,
        "source": seed.source,
        "min_dpi": seed.min_dpi,
        "recommended_dpi": seed.recommended_dpi,
    }


def seed_specs() -> dict[str, PrintSpec]:
    specs = {}
    for seed in SPECS:
        spec = PrintSpec.objects.filter(name=seed.name).first()
        if spec is None:
            spec = PrintSpec(**spec_fields(seed.name), mockup_template=_template_for(seed))
            spec.full_clean()
            spec.save()
        elif spec.mockup_template_id is None:
            spec.mockup_template = _template_for(seed)
            spec.save(update_fields=["mockup_template"])
        specs[seed.name] = spec
    return specs


@transaction.atomic
def seed_catalog(home: Page) -> ProductIndexPage:
    """Specs, templates, products, variants, the product pages under ``home``, and mockups."""
    specs = seed_specs()
    index = ProductIndexPage.objects.child_of(home).first()
    if index is None:
        index = ProductIndexPage(
            title="Products",
            slug="products",
            intro="<p>Every product shows our house design; make it yours in two minutes.</p>",
        )
        home.add_child(instance=index)
        index.save_revision().publish()
    for order, (slug, title, kind, summary, description, variants) in enumerate(PRODUCTS):
        product, _ = Product.objects.get_or_create(
            slug=slug,
            defaults={"title": title, "kind": kind, "summary": summary, "sort_order": order},
        )
        for v_order, (name, sku, spec_name, price) in enumerate(variants):
            Variant.objects.get_or_create(
                sku=sku,
                defaults={
                    "product": product,
                    "name": name,
                    "print_spec": specs[spec_name],
                    "price_minor": price,
                    "currency": "USD",
                    "sort_order": v_order,
                },
            )
        if not ProductPage.objects.filter(product=product).exists():
            page = ProductPage(title=title, slug=slug, product=product, description=description)
            index.add_child(instance=page)
            page.save_revision().publish()
    services.refresh_variant_mockups()
    return index

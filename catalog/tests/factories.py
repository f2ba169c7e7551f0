"""factory_boy factories for the catalogue: one per model, the 11 oz mug by default.

The defaults are the real seeded sizes (``catalog.seed.spec_fields``), so every app's
"11 oz mug" is the mug the shop sells; a test that wants another product passes another
seeded spec (``PrintSpecFactory(**spec_fields("Poster 12 x 18 in"))``) or its own figures.
Small drawn templates keep tests fast.
"""

from __future__ import annotations

import factory

from catalog import mockup_templates
from catalog.models import MockupKind, PrintSpec, Product, ProductKind, Variant
from catalog.seed import seed_specs, spec_fields
from catalog.services import install_mockup_template

TEST_TEMPLATE_SIZE = 240
MUG_11OZ = spec_fields("Mug 11 oz wrap")


def drawn_template(kind: str, *, width_mm: float, height_mm: float, name: str | None = None):
    """A real drawn template, small so tests stay quick."""
    if kind == MockupKind.MUG_WRAP:
        art = mockup_templates.mug(height_mm, diameter_mm=82, height_mm=95, size=TEST_TEMPLATE_SIZE)
    elif kind == MockupKind.PHONE_CASE:
        art = mockup_templates.phone_case(width_mm, height_mm, 9, size=TEST_TEMPLATE_SIZE)
    else:
        art = mockup_templates.poster_frame(width_mm, height_mm, size=TEST_TEMPLATE_SIZE)
    return install_mockup_template(name=name or f"{kind} {width_mm}x{height_mm}", art=art)


class PrintSpecFactory(factory.django.DjangoModelFactory):
    """The seeded 11 oz mug wrap (228.60 x 88.90 mm, handle zones at both ends).

    Names are unique per spec: a new one per call unless a name is passed, and a passed name
    that exists returns that row (``get_or_create``), as the seed does.
    """

    class Meta:
        model = PrintSpec
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"{MUG_11OZ['name']} #{n}")
    trim_width_mm = MUG_11OZ["trim_width_mm"]
    trim_height_mm = MUG_11OZ["trim_height_mm"]
    bleed_mm = MUG_11OZ["bleed_mm"]
    safe_margin_mm = MUG_11OZ["safe_margin_mm"]
    is_wrap = MUG_11OZ["is_wrap"]
    masks = factory.LazyFunction(lambda: [dict(m) for m in MUG_11OZ["masks"]])
    mockup = MUG_11OZ["mockup"]
    source = MUG_11OZ["source"]
    min_dpi = MUG_11OZ["min_dpi"]
    recommended_dpi = MUG_11OZ["recommended_dpi"]


class ProductFactory(factory.django.DjangoModelFactory):
    """The ceramic mug product."""

    class Meta:
        model = Product
        django_get_or_create = ("slug",)

    title = "Ceramic mug"
    slug = factory.Sequence(lambda n: f"mug-{n}")
    kind = ProductKind.MUG
    summary = "Glossy white ceramic, printed all the way round."


class VariantFactory(factory.django.DjangoModelFactory):
    """The 11 oz mug on its own seeded-size spec, in US dollars."""

    class Meta:
        model = Variant

    product = factory.SubFactory(ProductFactory)
    name = "11 oz"
    sku = factory.Sequence(lambda n: f"MUG-11OZ-{n}")
    print_spec = factory.SubFactory(PrintSpecFactory)
    price_minor = 1800
    currency = "USD"


def seeded_mug() -> Variant:
    """The 11 oz mug on its real seeded print spec, as the browser journeys sell it."""
    spec = seed_specs()["Mug 11 oz wrap"]
    product = Product.objects.create(title="Ceramic mug", slug="mug", kind=ProductKind.MUG)
    return Variant.objects.create(
        product=product, name="11 oz", sku="MUG-11OZ", print_spec=spec, price_minor=1600
    )

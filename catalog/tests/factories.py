"""factory_boy factories for the catalogue (small drawn templates keep tests fast)."""

from __future__ import annotations

from decimal import Decimal

import factory

from catalog import mockup_templates
from catalog.models import MockupKind, PrintSpec, Product, ProductKind, Variant
from catalog.seed import seed_specs
from catalog.services import install_mockup_template

TEST_TEMPLATE_SIZE = 240


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
    class Meta:
        model = PrintSpec
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Poster spec {n}")
    trim_width_mm = Decimal("304.80")
    trim_height_mm = Decimal("457.20")
    bleed_mm = Decimal("3.18")
    safe_margin_mm = Decimal("6.35")
    min_dpi = 300
    mockup = MockupKind.POSTER_FRAME
    source = "test figures"


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    title = factory.Sequence(lambda n: f"Product {n}")
    slug = factory.Sequence(lambda n: f"product-{n}")
    kind = ProductKind.POSTER
    summary = "A thing to print on."


class VariantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Variant

    product = factory.SubFactory(ProductFactory)
    name = factory.Sequence(lambda n: f"Size {n}")
    sku = factory.Sequence(lambda n: f"SKU-{n:04d}")
    print_spec = factory.SubFactory(PrintSpecFactory)
    price_minor = 2200
    currency = "USD"


def seeded_mug() -> Variant:
    """The 11 oz mug on its real seeded print spec, as the browser journeys sell it."""
    spec = seed_specs()["Mug 11 oz wrap"]
    product = Product.objects.create(title="Ceramic mug", slug="mug", kind=ProductKind.MUG)
    return Variant.objects.create(
        product=product, name="11 oz", sku="MUG-11OZ", print_spec=spec, price_minor=1600
    )

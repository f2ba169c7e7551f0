"""Factories for print-file and vendor-portal tests.

Real print specs (18 x 24 in poster, 11 oz mug wrap, phone case) with their
published sizes; a paid order whose lines carry a design with a done styling
job and a small styled PNG in private storage.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import factory
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from PIL import Image

from catalog.models import MockupKind, PrintSpec, ProductKind, Variant
from orders.models import Order, OrderStatus
from orders.snapshots import spec_snapshot
from orders.tests import factories as base
from printing.models import ProductRoute, Vendor

SHARED_PHOTOS = Path(__file__).resolve().parents[3] / "shared" / "data" / "photos" / "bsd68"
PASSWORD = "print-portal-pass-1"

# Real sizes: 18 x 24 in poster; 11 oz mug wrap 9 x 3.5 in; phone case ~74 x 155 mm.
POSTER = {
    "name": "Poster 18 x 24 in",
    "trim_width_mm": Decimal("457.20"),
    "trim_height_mm": Decimal("609.60"),
    "bleed_mm": Decimal("3.18"),
    "safe_margin_mm": Decimal("6.35"),
    "min_dpi": 300,
    "is_wrap": False,
    "masks": [],
    "mockup": MockupKind.POSTER_FRAME,
}
MUG = {
    "name": "Mug 11 oz wrap",
    "trim_width_mm": Decimal("228.60"),
    "trim_height_mm": Decimal("88.90"),
    "bleed_mm": Decimal("3.18"),
    "safe_margin_mm": Decimal("3.00"),
    "min_dpi": 300,
    "is_wrap": True,
    "masks": [{"kind": "handle", "x": 104.3, "y": 0, "w": 20, "h": 88.9}],
    "mockup": MockupKind.MUG_WRAP,
}
CASE = {
    "name": "Phone case 74 x 155 mm",
    "trim_width_mm": Decimal("74.00"),
    "trim_height_mm": Decimal("155.00"),
    "bleed_mm": Decimal("3.00"),
    "safe_margin_mm": Decimal("3.00"),
    "min_dpi": 300,
    "is_wrap": False,
    "masks": [{"kind": "camera", "x": 4, "y": 4, "w": 38, "h": 38, "radius": 8}],
    "mockup": MockupKind.PHONE_CASE,
}
# Small and coarse, for tests about the pipeline rather than about real sizes.
SMALL = {
    "name": "Test card 60 x 40 mm",
    "trim_width_mm": Decimal("60.00"),
    "trim_height_mm": Decimal("40.00"),
    "bleed_mm": Decimal("3.00"),
    "safe_margin_mm": Decimal("3.00"),
    "min_dpi": 100,
    "is_wrap": False,
    "masks": [],
    "mockup": MockupKind.POSTER_FRAME,
}
# The same small spec under another name: a second product (and route) for a second vendor.
CARD = {**SMALL, "name": "Test card B 60 x 40 mm"}
KINDS = {"poster": ProductKind.POSTER, "mug": ProductKind.MUG, "case": ProductKind.PHONE_CASE}
# Styled images roughly the shape of each print, small so tests stay fast.
STYLED_SIZES = {
    "poster": (96, 128),
    "mug": (180, 70),
    "case": (60, 124),
    "small": (48, 32),
    "card": (48, 32),
}


def photo_png(size: tuple[int, int] = (96, 128), name: str = "101085.png") -> bytes:
    """A real photo (BSD68), cropped to the aspect and resized: the 'styled' image."""
    with Image.open(SHARED_PHOTOS / name) as im:
        im = im.convert("RGB")
        w, h = size
        scale = max(w / im.width, h / im.height)
        im = im.resize((round(im.width * scale) + 1, round(im.height * scale) + 1))
        left, top = (im.width - w) // 2, (im.height - h) // 2
        im = im.crop((left, top, left + w, top + h))
    out = io.BytesIO()
    im.save(out, "PNG")
    return out.getvalue()


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.test")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class VendorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vendor
        django_get_or_create = ("slug",)
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Print House {n}")
    slug = factory.Sequence(lambda n: f"print-house-{n}")
    email = factory.LazyAttribute(lambda v: f"orders@{v.slug}.test")

    @factory.post_generation
    def users(self, create, extracted, **kwargs):
        if create and extracted:
            self.users.add(*extracted)


class PrintSpecFactory(base.PrintSpecFactory):
    class Meta:
        django_get_or_create = ("name",)

    name = SMALL["name"]
    trim_width_mm = SMALL["trim_width_mm"]
    trim_height_mm = SMALL["trim_height_mm"]
    bleed_mm = SMALL["bleed_mm"]
    safe_margin_mm = SMALL["safe_margin_mm"]
    min_dpi = SMALL["min_dpi"]
    is_wrap = False
    masks = factory.LazyFunction(list)
    mockup = MockupKind.POSTER_FRAME
    source = "test fixture"


def spec_of(kind: str) -> PrintSpec:
    data = {"poster": POSTER, "mug": MUG, "case": CASE, "small": SMALL, "card": CARD}[kind]
    return PrintSpecFactory(**data)


class ProductFactory(base.ProductFactory):
    class Meta:
        django_get_or_create = ("slug",)

    title = factory.Sequence(lambda n: f"Product {n}")
    slug = factory.Sequence(lambda n: f"product-{n}")
    kind = ProductKind.POSTER


class VariantFactory(base.VariantFactory):
    product = factory.SubFactory(ProductFactory)
    name = factory.Sequence(lambda n: f"Size {n}")
    sku = factory.Sequence(lambda n: f"SKU-{n:04d}")
    print_spec = factory.SubFactory(PrintSpecFactory)
    price_minor = 2500


class StyleFactory(base.StyleFactory):
    class Meta:
        django_get_or_create = ("slug",)

    slug = "retro-cel"


class UploadFactory(base.UploadFactory):
    owner_session = "session-key"
    original = factory.LazyFunction(lambda: ContentFile(photo_png(), name="original.png"))
    image = factory.LazyFunction(lambda: ContentFile(photo_png(), name="image.png"))
    width = 96
    height = 128


class StylingJobFactory(base.StylingJobFactory):
    upload = factory.SubFactory(UploadFactory)
    style = factory.SubFactory(StyleFactory)
    result = factory.LazyFunction(lambda: ContentFile(photo_png(), name="styled.png"))


class DesignFactory(base.DesignFactory):
    job = factory.SubFactory(StylingJobFactory)
    variant = factory.SubFactory(VariantFactory)


ShippingRateFactory = base.ShippingRateFactory


class OrderFactory(base.OrderFactory):
    owner_session = ""
    status = OrderStatus.PAID
    email = factory.Sequence(lambda n: f"shopper{n}@example.test")
    ship_name = "Ann Smith"
    ship_line1 = "1 Main Street"
    ship_city = "Springfield"
    subtotal_minor = 2500
    total_minor = 3000
    paid_at = datetime(2025, 3, 4, 5, 6, 7, tzinfo=UTC)


class OrderLineFactory(base.OrderLineFactory):
    order = factory.SubFactory(OrderFactory)
    design = factory.SubFactory(DesignFactory)
    quantity = 1
    product_title = factory.LazyAttribute(lambda o: o.design.variant.product.title)
    variant_name = factory.LazyAttribute(lambda o: o.design.variant.name)
    sku = factory.LazyAttribute(lambda o: o.design.variant.sku)
    unit_price_minor = 2500
    print_spec = factory.LazyAttribute(lambda o: spec_snapshot(o.design.variant.print_spec))
    style_name = factory.LazyAttribute(lambda o: o.design.job.style.name)


def product_for(kind: str, vendor: Vendor | None = None) -> Variant:
    """A product + variant with the real spec of ``kind``, routed to ``vendor``."""
    spec = spec_of(kind)
    product = ProductFactory(
        slug=f"{kind}-product", title=spec.name.split(" ")[0], kind=KINDS.get(kind, "poster")
    )
    if vendor is not None:
        ProductRoute.objects.update_or_create(product=product, defaults={"vendor": vendor})
    return VariantFactory(product=product, print_spec=spec, sku=f"{kind.upper()}-1", name=spec.name)


def paid_order_with_lines(kinds: list[str], vendor: Vendor | None = None, **order_kwargs) -> Order:
    """A paid order with one line per product kind; designs carry a small styled PNG."""
    order = OrderFactory(**order_kwargs)
    for kind in kinds:
        variant = Variant.objects.filter(sku=f"{kind.upper()}-1").first() or product_for(
            kind, vendor
        )
        job = job_for(STYLED_SIZES[kind])
        design = DesignFactory(job=job, variant=variant)
        OrderLineFactory(order=order, design=design)
    return order


def job_for(size: tuple[int, int]):
    """A done job whose original upload is a real photo of ``size`` and whose result is the
    job's style (retro-cel) run on it, as the worker would: the print re-renders from the
    original, the preview is the result."""
    from styling import engine

    original = photo_png(size)
    upload = UploadFactory(
        original=ContentFile(original, name="original.png"),
        image=ContentFile(original, name="image.png"),
        width=size[0],
        height=size[1],
        crop={"x": 0, "y": 0, "w": size[0], "h": size[1]},
    )
    style = StyleFactory()
    with Image.open(io.BytesIO(original)) as im:
        styled = engine.stylize_for_print(
            style, im.convert("RGB"), strength=1.0, preserve_color=False
        )
    out = io.BytesIO()
    styled.save(out, "PNG")
    return StylingJobFactory(
        upload=upload, style=style, result=ContentFile(out.getvalue(), name="styled.png")
    )


def run_line_pipeline(order: Order) -> None:
    """Run the print pipeline in this process, step by step, as the worker chain would.

    Nothing is enqueued, so no task outlives the test (even a transactional one).
    """
    from printing import pipeline

    plan = pipeline.render_order(order.pk, enqueue=False)
    for line_id in plan.queued:
        pipeline.upscale_line(line_id)
        pipeline.write_line_pdf(line_id)

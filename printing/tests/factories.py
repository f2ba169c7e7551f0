"""Factories for print-file and vendor-portal tests: printing's own models, and helpers.

Vendors and their users are printing's; every other row comes from the factory of the app
that owns it (catalog, styling, orders), with overrides, never a subclass. The print specs
are the seeded ones (``catalog.seed.spec_fields``: 18 x 24 in poster, 11 oz mug wrap, iPhone 15
case) plus a small test card for tests about the pipeline rather than about real sizes. A paid
order's lines carry a design with a done styling job and a small styled PNG in private storage.
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
from catalog.seed import spec_fields
from catalog.tests.factories import PrintSpecFactory, ProductFactory, VariantFactory
from orders.models import Order, OrderStatus
from orders.tests.factories import OrderFactory, OrderLineFactory
from printing.models import PrintStatus, ProductRoute, Vendor
from styling.models import StylingJob
from styling.tests.factories import DesignFactory, StyleFactory, StylingJobFactory, UploadFactory

SHARED_PHOTOS = Path(__file__).resolve().parents[3] / "shared" / "data" / "photos" / "bsd68"
PASSWORD = "print-portal-pass-1"

# The shop's real specs, as seeded.
POSTER = spec_fields("Poster 18 x 24 in")
MUG = spec_fields("Mug 11 oz wrap")
CASE = spec_fields("Phone case iPhone 15")
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


def spec_of(kind: str) -> PrintSpec:
    data = {"poster": POSTER, "mug": MUG, "case": CASE, "small": SMALL, "card": CARD}[kind]
    return PrintSpecFactory(**data)


def paid_order(**overrides: object) -> Order:
    """An order paid on a fixed date (PDF dates come from the order, so bytes repeat)."""
    fields = {
        "owner_session": "",
        "status": OrderStatus.PAID,
        "paid_at": datetime(2025, 3, 4, 5, 6, 7, tzinfo=UTC),
    }
    return OrderFactory(**{**fields, **overrides})


def product_for(kind: str, vendor: Vendor | None = None) -> Variant:
    """A product + variant with the real spec of ``kind``, routed to ``vendor``."""
    spec = spec_of(kind)
    product = ProductFactory(
        slug=f"{kind}-product", title=spec.name.split(" ")[0], kind=KINDS.get(kind, "poster")
    )
    if vendor is not None:
        ProductRoute.objects.update_or_create(product=product, defaults={"vendor": vendor})
    return VariantFactory(
        product=product, print_spec=spec, sku=f"{kind.upper()}-1", name=spec.name, price_minor=2500
    )


def paid_order_with_lines(kinds: list[str], vendor: Vendor | None = None, **order_kwargs) -> Order:
    """A paid order with one line per product kind; designs carry a small styled PNG."""
    order = paid_order(**order_kwargs)
    for kind in kinds:
        variant = Variant.objects.filter(sku=f"{kind.upper()}-1").first() or product_for(
            kind, vendor
        )
        job = job_for(STYLED_SIZES[kind])
        design = DesignFactory(job=job, variant=variant)
        OrderLineFactory(order=order, design=design, quantity=1, unit_price_minor=2500)
    return order


def job_for(size: tuple[int, int]) -> StylingJob:
    """A done job whose original upload is a real photo of ``size`` and whose result is the
    job's style (retro-cel) run on it, as the worker would: the print re-renders from the
    original, the preview is the result."""
    from styling import engine

    original = photo_png(size)
    upload = UploadFactory(
        owner_session="session-key",
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
    """Make every line's print file in this process, step by step, as the worker chain would.

    Each line starts as ``render_order`` leaves it (routed to its vendor, ``rendering``), set up
    through ``printing.state``: nothing is enqueued, so no task outlives the test (even a
    transactional one), and a worker a test runs never races these steps.
    """
    from printing import pipeline, state

    for line in order.lines.select_related("design__variant__product").order_by("pk"):
        print_file = state.for_line(line)
        print_file.vendor = pipeline.route_line(line)
        print_file.save(update_fields=["vendor"])
        state.transition(print_file, PrintStatus.RENDERING)
        pipeline.upscale_line(line.pk)
        pipeline.write_line_pdf(line.pk)

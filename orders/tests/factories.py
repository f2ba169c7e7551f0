"""factory_boy factories for orders tests: a finished, orderable design by default."""

from __future__ import annotations

import io
from decimal import Decimal

import factory
from django.core.files.base import ContentFile
from PIL import Image

from orders.models import Order, OrderLine, ShippingRate
from orders.snapshots import spec_snapshot
from styling.models import Design, JobStatus, StylingJob, Upload
from styling.tests import factories as styling_factories


def png_bytes(
    size: tuple[int, int] = (48, 32), color: tuple[int, int, int] = (200, 80, 40)
) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


class PrintSpecFactory(styling_factories.PrintSpecFactory):
    name = factory.Sequence(lambda n: f"Mug wrap {n}")
    trim_width_mm = Decimal("200.00")
    trim_height_mm = Decimal("90.00")
    safe_margin_mm = Decimal("3.00")
    min_dpi = 150
    masks = factory.LazyFunction(list)
    source = ""


ProductFactory = styling_factories.ProductFactory


class VariantFactory(styling_factories.VariantFactory):
    print_spec = factory.SubFactory(PrintSpecFactory)
    price_minor = 1800


class StyleFactory(styling_factories.StyleFactory):
    name = "Retro cel"
    slug = factory.Sequence(lambda n: f"retro-cel-{n}")
    summary = ""
    provenance = "Built-in filter written for Retrocel."
    licence = "Proprietary (ours)"


class UploadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Upload

    owner_session = "session-not-set"
    original = factory.LazyFunction(lambda: ContentFile(png_bytes(), name="photo.png"))
    image = factory.LazyFunction(lambda: ContentFile(png_bytes(), name="photo.png"))
    original_filename = "photo.png"
    width = 48
    height = 32


class StylingJobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StylingJob

    upload = factory.SubFactory(UploadFactory)
    style = factory.SubFactory(StyleFactory)
    status = JobStatus.DONE
    progress = 100
    result = factory.LazyFunction(lambda: ContentFile(png_bytes(), name="styled.png"))


class DesignFactory(factory.django.DjangoModelFactory):
    """A design owned by ``session`` (pass ``job__upload__owner_session``)."""

    class Meta:
        model = Design

    job = factory.SubFactory(StylingJobFactory)
    variant = factory.SubFactory(VariantFactory)
    placement = factory.LazyFunction(lambda: {"scale": 1.0, "offset_x": 0.0, "offset_y": 0.0})
    effective_dpi = 300


class ShippingRateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShippingRate
        django_get_or_create = ("code",)

    code = "us"
    name = "United States"
    amount_minor = 500
    currency = "USD"
    countries = "US"


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Order

    owner_session = "session-not-set"
    email = "kiki@example.com"
    ship_name = "Kiki Delivery"
    ship_line1 = "1 Bakery Lane"
    ship_city = "Koriko"
    ship_postal_code = "12345"
    ship_country = "US"
    shipping_rate = factory.SubFactory(ShippingRateFactory)
    currency = "USD"
    subtotal_minor = 3600
    shipping_minor = 500
    total_minor = 4100


class OrderLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrderLine

    order = factory.SubFactory(OrderFactory)
    design = factory.SubFactory(DesignFactory)
    quantity = 2
    product_title = "Mug"
    variant_name = "11 oz"
    sku = "MUG-11"
    unit_price_minor = 1800
    # the snapshot checkout stores (SpecSnapshot.from_json accepts it), of the design's own spec
    print_spec = factory.LazyAttribute(lambda o: spec_snapshot(o.design.variant.print_spec))
    style_name = "Retro cel"

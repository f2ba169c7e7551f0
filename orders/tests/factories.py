"""factory_boy factories for orders' models: one per model, flat.

A line's design is ``styling.tests.factories.DesignFactory`` (a finished design on the seeded
11 oz mug); tests pass overrides instead of subclassing.
"""

from __future__ import annotations

import factory

from orders.models import Order, OrderLine, ShippingRate
from orders.snapshots import spec_snapshot
from styling.tests.factories import DesignFactory


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
    product_title = factory.LazyAttribute(lambda o: o.design.variant.product.title)
    variant_name = factory.LazyAttribute(lambda o: o.design.variant.name)
    sku = factory.LazyAttribute(lambda o: o.design.variant.sku)
    unit_price_minor = 1800
    # the snapshot checkout stores (SpecSnapshot.from_json accepts it), of the design's own spec
    print_spec = factory.LazyAttribute(lambda o: spec_snapshot(o.design.variant.print_spec))
    style_name = factory.LazyAttribute(lambda o: o.design.job.style.name)

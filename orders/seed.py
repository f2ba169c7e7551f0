"""Demo data for orders: shipping rates, a demo print vendor with a portal user, product routes.

Idempotent: running it again keeps one of everything and what an editor changed.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from catalog.models import Product
from orders.models import ProductRoute, ShippingRate, Vendor

EUROPE = (
    "AT,BE,BG,CH,CY,CZ,DE,DK,EE,ES,FI,FR,GB,GR,HR,HU,IE,IS,IT,LT,LU,LV,MT,NL,NO,PL,PT,RO,SE,SI,SK"
)
RATES = [
    # code, name, amount (minor units), countries, sort order
    ("us", "United States", 500, "US", 10),
    ("ca", "Canada", 900, "CA", 20),
    ("europe", "Europe", 1100, EUROPE, 30),
    ("world", "Rest of the world", 1500, "", 40),
]


@dataclass(frozen=True)
class VendorCredentials:
    username: str
    password: str | None  # None when the user existed and its password was kept


@transaction.atomic
def seed_orders(vendor_password: str | None = None) -> VendorCredentials:
    for code, name, amount, countries, order in RATES:
        ShippingRate.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "amount_minor": amount,
                "currency": settings.SHOP_CURRENCY,
                "countries": countries,
                "sort_order": order,
            },
        )
    vendor, _ = Vendor.objects.get_or_create(
        slug="inkwell",
        defaults={"name": "Inkwell Print Co. (demo)", "email": "orders@inkwell.test"},
    )
    user_model = get_user_model()
    user = user_model.objects.filter(username="vendor").first()
    password = vendor_password
    if user is None:
        password = password or secrets.token_urlsafe(12)
        user = user_model.objects.create_user("vendor", "vendor@inkwell.test", password)
    elif password:
        user.set_password(password)
        user.save()
    vendor.users.add(user)
    for product in Product.objects.all():
        ProductRoute.objects.get_or_create(product=product, defaults={"vendor": vendor})
    return VendorCredentials("vendor", password)

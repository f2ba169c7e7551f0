"""Demo data for orders: shipping rates (the print vendor is seeded by ``printing.seed``).

Idempotent: running it again keeps one of everything and what an editor changed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from orders.models import ShippingRate

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


@transaction.atomic
def seed_orders() -> None:
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

"""Demo data for printing: a demo print vendor with a portal user, and product routes.

Idempotent: running it again keeps one of everything and what an editor changed.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from catalog.models import Product
from printing.models import ProductRoute, Vendor


@dataclass(frozen=True)
class VendorCredentials:
    username: str
    password: str | None  # None when the user existed and its password was kept


@transaction.atomic
def seed_printing(vendor_password: str | None = None) -> VendorCredentials:
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

"""``manage.py seed_demo``: idempotent demo data for the embedded stack."""

from __future__ import annotations

import os

from django.core.management.base import BaseCommand

from catalog.seed import seed_catalog
from orders.seed import seed_orders
from printing.seed import seed_printing
from shop import seed
from showcase.seed import seed_gallery
from styling.seed import seed_styles


class Command(BaseCommand):
    help = "Create the demo site, home page and admin user (safe to run again)."

    def add_arguments(self, parser: object) -> None:
        parser.add_argument(
            "--samples-now",
            action="store_true",
            help="Render style samples here instead of queueing them for the worker.",
        )

    def handle(self, *args: object, **options: object) -> None:
        home = seed.seed_site()
        seed_catalog(home)
        seed_styles(home, samples_now=bool(options.get("samples_now")))
        seed_gallery(home)
        creds = seed.seed_admin(
            username=os.environ.get("RETROCEL_ADMIN_USER", "admin"),
            password=os.environ.get("RETROCEL_ADMIN_PASSWORD") or None,
            email=os.environ.get("RETROCEL_ADMIN_EMAIL", "admin@retrocel.test"),
        )
        if creds.password:
            self.stdout.write(f"Admin user: {creds.username}  password: {creds.password}")
        else:
            self.stdout.write(f"Admin user {creds.username} already exists (password unchanged).")
        seed_orders()
        # After the catalog: routes every product to the demo vendor.
        vendor = seed_printing(vendor_password=os.environ.get("RETROCEL_VENDOR_PASSWORD") or None)
        if vendor.password:
            self.stdout.write(f"Vendor portal user: {vendor.username}  password: {vendor.password}")
        self.stdout.write(self.style.SUCCESS("Demo data ready."))

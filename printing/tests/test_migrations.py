"""Existing rows survive the move of print fields, vendors and routing into printing.

Rows are written at the old state (``orders.0003``, before printing existed)
and migrated forward with Django's ``MigrationExecutor``.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from orders.tests.factories import OrderLineFactory
from printing.models import PrintFile, PrintStatus, ProductRoute, Vendor
from printing.tests.factories import ProductFactory, UserFactory, VendorFactory

OLD = [("orders", "0003_print_files"), ("printing", None)]
RENDERED_AT = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def _migrate(targets):  # type: ignore[no-untyped-def]
    """Migrate to ``targets``; the apps registry of that state (printing's "zero" left out)."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps


@pytest.mark.django_db(transaction=True)
def test_lines_print_fields_vendors_and_routes_carry_over() -> None:
    # Given a vendor with a portal user and a route, and two lines, at today's schema
    user = UserFactory(username="inkwell-staff")
    vendor = VendorFactory(slug="inkwell", users=[user])
    product = ProductFactory(slug="migrated-product")
    ProductRoute.objects.create(product=product, vendor=vendor)
    rendered, untouched = OrderLineFactory(), OrderLineFactory()
    leaf = MigrationExecutor(connection).loader.graph.leaf_nodes()
    # When the schema goes back to before printing, a line gets print fields the old way
    old_apps = _migrate(OLD)
    old_line = old_apps.get_model("orders", "OrderLine")
    old_line.objects.filter(pk=rendered.pk).update(
        vendor_id=vendor.pk,
        print_status="ready",
        print_file="print/N1/N1-line-1-MUG-11.pdf",
        print_error="",
        preflight={"passed": True, "image_ppi": [312.5]},
        print_sha256="ab" * 32,
        print_rendered_at=RENDERED_AT,
        upscaled_image="print/N1/line-1-upscaled.png",
        upscale_key="cd" * 32,
        upscale_factor=4.0,
    )
    # And the schema migrates forward again
    _migrate(leaf)
    # Then the rendered line has a print file with exactly those values
    print_file = PrintFile.objects.get(line_id=rendered.pk)
    assert (
        print_file.vendor_id,
        print_file.status,
        print_file.file.name,
        print_file.preflight,
        print_file.sha256,
        print_file.rendered_at,
        print_file.upscaled_image.name,
        print_file.upscale_key,
        print_file.upscale_factor,
    ) == (
        vendor.pk,
        PrintStatus.READY,
        "print/N1/N1-line-1-MUG-11.pdf",
        {"passed": True, "image_ppi": [312.5]},
        "ab" * 32,
        RENDERED_AT,
        "print/N1/line-1-upscaled.png",
        "cd" * 32,
        4.0,
    )
    assert print_file.is_ready
    # And the line never routed or rendered has none
    assert not PrintFile.objects.filter(line_id=untouched.pk).exists()
    # And vendors, their users and routes are the same rows, now printing's
    assert list(Vendor.objects.values_list("pk", "slug")) == [(vendor.pk, "inkwell")]
    assert list(Vendor.objects.get().users.values_list("username", flat=True)) == ["inkwell-staff"]
    assert ProductRoute.objects.get(product=product).vendor_id == vendor.pk
    assert Permission.objects.get(codename="change_vendor").content_type.app_label == "printing"

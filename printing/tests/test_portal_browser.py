"""A vendor in a real browser: sign in, find the paid order, download its zip, ship it.

Then the shopper's order page (the signed link from their email) says shipped.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from devkit.browser import chromium
from orders.links import order_path
from orders.models import OrderEvent, OrderStatus
from printing.tests.factories import (
    PASSWORD,
    UserFactory,
    VendorFactory,
    paid_order_with_lines,
    run_line_pipeline,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def test_vendor_downloads_zip_and_ships_then_shopper_sees_shipped(
    live_server, rdn_weights, monkeypatch, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    # Given a vendor login and a paid order whose print files are ready
    user = UserFactory(username="printer")
    vendor = VendorFactory(name="Print House A", slug="print-house-a", users=[user])
    order = paid_order_with_lines(["small"], vendor)
    run_line_pipeline(order)
    order.refresh_from_db()
    assert order.ready_for_production_at is not None
    line = order.lines.get()
    shopper_url = f"{live_server.url}{order_path(order)}"
    ARTIFACTS.mkdir(exist_ok=True)
    # Playwright's sync API runs an event loop in this thread; the ORM calls below are sync.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    with chromium(accept_downloads=True) as context:
        page = context.new_page()
        # When the vendor signs in through the portal's login redirect
        page.goto(f"{live_server.url}/vendor/")
        assert "/accounts/login/" in page.url
        page.fill("input[name=login]", "printer")  # allauth: username or e-mail
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        # Then the portal lists the paid order
        row = page.locator(f"[data-testid=portal-order][data-number='{order.number}']")
        expect(row).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "portal-orders.png"), full_page=True)
        row.get_by_role("link", name=order.number).click()
        expect(page.get_by_test_id("portal-order-status")).to_have_text("Paid")

        # When the vendor downloads the order's zip
        with page.expect_download() as download_info:
            page.get_by_test_id("download-zip").click()
        download = download_info.value
        assert download.suggested_filename == f"retrocel-order-{order.number}.zip"
        saved = tmp_path / download.suggested_filename
        download.save_as(saved)
        names = zipfile.ZipFile(saved).namelist()
        assert names == [line.printfile.file.name.rsplit("/", 1)[1], "MANIFEST.txt"]
        assert zipfile.ZipFile(saved).read(names[0]) == line.printfile.file.read()

        # And marks the line shipped with carrier and tracking number
        page.fill("input[name=carrier]", "UPS")
        page.fill("input[name=tracking_number]", "1Z999AA10123456784")
        page.get_by_test_id("mark-shipped").click()
        expect(page.get_by_test_id("line-status")).to_have_text("Shipped")
        expect(page.get_by_test_id("portal-order-status")).to_have_text("Shipped")
        page.screenshot(path=str(ARTIFACTS / "portal-order-shipped.png"), full_page=True)

        # Then the shopper's order page shows shipped, with the tracking number
        shopper_context = context.browser.new_context()
        context.csp.attach(shopper_context)
        shopper = shopper_context.new_page()
        shopper.goto(shopper_url)
        expect(shopper.get_by_test_id("order-status")).to_have_attribute("data-status", "shipped")
        expect(shopper.locator("main")).to_contain_text("tracking 1Z999AA10123456784")
        shopper.screenshot(path=str(ARTIFACTS / "shopper-order-shipped.png"), full_page=True)

    order.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED
    kinds = list(OrderEvent.objects.filter(order=order, actor=user).values_list("kind", flat=True))
    assert kinds == ["download_zip", "line_status", "status", "line_status", "status"]

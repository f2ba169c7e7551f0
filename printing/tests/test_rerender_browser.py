"""An admin in a real browser re-renders a line's print file from the Wagtail order inspector.

The real worker runs the chain; the previous file stays downloadable meanwhile.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from devkit.browser import chromium
from orders.models import OrderEvent
from orders.tests.helpers import wait_for
from printing.models import PrintFile, PrintFileEvent, PrintStatus
from printing.tests.factories import (
    PASSWORD,
    VendorFactory,
    paid_order_with_lines,
    run_line_pipeline,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.worker,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def test_admin_rerenders_a_line_from_the_order_inspector(
    live_server, celery_worker, rdn_weights, django_user_model, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    # Given an admin and a paid order whose line's print file is ready
    admin = django_user_model.objects.create_superuser("boss", "boss@example.test", PASSWORD)
    order = paid_order_with_lines(["small"], VendorFactory())
    run_line_pipeline(order)
    line = order.lines.get()
    first = PrintFile.objects.get(pk=line.pk)
    assert first.status == PrintStatus.READY
    ARTIFACTS.mkdir(exist_ok=True)
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    with chromium(viewport={"width": 1400, "height": 1000}) as context:
        page = context.new_page()
        # When the admin signs in and opens the order in the inspector
        page.goto(f"{live_server.url}/cms/orders/inspect/{order.pk}/")
        page.fill("input[name=username]", "boss")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        row = page.locator(f"[data-testid=print-files] tr[data-line='{line.pk}']")
        # Then the line's print file and its preflight are shown
        expect(row.get_by_test_id("print-status")).to_contain_text("Ready")
        expect(row.get_by_test_id("preflight")).to_contain_text("Passed")
        expect(row.get_by_test_id("preflight")).to_contain_text("image_ppi")
        page.screenshot(path=str(ARTIFACTS / "admin-print-files.png"), full_page=True)
        # When the admin re-renders the line
        row.get_by_role("button", name="Re-render line").click()
        expect(page.locator("body")).to_contain_text("Re-rendering the print file of line")
        # Then the worker renders it again and the inspector shows it ready
        wait_for(
            lambda: PrintFileEvent.objects.filter(
                print_file_id=line.pk, from_status=PrintStatus.RERENDERING
            ).exists(),
            timeout=240,
            what="the re-render chain",
        )
        page.reload()
        row = page.locator(f"[data-testid=print-files] tr[data-line='{line.pk}']")
        expect(row.get_by_test_id("print-status")).to_contain_text("Ready")
        page.screenshot(path=str(ARTIFACTS / "admin-print-files-rerendered.png"), full_page=True)

    fresh = PrintFile.objects.get(pk=line.pk)
    assert (fresh.status, fresh.error, fresh.file.name) == (PrintStatus.READY, "", first.file.name)
    assert fresh.rendered_at > first.rendered_at
    assert fresh.sha256 == first.sha256  # the same inputs give the same bytes
    assert list(PrintFileEvent.objects.filter(print_file=fresh).values_list("to_status", "actor"))[
        -2:
    ] == [(PrintStatus.RERENDERING, admin.pk), (PrintStatus.READY, None)]
    assert OrderEvent.objects.get(order=order, kind="rerender_requested").actor == admin

"""The whole print chain on a real Celery worker: paid -> files -> ready -> vendor emailed."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from django.conf import settings

from orders.models import EventKind, Order
from printing.models import PrintStatus
from printing.tasks import render_order_print_files
from printing.tests.factories import VendorFactory, paid_order_with_lines

pytestmark = [pytest.mark.worker, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def wait_for(predicate, timeout: float = 240.0, what: str = "condition"):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def test_paid_order_gets_print_files_and_its_vendor_an_email(celery_worker, rdn_weights) -> None:
    # Given a paid two-line order routed to a vendor
    vendor = VendorFactory(email="prints@vendor.test")
    order = paid_order_with_lines(["small", "small"], vendor)
    mail_dir = Path(settings.EMAIL_FILE_PATH)
    before = set(mail_dir.glob("*")) if mail_dir.exists() else set()

    # When the orders app's task for a paid order runs on the worker
    render_order_print_files.delay(order.pk)

    # Then each line's chain (gpu upscale -> PDF + preflight) runs and the order becomes ready
    ready = wait_for(
        lambda: Order.objects.filter(pk=order.pk, ready_for_production_at__isnull=False).first(),
        what=f"order {order.number} ready; worker log:\n{celery_worker.log()}",
    )
    lines = list(ready.lines.order_by("pk"))
    assert [line.printfile.status for line in lines] == [PrintStatus.READY, PrintStatus.READY]
    assert all(line.printfile.preflight["passed"] for line in lines)
    assert all(line.printfile.file.name.endswith(f"-line-{line.pk}-SMALL-1.pdf") for line in lines)
    assert ready.events.filter(kind=EventKind.READY_FOR_PRODUCTION).count() == 1

    # And the vendor gets one email with the portal link
    def vendor_mail() -> list[str]:
        if not mail_dir.exists():
            return []
        texts = [p.read_text() for p in set(mail_dir.glob("*")) - before]
        return [t for t in texts if "prints@vendor.test" in t]

    messages = wait_for(vendor_mail, timeout=60, what="the vendor email")
    assert len(messages) == 1
    assert f"/vendor/orders/{order.number}/" in messages[0]

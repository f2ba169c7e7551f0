"""Vendor portal: who may see what, audited downloads, the streamed zip, fulfilment moves."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core import mail
from django.urls import reverse

from orders.models import LineStatus, OrderEvent, OrderStatus
from printing.tests.factories import (
    PASSWORD,
    UserFactory,
    VendorFactory,
    paid_order_with_lines,
    run_line_pipeline,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(rdn_weights):  # type: ignore[no-untyped-def]
    """Vendor A with a ready two-line order, vendor B with its own ready order, a shopper."""
    user_a, user_b = UserFactory(username="vendor-a"), UserFactory(username="vendor-b")
    shopper = UserFactory(username="shopper")
    vendor_a = VendorFactory(slug="vendor-a", users=[user_a])
    vendor_b = VendorFactory(slug="vendor-b", users=[user_b])
    order_a = paid_order_with_lines(["small", "small"], vendor_a, user=shopper)
    run_line_pipeline(order_a)
    order_b = paid_order_with_lines(["card"], vendor_b)
    run_line_pipeline(order_b)
    for order in (order_a, order_b):
        order.refresh_from_db()
        assert order.ready_for_production_at is not None
    return {
        "users": {"a": user_a, "b": user_b, "shopper": shopper, "anonymous": None},
        "order_a": order_a,
        "order_b": order_b,
    }


def urls_for(order):  # type: ignore[no-untyped-def]
    line = order.lines.order_by("pk").first()
    return {
        "list": ("get", reverse("vendor_portal:orders")),
        "detail": ("get", reverse("vendor_portal:order", args=[order.number])),
        "zip": ("get", reverse("vendor_portal:order-zip", args=[order.number])),
        "pdf": ("get", reverse("vendor_portal:line-pdf", args=[order.number, line.pk])),
        "status": ("post", reverse("vendor_portal:line-status", args=[order.number, line.pk])),
    }


def as_user(client, user):  # type: ignore[no-untyped-def]
    if user is not None:
        client.force_login(user)
    return client


# Expected status of each portal URL for vendor A's order, per visitor.
ACCESS = {
    "anonymous": {"list": 302, "detail": 302, "zip": 302, "pdf": 302, "status": 302},
    "shopper": {"list": 403, "detail": 403, "zip": 403, "pdf": 403, "status": 403},
    "b": {"list": 200, "detail": 404, "zip": 404, "pdf": 404, "status": 404},
    "a": {"list": 200, "detail": 200, "zip": 200, "pdf": 200, "status": 302},
}


@pytest.mark.parametrize("who", ["anonymous", "shopper", "b", "a"])
def test_every_portal_url_admits_only_the_orders_vendor(client, world, who) -> None:  # type: ignore[no-untyped-def]
    order = world["order_a"]
    client = as_user(client, world["users"][who])
    events_before = OrderEvent.objects.filter(order=order).count()
    for name, (method, url) in urls_for(order).items():
        data = {"to": "in_production"} if method == "post" else None
        response = getattr(client, method)(url, data)
        assert response.status_code == ACCESS[who][name], (who, name, url)
        if who == "anonymous":
            assert response["Location"].startswith("/accounts/login/?next=/vendor/")
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    line = order.lines.order_by("pk").first()
    if who == "a":
        # Two downloads and one move, each audited with the actor.
        kinds = list(
            OrderEvent.objects.filter(order=order, actor=world["users"]["a"]).values_list(
                "kind", flat=True
            )
        )
        assert kinds == ["download_zip", "download", "line_status", "status"]
        assert line.status == LineStatus.IN_PRODUCTION
    else:
        # Nothing was downloaded, audited or moved.
        assert OrderEvent.objects.filter(order=order).count() == events_before
        assert line.status == LineStatus.PENDING


def test_vendor_lists_only_its_orders_and_filters_by_status(client, world) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world["users"]["b"])
    page = client.get(reverse("vendor_portal:orders")).content.decode()
    assert world["order_b"].number in page
    assert world["order_a"].number not in page
    assert world["order_b"].number not in client.get("/vendor/?status=shipped").content.decode()
    assert world["order_b"].number in client.get("/vendor/?status=new").content.decode()
    response = client.get("/vendor/?status=bogus")
    assert "There is no status filter called “bogus”" in response.content.decode()


def test_zip_streams_every_pdf_of_the_order_with_a_manifest(client, world) -> None:  # type: ignore[no-untyped-def]
    order = world["order_a"]
    client.force_login(world["users"]["a"])
    response = client.get(reverse("vendor_portal:order-zip", args=[order.number]))
    assert response.streaming
    assert response["Content-Disposition"] == (
        f'attachment; filename="retrocel-order-{order.number}.zip"'
    )
    body = b"".join(response.streaming_content)
    assert len(body) == int(response["Content-Length"])
    archive = zipfile.ZipFile(io.BytesIO(body))
    lines = list(order.lines.order_by("pk"))
    names = [line.printfile.file.name.rsplit("/", 1)[1] for line in lines]
    assert archive.namelist() == [*names, "MANIFEST.txt"]
    for line, name in zip(lines, names, strict=True):
        assert archive.read(name) == line.printfile.file.read()
        assert archive.getinfo(name).compress_type == zipfile.ZIP_STORED
    assert archive.read("MANIFEST.txt").decode().count("sha256 ") == 2


def test_pdf_download_is_the_print_file(client, world) -> None:  # type: ignore[no-untyped-def]
    order = world["order_a"]
    line = order.lines.order_by("pk").first()
    client.force_login(world["users"]["a"])
    response = client.get(reverse("vendor_portal:line-pdf", args=[order.number, line.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == line.printfile.file.read()
    event = OrderEvent.objects.get(order=order, kind="download")
    assert (event.line_id, event.actor, event.note) == (
        line.pk,
        world["users"]["a"],
        line.printfile.file.name.rsplit("/", 1)[1],
    )


def test_shipping_every_line_ships_the_order_and_emails_tracking(
    client, world, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    order = world["order_a"]
    client.force_login(world["users"]["a"])
    mail.outbox.clear()
    for line in order.lines.order_by("pk"):
        url = reverse("vendor_portal:line-status", args=[order.number, line.pk])
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            response = client.post(
                url, {"to": "shipped", "carrier": "UPS", "tracking_number": f"1Z{line.pk:08d}"}
            )
        assert response.status_code == 302
        # The shipped email is a task enqueued after commit; run its body here.
        assert len(callbacks) == 1
        from printing.emails import notify_shopper_shipped

        line.refresh_from_db()
        notify_shopper_shipped(line=line)
    order.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED
    assert [(ln.status, ln.carrier) for ln in order.lines.all()] == [("shipped", "UPS")] * 2
    assert [m.to for m in mail.outbox] == [[order.email], [order.email]]
    assert "Tracking number: 1Z" in mail.outbox[0].body
    # The shopper's order page shows it.
    shopper = client.__class__()
    shopper.force_login(world["users"]["shopper"])
    page = shopper.get(reverse("orders:order", args=[order.token]))
    assert page.status_code == 200
    assert 'data-status="shipped"' in page.content.decode()


def test_shipping_without_tracking_is_refused_and_changes_nothing(client, world) -> None:  # type: ignore[no-untyped-def]
    order = world["order_a"]
    line = order.lines.order_by("pk").first()
    client.force_login(world["users"]["a"])
    url = reverse("vendor_portal:line-status", args=[order.number, line.pk])
    response = client.post(
        url, {"to": "shipped", "carrier": "UPS", "tracking_number": " "}, follow=True
    )
    assert "Give the tracking number to mark the line shipped." in response.content.decode()
    response = client.post(url, {"to": "delivered"}, follow=True)
    assert "Select a valid choice. delivered is not one of the available choices." in (
        response.content.decode()
    )
    line.refresh_from_db()
    assert (line.status, line.tracking_number) == (LineStatus.PENDING, "")
    assert not OrderEvent.objects.filter(order=order, kind="line_status").exists()


def test_order_not_ready_for_production_is_invisible_to_its_vendor(client, rdn_weights) -> None:  # type: ignore[no-untyped-def]
    user = UserFactory(username="vendor-c")
    vendor = VendorFactory(slug="vendor-c", users=[user])
    order = paid_order_with_lines(["small"], vendor)  # paid, files not rendered yet
    client.force_login(user)
    assert order.number not in client.get("/vendor/").content.decode()
    assert client.get(reverse("vendor_portal:order", args=[order.number])).status_code == 404


def test_login_page_leads_a_vendor_into_the_portal(client, world) -> None:  # type: ignore[no-untyped-def]
    response = client.post(
        "/accounts/login/?next=/vendor/",
        {"login": "vendor-a", "password": PASSWORD, "next": "/vendor/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/vendor/"

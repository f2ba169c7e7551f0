"""The print pipeline's services, step by step in this process (the worker test runs the chain)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.storage import storages

from orders.models import OrderEvent
from orders.snapshots import SpecSnapshot
from printing import pipeline
from printing import tasks as print_tasks
from printing.emails import notify_vendor_new_order
from printing.models import PrintStatus
from printing.preflight import preflight_pdf
from printing.tests.factories import (
    VendorFactory,
    paid_order_with_lines,
    run_line_pipeline,
)
from shop.media import stored_names

pytestmark = pytest.mark.django_db


def scheduled(callbacks, func) -> list[tuple]:  # type: ignore[no-untyped-def]
    return [cb.args for cb in callbacks if getattr(cb, "func", None) is func]


def test_render_order_routes_each_line_and_schedules_one_chain_per_line(
    django_capture_on_commit_callbacks,
) -> None:
    # Given a paid order with two lines whose product is routed to a vendor
    vendor = VendorFactory()
    order = paid_order_with_lines(["small", "small"], vendor)
    # When its print files are requested
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        plan = pipeline.render_order(order.pk)
    # Then every line is routed and rendering, and one chain per line is enqueued after commit
    lines = list(order.lines.order_by("pk"))
    assert plan.queued == tuple(line.pk for line in lines)
    assert plan.unrouted == ()
    assert [(line.printfile.vendor_id, line.printfile.status) for line in lines] == [
        (vendor.pk, PrintStatus.RENDERING),
        (vendor.pk, PrintStatus.RENDERING),
    ]
    assert scheduled(callbacks, pipeline.enqueue_line_chain) == [(lines[0].pk,), (lines[1].pk,)]
    assert list(order.events.values_list("kind", flat=True)) == ["routed", "routed"]


def test_unrouted_product_is_reported_and_blocks_production(
    django_capture_on_commit_callbacks, rdn_weights
) -> None:
    # Given a paid order whose product has no vendor route
    order = paid_order_with_lines(["small"], vendor=None)
    # When it is rendered
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        plan = pipeline.render_order(order.pk)
    for args in scheduled(callbacks, pipeline._notify_admins_routing):
        pipeline._notify_admins_routing(*args)
    line = order.lines.get()
    pipeline.upscale_line(line.pk)
    pipeline.write_line_pdf(line.pk)
    # Then the file is made, but the order is not ready and the admins are told why
    order.refresh_from_db()
    line.refresh_from_db()
    assert plan.unrouted == (line.pk,)
    assert line.printfile.status == PrintStatus.READY
    assert order.ready_for_production_at is None
    assert pipeline.order_is_ready(order) == (False, [f"line {line.pk} has no vendor"])
    assert [m.subject for m in mail.outbox] == [
        f"[Django] Print file failed: order {order.number}, the order"
    ]
    assert "No active vendor is routed for" in mail.outbox[0].body


def test_ready_order_is_marked_once_and_each_vendor_notified_with_a_portal_link(
    django_capture_on_commit_callbacks, rdn_weights
) -> None:
    # Given a paid two-line order routed to one vendor
    vendor = VendorFactory()
    order = paid_order_with_lines(["small", "small"], vendor)
    # When both lines have been rendered
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run_line_pipeline(order)
    # Then the order is ready, audited once, and one notification is scheduled for the vendor
    order.refresh_from_db()
    assert order.ready_for_production_at is not None
    assert order.events.filter(kind="ready_for_production").count() == 1
    assert order.events.filter(kind="print_file_ready").count() == 2
    assert scheduled(callbacks, pipeline.enqueue_vendor_notification) == [(order.pk, vendor.pk)]
    # And marking it again changes nothing
    assert pipeline.mark_order_ready_if_complete(order.pk) is False
    # And the vendor's email lists the lines and links to the portal order page
    assert notify_vendor_new_order(order=order, vendor=vendor) == 1
    message = mail.outbox[-1]
    assert message.to == [vendor.email]
    assert f"http://127.0.0.1:8000/vendor/orders/{order.number}/" in message.body
    assert message.body.count("SMALL-1") == 2


def test_rendering_a_line_twice_gives_the_same_file_at_the_same_path(rdn_weights) -> None:
    # Given a rendered line
    order = paid_order_with_lines(["small"], VendorFactory())
    run_line_pipeline(order)
    line = order.lines.get()
    first_name, first = line.printfile.file.name, line.printfile.file.read()
    assert first_name == f"print/{order.number}/{order.number}-line-{line.pk}-SMALL-1.pdf"
    # When an admin re-renders it
    plan = pipeline.render_order(order.pk, force=True)
    assert plan.queued == (line.pk,)
    assert pipeline.upscale_line(line.pk) is False  # the upscaled image is reused
    assert pipeline.write_line_pdf(line.pk) is True
    # Then the file is byte-identical, at the same path, with nothing left beside it
    line.refresh_from_db()
    assert line.printfile.file.name == first_name
    assert line.printfile.file.read() == first
    folder = f"print/{order.number}"
    assert stored_names(line.printfile.file.storage, folder) == sorted(
        [f"{folder}/line-{line.pk}-upscaled.png", first_name]
    )
    # and no temporary object left behind by the two committed writes
    assert stored_names(line.printfile.file.storage, "tmp") == []


def test_failing_preflight_blocks_the_vendor_and_tells_the_admins(
    monkeypatch, django_capture_on_commit_callbacks, rdn_weights
) -> None:
    # Given a vendor that needs 2400 ppi, which our 100 ppi file does not reach
    def strict(data, spec):  # type: ignore[no-untyped-def]
        return preflight_pdf(data, SpecSnapshot(**{**spec.__dict__, "min_dpi": 2400}))

    monkeypatch.setattr(pipeline, "preflight_pdf", strict)
    order = paid_order_with_lines(["small"], VendorFactory())
    # When the line is rendered
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run_line_pipeline(order)
    # Then the line failed with the reason, the order is not ready, nobody is notified but admins
    line = order.lines.get()
    order.refresh_from_db()
    assert line.printfile.status == PrintStatus.FAILED
    assert line.printfile.error.startswith("Preflight failed: image_ppi: ")
    assert line.printfile.preflight["passed"] is False
    assert order.ready_for_production_at is None
    assert scheduled(callbacks, pipeline.enqueue_vendor_notification) == []
    assert [m.subject for m in mail.outbox] == [
        f"[Django] Print file failed: order {order.number}, line {line.pk} (SMALL-1)"
    ]
    assert order.events.filter(kind="preflight_failed").count() == 1


def test_unreadable_original_photo_fails_for_good_without_retry(rdn_weights) -> None:
    # Given a line whose original upload (what the print renders from) is not an image
    order = paid_order_with_lines(["small"], VendorFactory())
    line = order.lines.get()
    upload = line.design.job.upload
    upload.original.save("broken.png", ContentFile(b"not a png"), save=True)
    pipeline.render_order(order.pk)
    # When the upscale task runs (in this process)
    with pytest.raises(pipeline.PrintFileError, match="can no longer be read"):
        print_tasks.gpu_upscale_line.apply(args=[line.pk], throw=True)
    # Then the line is failed with the reason, admins are mailed, no file was written
    line.refresh_from_db()
    assert line.printfile.status == PrintStatus.FAILED
    assert line.printfile.error.startswith("The original photo can no longer be read: ")
    assert not line.printfile.upscaled_image and not line.printfile.file
    assert OrderEvent.objects.filter(order=order, kind="print_failed").count() == 1
    assert len(mail.outbox) == 1
    # And the PDF step after it does nothing
    assert pipeline.write_line_pdf(line.pk) is False


def test_only_transient_errors_are_retried() -> None:
    from django.db import OperationalError
    from PIL import UnidentifiedImageError

    for step in (print_tasks.gpu_upscale_line, print_tasks.write_line_pdf_task):
        assert step.is_transient(OSError("connection reset by storage"))
        assert step.is_transient(OperationalError("database is locked"))
        assert not step.is_transient(pipeline.PrintFileError("bad placement"))
        assert not step.is_transient(UnidentifiedImageError("not an image"))
        assert not step.is_transient(FileNotFoundError("gone"))
        assert not step.is_transient(ValueError("bug"))


def test_only_paid_orders_are_rendered() -> None:
    order = paid_order_with_lines(["small"], VendorFactory(), status="pending_payment")
    with pytest.raises(pipeline.PrintFileError, match="only paid orders get print files"):
        pipeline.render_order(order.pk)
    line = order.lines.get()
    assert not hasattr(line, "printfile")  # no print file started, no vendor chosen


def test_print_files_are_not_reachable_by_a_public_media_url(rdn_weights, settings, client) -> None:
    order = paid_order_with_lines(["small"], VendorFactory())
    run_line_pipeline(order)
    line = order.lines.get()
    name = line.printfile.file.name
    assert storages["private"].exists(name)
    assert not storages["default"].exists(name)
    # The private store's URLs lead nowhere (shop.storage.PRIVATE_URL_PREFIX): /media/ serves
    # the public store only.
    assert client.get(line.printfile.file.url).status_code == 404
    assert client.get(f"/media/{line.printfile.file.name}").status_code == 404
    assert client.get(f"/media/../private/{line.printfile.file.name}").status_code in (400, 404)


def test_upscale_runs_on_the_gpu_queue_and_the_pdf_on_default() -> None:
    from shop.celery import app

    for task, queue in (
        (print_tasks.gpu_upscale_line, "gpu"),
        (print_tasks.write_line_pdf_task, "default"),
        (print_tasks.notify_vendor_task, "default"),
    ):
        route = app.amqp.router.route(dict(task._get_exec_options()), task.name)
        assert route["queue"].name == queue, task.name


def test_snapshot_round_trip_keeps_every_print_figure() -> None:
    from catalog.models import PrintSpec
    from orders.snapshots import spec_snapshot
    from printing.tests.factories import MUG

    spec = PrintSpec(**MUG)
    snap = SpecSnapshot.from_json(spec_snapshot(spec))
    assert (snap.trim_width_mm, snap.trim_height_mm, snap.bleed_mm) == (
        spec.trim_width_mm,
        spec.trim_height_mm,
        spec.bleed_mm,
    )
    assert (snap.min_dpi, snap.is_wrap, list(snap.masks)) == (150, True, MUG["masks"])
    assert snap.canvas_pixels() == (
        1388,
        563,
    )  # 234.96 x 95.26 mm at its 150 DPI minimum, rounded up


def test_a_placement_needing_a_gigantic_image_is_refused_before_upscaling() -> None:
    # Given a poster line zoomed in 4x (the image would be ~22000 x 29000 px)
    order = paid_order_with_lines(["poster"], VendorFactory())
    line = order.lines.get()
    design = line.design
    design.placement = {"scale": 4.0, "offset_x": 0.0, "offset_y": 0.0}
    design.save(update_fields=["placement"])
    pipeline.render_order(order.pk)
    # When the upscale step runs, it refuses with the reason and writes nothing
    with pytest.raises(pipeline.PrintFileError, match="more than the 120 MP"):
        pipeline.upscale_line(line.pk)
    line.refresh_from_db()
    assert not line.printfile.upscaled_image

"""Admin re-render from the order inspector: per order and per line, audited, refused for
shipped lines; a failing re-render keeps the previous good file and says why."""

from __future__ import annotations

import pytest
from django.core import mail

from orders import state as order_state
from orders.models import LineStatus, OrderEvent
from orders.snapshots import SpecSnapshot
from printing import pipeline
from printing.models import PrintFileEvent, PrintStatus
from printing.preflight import preflight_pdf
from printing.tests.factories import VendorFactory, paid_order_with_lines, run_line_pipeline

pytestmark = pytest.mark.django_db
P = PrintStatus


def inspector(admin_client, order) -> str:  # type: ignore[no-untyped-def]
    response = admin_client.get(f"/cms/orders/inspect/{order.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def post_rerender(admin_client, order, line=None) -> str:  # type: ignore[no-untyped-def]
    """POST the inspector's re-render form; returns the inspector page it redirects to."""
    data = {"line": str(line.pk)} if line is not None else {}
    response = admin_client.post(f"/cms/printing/orders/{order.pk}/rerender/", data, follow=True)
    assert response.redirect_chain == [(f"/cms/orders/inspect/{order.pk}/#print-files", 302)]
    return response.content.decode()


def run_queued_steps(plan_lines: list[int]) -> None:
    for line_id in plan_lines:
        pipeline.upscale_line(line_id)
        pipeline.write_line_pdf(line_id)


def test_inspector_shows_each_lines_preflight_and_rerenders_a_line(
    admin_client, admin_user, django_capture_on_commit_callbacks, rdn_weights
) -> None:
    # Given a paid order whose two lines are rendered and ready
    order = paid_order_with_lines(["small", "card"], VendorFactory())
    run_line_pipeline(order)
    first, second = order.lines.order_by("pk")
    old_bytes = first.printfile.file.read()
    # Then the inspector shows each line's preflight checks and the re-render buttons
    page = inspector(admin_client, order)
    assert page.count("Re-render line") == 2
    assert "Re-render the order's print files" in page
    assert page.count("✓ image_ppi:") == 2
    assert f"{first.printfile.preflight['image_ppi'][0]:.0f} ppi" in page
    # When the admin re-renders the first line
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        page = post_rerender(admin_client, order, first)
    assert "Re-rendering the print file of line" in page
    # Then only that line is rendering again, its good file still in place and downloadable
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.printfile.status, second.printfile.status) == (P.RERENDERING, P.READY)
    assert first.printfile.is_ready
    assert [cb.args for cb in callbacks if cb.func is pipeline.enqueue_line_chain] == [(first.pk,)]
    # And the request is audited with the admin as actor, on the order and on the print file
    request = OrderEvent.objects.get(order=order, kind="rerender_requested")
    assert (request.actor, request.note) == (admin_user, f"Lines {first.pk}")
    assert list(
        PrintFileEvent.objects.filter(print_file=first.printfile).values_list(
            "from_status", "to_status", "actor"
        )
    )[-1] == (P.READY, P.RERENDERING, admin_user.pk)
    # When the chain runs, the new file (same inputs, same bytes) replaces it
    run_queued_steps([first.pk])
    first.refresh_from_db()
    assert (first.printfile.status, first.printfile.error) == (P.READY, "")
    assert first.printfile.file.read() == old_bytes


def test_a_failing_rerender_keeps_the_previous_good_file_and_says_why(
    admin_client, monkeypatch, django_capture_on_commit_callbacks, rdn_weights
) -> None:
    # Given a ready line
    order = paid_order_with_lines(["small"], VendorFactory())
    run_line_pipeline(order)
    line = order.lines.get()
    good = line.printfile
    good_name, good_bytes, good_sha = good.file.name, good.file.read(), good.sha256
    # And a vendor requirement (2400 ppi) the new render will not meet
    monkeypatch.setattr(
        pipeline,
        "preflight_pdf",
        lambda data, spec: preflight_pdf(data, SpecSnapshot(**{**spec.__dict__, "min_dpi": 2400})),
    )
    mail.outbox.clear()
    # When the admin re-renders the whole order and the chain runs
    with django_capture_on_commit_callbacks(execute=False):
        post_rerender(admin_client, order)
    run_queued_steps([line.pk])
    # Then the line is ready with the previous file, bytes and preflight untouched
    line.refresh_from_db()
    kept = line.printfile
    assert (kept.status, kept.file.name, kept.sha256) == (P.READY, good_name, good_sha)
    assert kept.file.read() == good_bytes
    assert kept.preflight["passed"] is True
    assert kept.is_ready
    # And it says why, in the inspector, the audit trail and the admins' email
    reason = "Re-render failed; the previous file is kept. Preflight failed: image_ppi: "
    assert kept.error.startswith(reason)
    assert reason in inspector(admin_client, order)
    assert OrderEvent.objects.get(order=order, kind="rerender_failed").note == kept.error
    assert len(mail.outbox) == 1
    assert f"http://127.0.0.1:8000/cms/orders/inspect/{order.pk}/#print-files" in (
        mail.outbox[0].body
    )


def test_rerender_is_refused_for_a_shipped_line(admin_client, rdn_weights) -> None:
    # Given a ready line the vendor has shipped
    order = paid_order_with_lines(["small"], VendorFactory())
    run_line_pipeline(order)
    line = order.lines.get()
    order_state.set_line_status(line, LineStatus.IN_PRODUCTION)
    order_state.set_line_status(line, LineStatus.SHIPPED, carrier="UPS", tracking_number="1Z9")
    events_before = PrintFileEvent.objects.count()
    # Then the inspector offers no re-render for it
    page = inspector(admin_client, order)
    assert "Re-render" not in page
    # And a re-render posted anyway is refused with the reason, changing nothing
    page = post_rerender(admin_client, order, line)
    assert (
        f"Not re-rendered: Line {line.pk} has shipped; its print file cannot be re-rendered."
        in (page)
    )
    line.refresh_from_db()
    assert line.printfile.status == P.READY
    assert PrintFileEvent.objects.count() == events_before
    assert not OrderEvent.objects.filter(order=order, kind="rerender_requested").exists()


def test_rerender_needs_the_printing_permission(client) -> None:  # type: ignore[no-untyped-def]
    from django.contrib.auth.models import Permission

    from orders.tests.factories import OrderLineFactory
    from printing.models import PrintFile
    from printing.tests.factories import UserFactory, paid_order

    # Given a ready print file and a staff user who may view orders but not re-render
    line = OrderLineFactory(order=paid_order())
    PrintFile.objects.create(
        line=line, status=P.READY, file="print/A/a.pdf", preflight={"passed": True}
    )
    user = UserFactory(username="viewer", is_staff=True)
    perms = Permission.objects.filter(codename__in=["access_admin", "view_order"])
    user.user_permissions.add(*perms)
    client.force_login(user)
    # Then the inspector shows the print file without re-render buttons, and a POST is refused
    page = client.get(f"/cms/orders/inspect/{line.order.pk}/").content.decode()
    assert "print/A/a.pdf" not in page and "Ready" in page and "Re-render" not in page
    response = client.post(f"/cms/printing/orders/{line.order.pk}/rerender/")
    assert (response.status_code, response.url) == (302, "/cms/")  # Wagtail's "permission denied"
    assert not OrderEvent.objects.filter(kind="rerender_requested").exists()
    assert PrintFile.objects.get(pk=line.pk).status == P.READY
    # And once granted printing.change_printfile, the buttons are there
    user.user_permissions.add(Permission.objects.get(codename="change_printfile"))
    client.force_login(type(user).objects.get(pk=user.pk))
    page = client.get(f"/cms/orders/inspect/{line.order.pk}/").content.decode()
    assert "Re-render line" in page

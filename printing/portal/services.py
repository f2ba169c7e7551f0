"""Writes the vendor portal makes: audited downloads and line moves through ``orders.state``."""

from __future__ import annotations

from django.db import transaction

from orders import state
from orders.exceptions import OrdersError
from orders.models import EventKind, LineStatus, Order, OrderEvent, OrderLine
from printing.state import file_is_ready


class PortalError(OrdersError):
    """A vendor action that cannot be done; the message says why."""


def record_download(*, user, order: Order, line: OrderLine | None, filename: str) -> OrderEvent:  # type: ignore[no-untyped-def]
    """Audit one download of a print file (``line``) or of the order's zip (no line)."""
    return OrderEvent.objects.create(
        order=order,
        line=line,
        kind=EventKind.DOWNLOAD if line is not None else "download_zip",
        actor=user,
        note=filename,
    )


def _require_print_ready(line: OrderLine) -> None:
    if line.order.ready_for_production_at is None:
        raise PortalError(f"Order {line.order.number} is not ready for production yet.")
    if not file_is_ready(getattr(line, "printfile", None)):
        raise PortalError(f"Line {line.pk} has no print file that passed preflight.")


def mark_in_production(*, user, line: OrderLine) -> OrderLine:  # type: ignore[no-untyped-def]
    """The vendor has started printing ``line``."""
    _require_print_ready(line)
    return state.set_line_status(line, LineStatus.IN_PRODUCTION, actor=user)


def mark_shipped(*, user, line: OrderLine, carrier: str, tracking_number: str) -> OrderLine:  # type: ignore[no-untyped-def]
    """The vendor has shipped ``line``; the shopper is emailed the tracking number.

    A line still pending goes through ``in_production`` first (both moves audited).
    """
    carrier, tracking_number = carrier.strip(), tracking_number.strip()
    if not carrier or not tracking_number:
        raise PortalError("Give the carrier and the tracking number of the shipment.")
    _require_print_ready(line)
    from printing.tasks import notify_shipped_task

    with transaction.atomic():
        if line.status == LineStatus.PENDING:
            line = state.set_line_status(
                line, LineStatus.IN_PRODUCTION, actor=user, note="Shipped straight away."
            )
        moved = state.set_line_status(
            line,
            LineStatus.SHIPPED,
            actor=user,
            carrier=carrier,
            tracking_number=tracking_number,
        )
        transaction.on_commit(lambda: notify_shipped_task.delay(moved.pk))
    return moved

"""The order state machine: one table of allowed moves and the one function that makes them.

Nothing else assigns ``Order.status``. ``transition`` locks the order row,
checks the table, saves, writes an ``OrderEvent`` audit row and schedules the
side effects of the new state for after the commit. Line fulfilment moves
through ``set_line_status``, which derives the order's status from its lines.

Beyond the issue's table, a full refund is accepted from ``in_production``
and ``shipped`` too (Stripe reports refunds made at any time, e.g. from its
dashboard, and the order must show them), and ``failed`` may still become
``paid``: a declined card leaves the PaymentIntent open, so the shopper's
retry can succeed after the failure was recorded.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from django.db import transaction
from django.utils import timezone

from orders.exceptions import InvalidTransition
from orders.models import EventKind, LineStatus, Order, OrderEvent, OrderLine, OrderStatus

S = OrderStatus

TRANSITIONS: dict[str, frozenset[str]] = {
    S.PENDING_PAYMENT: frozenset({S.PAID, S.FAILED, S.CANCELLED}),
    S.FAILED: frozenset({S.PAID, S.CANCELLED}),
    S.PAID: frozenset({S.IN_PRODUCTION, S.REFUNDED}),
    S.IN_PRODUCTION: frozenset({S.SHIPPED, S.REFUNDED}),
    S.SHIPPED: frozenset({S.REFUNDED}),
    S.CANCELLED: frozenset(),
    S.REFUNDED: frozenset(),
}

LINE_TRANSITIONS: dict[str, frozenset[str]] = {
    LineStatus.PENDING: frozenset({LineStatus.IN_PRODUCTION}),
    LineStatus.IN_PRODUCTION: frozenset({LineStatus.SHIPPED}),
    LineStatus.SHIPPED: frozenset(),
}


def _on_paid(order_id: int) -> None:
    from orders import emails
    from orders.signals import order_paid

    order_paid.send(sender=Order, order_id=order_id)  # printing starts the print files
    emails.enqueue_confirmation(order_id)


# Run after the transaction that made the move commits, with the order id.
SIDE_EFFECTS: dict[str, tuple[Callable[[int], None], ...]] = {
    S.PAID: (_on_paid,),
}


def can_transition(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, frozenset())


def lock(order_id: int) -> Order:
    """The order row, locked until the surrounding transaction ends."""
    return Order.objects.select_for_update().get(pk=order_id)


def transition(order: Order, to: str, *, actor=None, note: str = "") -> Order:  # type: ignore[no-untyped-def]
    """Move ``order`` to ``to`` or raise ``InvalidTransition``; returns the fresh row.

    The caller's ``order`` object is updated too, so it never shows a stale status.
    """
    with transaction.atomic():
        locked = lock(order.pk)
        current = locked.status
        if not can_transition(current, to):
            raise InvalidTransition(current, to)
        locked.status = to
        fields = ["status"]
        if to == S.PAID and locked.paid_at is None:
            locked.paid_at = timezone.now()
            fields.append("paid_at")
        locked.save(update_fields=fields)
        OrderEvent.objects.create(
            order=locked,
            kind=EventKind.STATUS,
            from_status=current,
            to_status=to,
            actor=actor,
            note=note[:2000],
        )
        for effect in SIDE_EFFECTS.get(to, ()):
            transaction.on_commit(partial(effect, locked.pk))
    order.status, order.paid_at = locked.status, locked.paid_at
    return locked


def set_line_status(
    line: OrderLine,
    to: str,
    *,
    actor=None,  # type: ignore[no-untyped-def]
    carrier: str = "",
    tracking_number: str = "",
    note: str = "",
) -> OrderLine:
    """Move one line to ``in_production`` or ``shipped`` and derive the order's status.

    The first line in production moves a paid order to ``in_production``; the
    last line shipped moves it to ``shipped``. Locks the order, then the line
    (the fixed order every writer uses).
    """
    with transaction.atomic():
        order = lock(line.order_id)
        if order.status not in (S.PAID, S.IN_PRODUCTION):
            raise InvalidTransition(order.status, f"{to} (line)")
        locked = OrderLine.objects.select_for_update().get(pk=line.pk)
        current = locked.status
        if to not in LINE_TRANSITIONS[current]:
            raise InvalidTransition(f"{current} (line)", f"{to} (line)")
        locked.status = to
        fields = ["status"]
        if to == LineStatus.SHIPPED:
            locked.carrier, locked.tracking_number = carrier, tracking_number
            fields += ["carrier", "tracking_number"]
        locked.save(update_fields=fields)
        OrderEvent.objects.create(
            order=order,
            line=locked,
            kind=EventKind.LINE_STATUS,
            from_status=current,
            to_status=to,
            actor=actor,
            note=note or (f"{carrier} {tracking_number}".strip() if carrier else ""),
        )
        statuses = set(order.lines.values_list("status", flat=True))
        if order.status == S.PAID:
            transition(order, S.IN_PRODUCTION, actor=actor, note="A line went into production.")
        if statuses == {LineStatus.SHIPPED}:
            transition(order, S.SHIPPED, actor=actor, note="Every line has shipped.")
    line.status = locked.status
    line.carrier, line.tracking_number = locked.carrier, locked.tracking_number
    return locked

"""Print renders whose worker died are sent again (the print side of the styling watchdog).

A worker killed in the middle of a print step (SIGKILL, the OOM killer, a lost
machine) takes the step's message with it: kombu's filesystem transport has
already removed it, and Redis gives an unacknowledged message back only after
its visibility timeout (an hour). Without this sweep the line stays
"rendering" and the order never reaches the vendor.

Liveness is two stamps on ``PrintFile``: ``enqueued_at`` when a chain or its
next step is sent to a queue, ``heartbeat_at`` when a step starts and every
``PRINT_HEARTBEAT_SECONDS`` while it runs (``heartbeat``). The sweep re-sends
the chain of an in-flight file when

- a step started after the last send but has not reported for
  ``PRINT_STALE_SECONDS`` (its worker is gone), or
- nothing started within ``PRINT_QUEUE_TIMEOUT_SECONDS`` of the send (the
  message was lost before a worker ran it).

The same holds one step earlier: if the paid order's ``render_order_print_files``
message never ran (the broker was down when it was sent after the payment's
commit, or the worker died with it), no line has a print file at all. A paid
order whose last ``print_requested`` is older than ``PRINT_QUEUE_TIMEOUT_SECONDS``
and still has a line without one gets the task sent again.

Steps are idempotent with deterministic output paths, so a chain sent twice
costs time, never a wrong file. After ``PRINT_MAX_REQUEUES`` re-sends the
line is failed and the admins are told, so a file that kills its worker every
time cannot loop forever.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection, transaction
from django.utils import timezone

from orders.models import EventKind, Order, OrderEvent, OrderStatus
from printing import state
from printing.models import PrintFile

log = logging.getLogger(__name__)

REQUEUED = EventKind.PRINT_REQUEUED
REQUESTED = EventKind.PRINT_REQUESTED  # printing.receivers writes it when the order is paid


def mark_enqueued(line_id: int) -> None:
    """The line's next step is waiting in a queue from now on."""
    PrintFile.objects.filter(pk=line_id).update(enqueued_at=timezone.now())


def _beat(line_id: int) -> None:
    PrintFile.objects.filter(pk=line_id).update(heartbeat_at=timezone.now())


def _beat_until(line_id: int, stop: threading.Event) -> None:
    try:
        while not stop.wait(settings.PRINT_HEARTBEAT_SECONDS):
            try:
                _beat(line_id)
            except DatabaseError as exc:  # the next beat may get through; the sweep is patient
                log.warning("line %s: heartbeat not written: %r", line_id, exc)
                close_old_connections()
    finally:
        connection.close()


@contextmanager
def heartbeat(line_id: int) -> Iterator[None]:
    """Report that a step of this line runs, until it ends; then whatever follows is queued."""
    _beat(line_id)
    stop = threading.Event()
    beater = threading.Thread(
        target=_beat_until, args=(line_id, stop), name=f"print-heartbeat-{line_id}", daemon=True
    )
    beater.start()
    try:
        yield
    finally:
        stop.set()
        beater.join(timeout=10)
        # The next step of the chain, or a retry, waits in a queue now; once the line is
        # ready or failed it is no longer in flight and the stamps do not matter.
        mark_enqueued(line_id)


def _why(print_file: PrintFile, now: datetime) -> str | None:
    started = print_file.heartbeat_at is not None and (
        print_file.enqueued_at is None or print_file.heartbeat_at >= print_file.enqueued_at
    )
    if started:
        silent = now - print_file.heartbeat_at  # type: ignore[operator]
        if silent > timedelta(seconds=settings.PRINT_STALE_SECONDS):
            return f"its worker stopped reporting {silent.total_seconds():.0f} s ago"
        return None
    if print_file.enqueued_at is not None:
        waited = now - print_file.enqueued_at
        if waited > timedelta(seconds=settings.PRINT_QUEUE_TIMEOUT_SECONDS):
            return f"no worker started it within {waited.total_seconds():.0f} s"
    return None


def sweep(*, now: datetime | None = None) -> list[int]:
    """Re-send (or, past the limit, fail) the chains of print files whose worker died."""
    from printing.pipeline import enqueue_line_chain, mark_line_failed

    now = now or timezone.now()
    requeued: list[int] = []
    in_flight = PrintFile.objects.filter(status__in=state.IN_FLIGHT).select_related("line")
    for print_file in in_flight:
        why = _why(print_file, now)
        if why is None:
            continue
        line = print_file.line
        with transaction.atomic():
            # Claim it against the stamps we judged by, so two sweeps never both re-send.
            claimed = PrintFile.objects.filter(
                pk=print_file.pk,
                status__in=state.IN_FLIGHT,
                heartbeat_at=print_file.heartbeat_at,
                enqueued_at=print_file.enqueued_at,
            ).update(enqueued_at=now)
            if not claimed:
                continue
            sent = OrderEvent.objects.filter(line=line, kind=REQUEUED).count()
            if sent < settings.PRINT_MAX_REQUEUES:
                OrderEvent.objects.create(
                    order_id=line.order_id, line=line, kind=REQUEUED, note=f"Sent again: {why}."
                )
                transaction.on_commit(partial(enqueue_line_chain, line.pk))
                requeued.append(line.pk)
                continue
        mark_line_failed(
            line.pk, f"The print render stopped {sent + 1} times ({why}); not retried again."
        )
    if requeued:
        log.warning("print watchdog: re-sent the chains of lines %s", requeued)
    resend_unstarted_orders(now=now)
    return requeued


def resend_unstarted_orders(*, now: datetime) -> list[int]:
    """Send ``render_order_print_files`` again for paid orders whose render never ran."""
    from printing.tasks import render_order_print_files

    cutoff = now - timedelta(seconds=settings.PRINT_QUEUE_TIMEOUT_SECONDS)
    resent: list[int] = []
    orders = Order.objects.filter(status=OrderStatus.PAID, lines__printfile__isnull=True).distinct()
    for order in orders:
        with transaction.atomic():
            locked = Order.objects.select_for_update().get(pk=order.pk)
            requests = OrderEvent.objects.filter(order=locked, kind=REQUESTED)
            last = requests.order_by("-created_at").first()
            if last is None or last.created_at >= cutoff:
                continue  # not requested (not ours to start) or still waiting its turn
            if requests.count() > settings.PRINT_MAX_REQUEUES:
                log.error("order %s: print render never started; not sent again", order.number)
                continue
            OrderEvent.objects.create(
                order=locked, kind=REQUESTED, note="Sent again: the print render never started."
            )
            transaction.on_commit(partial(render_order_print_files.delay, order.pk))
            resent.append(order.pk)
    if resent:
        log.warning("print watchdog: re-sent the print render of orders %s", resent)
    return resent

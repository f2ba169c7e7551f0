"""The print watchdog: a render whose worker died is sent again, and only then.

The regression (issue 14's fault run): a worker SIGKILLed during a print step took
the step's message with it and the line stayed "rendering" for good, so the order
never reached its vendor.
"""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from orders.models import OrderEvent
from printing import pipeline, watchdog
from printing.models import PrintFile, PrintStatus
from printing.tests.factories import VendorFactory, paid_order_with_lines

pytestmark = pytest.mark.django_db


def rendering_line(**stamps: object) -> PrintFile:
    """A paid order's line whose render was started (no message sent), with these stamps."""
    order = paid_order_with_lines(["small"], VendorFactory())
    plan = pipeline.render_order(order.pk)  # no message: this test's transaction never commits
    PrintFile.objects.filter(line_id=plan.queued[0]).update(**stamps)
    return PrintFile.objects.get(line_id=plan.queued[0])


@pytest.fixture
def sent(monkeypatch) -> list[int]:  # type: ignore[no-untyped-def]
    """Line ids whose chain the watchdog sends (after commit), instead of the broker."""
    lines: list[int] = []
    monkeypatch.setattr(pipeline, "enqueue_line_chain", lines.append)
    return lines


def ago(seconds: float):  # type: ignore[no-untyped-def]
    return timezone.now() - timedelta(seconds=seconds)


def test_a_step_whose_worker_went_silent_is_sent_again_once(
    sent, django_capture_on_commit_callbacks
) -> None:
    # Given a line whose step started after the send and has been silent past the limit
    stale = settings.PRINT_STALE_SECONDS + 5
    pf = rendering_line(enqueued_at=ago(stale + 60), heartbeat_at=ago(stale))
    # When the sweep runs twice
    with django_capture_on_commit_callbacks(execute=True):
        first = watchdog.sweep()
    with django_capture_on_commit_callbacks(execute=True):
        second = watchdog.sweep()
    # Then the chain is sent once, the send is on the order's record, the line still renders
    assert first == [pf.pk] and second == [] and sent == [pf.pk]
    event = OrderEvent.objects.get(line_id=pf.pk, kind=watchdog.REQUEUED)
    assert "stopped reporting" in event.note
    pf.refresh_from_db()
    assert pf.status == PrintStatus.RENDERING and pf.enqueued_at > pf.heartbeat_at


@pytest.mark.parametrize(
    "seconds_ago",
    [
        # running, and reported recently
        {"enqueued_at": 600, "heartbeat_at": 5},
        # waiting in the queue for less than the queue timeout
        {"enqueued_at": settings.PRINT_STALE_SECONDS * 3, "heartbeat_at": 3600},
        {"enqueued_at": 60, "heartbeat_at": None},
    ],
)
def test_a_live_or_queued_render_is_left_alone(sent, seconds_ago) -> None:
    # stamps taken when the test runs, not when it is collected (a long suite made "5 s ago"
    # minutes old by the time this ran)
    stamps = {k: None if v is None else ago(v) for k, v in seconds_ago.items()}
    rendering_line(**stamps)
    assert watchdog.sweep() == [] and sent == []
    assert not OrderEvent.objects.filter(kind=watchdog.REQUEUED).exists()


def test_a_send_nobody_started_within_the_queue_timeout_is_sent_again(sent) -> None:
    pf = rendering_line(
        enqueued_at=ago(settings.PRINT_QUEUE_TIMEOUT_SECONDS + 5), heartbeat_at=None
    )
    assert watchdog.sweep() == [pf.pk]
    assert "no worker started it" in OrderEvent.objects.get(kind=watchdog.REQUEUED).note


def test_ready_and_failed_files_are_never_touched(sent) -> None:
    pf = rendering_line(enqueued_at=ago(99_999), heartbeat_at=ago(99_999))
    for status in (PrintStatus.READY, PrintStatus.FAILED, PrintStatus.NOT_STARTED):
        PrintFile.objects.filter(pk=pf.pk).update(status=status)
        assert watchdog.sweep() == []
    assert sent == []


def test_a_line_that_keeps_killing_its_worker_is_failed_after_the_limit(sent, settings) -> None:
    settings.PRINT_MAX_REQUEUES = 2
    pf = rendering_line()
    for _ in range(3):
        PrintFile.objects.filter(pk=pf.pk).update(enqueued_at=ago(999), heartbeat_at=ago(900))
        watchdog.sweep()
    pf.refresh_from_db()
    assert pf.status == PrintStatus.FAILED
    assert "stopped 3 times" in pf.error
    assert OrderEvent.objects.filter(line_id=pf.pk, kind=watchdog.REQUEUED).count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_step_beats_while_it_runs_and_leaves_the_next_one_queued(settings) -> None:
    settings.PRINT_HEARTBEAT_SECONDS = 0.2
    pf = rendering_line()
    with watchdog.heartbeat(pf.pk):
        first = PrintFile.objects.get(pk=pf.pk).heartbeat_at
        time.sleep(0.7)
        later = PrintFile.objects.get(pk=pf.pk).heartbeat_at
    after = PrintFile.objects.get(pk=pf.pk)
    assert first is not None and later > first
    assert after.enqueued_at >= after.heartbeat_at


def test_beat_runs_the_sweep() -> None:
    from printing.tasks import watchdog_sweep
    from shop.celery import beat_schedule

    entry = beat_schedule()["printing-watchdog"]
    assert entry["task"] == watchdog_sweep.name == "printing.watchdog_sweep"
    assert entry["schedule"] == settings.PRINT_WATCHDOG_INTERVAL_SECONDS
    assert "options" not in entry  # an expiring sweep starves behind long print steps


@pytest.mark.worker
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_print_step_still_ends_with_a_ready_file(rdn_weights) -> None:
    from devkit.worker import running_worker

    # Given a paid order whose print chain a real worker is running (heartbeat every second)
    order = paid_order_with_lines(["small"], VendorFactory())
    env = {"PRINT_HEARTBEAT_SECONDS": "1"}
    with running_worker("doomed", extra_env=env) as worker:
        pipeline.render_order(order.pk)
        line = order.lines.get()
        deadline = time.monotonic() + 120
        while PrintFile.objects.get(pk=line.pk).heartbeat_at is None:
            assert time.monotonic() < deadline, worker.log()
            time.sleep(0.05)
        # When the worker is SIGKILLed in the middle of the step
        worker.kill()
    pf = PrintFile.objects.get(pk=line.pk)
    assert pf.status == PrintStatus.RENDERING, "the step finished before the kill"
    with running_worker("after", extra_env=env) as worker:
        time.sleep(3)
        # Then nothing finishes it on its own (the message went with the worker) ...
        assert PrintFile.objects.get(pk=line.pk).status == PrintStatus.RENDERING
        # ... until the watchdog, past the silence limit, sends the chain again
        later = timezone.now() + timedelta(seconds=settings.PRINT_STALE_SECONDS + 1)
        assert watchdog.sweep(now=later) == [line.pk]
        deadline = time.monotonic() + 240
        while PrintFile.objects.get(pk=line.pk).status == PrintStatus.RENDERING:
            assert time.monotonic() < deadline, worker.log()
            time.sleep(0.5)
    pf = PrintFile.objects.get(pk=line.pk)
    assert pf.status == PrintStatus.READY and pf.preflight["passed"], pf.error


def test_a_paid_order_whose_render_never_ran_is_sent_again(
    monkeypatch, django_capture_on_commit_callbacks
) -> None:
    from printing import tasks

    sent_orders: list[int] = []
    monkeypatch.setattr(tasks.render_order_print_files, "delay", sent_orders.append)
    # Given paid orders whose print render was requested (the broker lost the message) ...
    lost = paid_order_with_lines(["small"], VendorFactory())
    waiting = paid_order_with_lines(["small"], VendorFactory())
    started = paid_order_with_lines(["small"], VendorFactory())
    for order in (lost, waiting, started):
        OrderEvent.objects.create(order=order, kind=watchdog.REQUESTED)
    OrderEvent.objects.filter(order__in=[lost, started]).update(
        created_at=ago(settings.PRINT_QUEUE_TIMEOUT_SECONDS + 5)
    )
    pipeline.render_order(started.pk)  # ... this one's render did run
    # When the watchdog sweeps, twice
    with django_capture_on_commit_callbacks(execute=True):
        watchdog.sweep()
    with django_capture_on_commit_callbacks(execute=True):
        watchdog.sweep()
    # Then only the lost order's render is sent again, once, and that is on its record
    assert sent_orders == [lost.pk]
    assert OrderEvent.objects.filter(order=lost, kind=watchdog.REQUESTED).count() == 2

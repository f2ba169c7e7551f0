"""The styling job's state machine: the one place that changes ``StylingJob.status``.

Every move goes through :func:`transition` (the table :data:`TRANSITIONS`), a
compare-and-set on status and attempt with an audit row, so a worker, the watchdog and a
re-sent task can race without two of them winning. The shopper-facing failure reasons live
here because every side that ends a job uses them.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from styling.jobs import leftovers
from styling.models import JobStatus, StylingJob, StylingJobEvent

WORKER_DIED = "The styling worker stopped unexpectedly; please try again."
NOT_PICKED_UP = "Our styling service is too busy right now; please try again in a few minutes."
TOO_SLOW = "Styling this photo took too long; please try a smaller photo or another style."
PHOTO_GONE = "Your photo is no longer stored here; please upload it again."
UNEXPECTED = "Something went wrong while styling your photo; please try again."

STAGE_LABELS = {
    "queued": "Waiting for a free artist",
    "loading": "Getting the brushes ready",
    "prepare": "Preparing your photo",
    "stylize": "Inking and painting",
    "finish": "Finishing touches",
    "saving": "Saving your picture",
    "done": "Done",
}


TRANSITIONS: dict[str, set[str]] = {
    JobStatus.QUEUED: {JobStatus.RUNNING, JobStatus.FAILED},
    JobStatus.RUNNING: {JobStatus.DONE, JobStatus.FAILED, JobStatus.QUEUED},
    JobStatus.DONE: set(),
    JobStatus.FAILED: set(),
}


def transition(
    job: StylingJob,
    to: str,
    *,
    note: str = "",
    expect_attempts: int | None = None,
    **fields: Any,
) -> bool:
    """Move ``job`` from its current status to ``to``, atomically, with an audit row.

    A compare-and-set on (status[, attempts]): when another process changed the job first,
    nothing is written and False is returned. ``fields`` are saved with the status.
    """
    if to not in TRANSITIONS[job.status]:
        raise ValueError(f"A styling job cannot go from {job.status} to {to}")
    with transaction.atomic():
        rows = StylingJob.objects.filter(pk=job.pk, status=job.status)
        if expect_attempts is not None:
            rows = rows.filter(attempts=expect_attempts)
        if not rows.update(status=to, **fields):
            return False
        StylingJobEvent.objects.create(job=job, from_status=job.status, to_status=to, note=note)
    job.status = to
    for name, value in fields.items():
        setattr(job, name, value)
    return True


def fail_job(job: StylingJob, reason: str, *, expect_attempts: int | None = None) -> bool:
    """End a queued or running job as ``failed`` with a shopper-readable ``reason``, and delete
    the files it wrote; when the store is down they are deleted later
    (``styling.jobs.leftovers``), and the job is failed all the same."""
    job.refresh_from_db(fields=["status", "attempts"])
    if job.status not in (JobStatus.QUEUED, JobStatus.RUNNING):
        return False
    failed = transition(
        job,
        JobStatus.FAILED,
        note=reason,
        expect_attempts=expect_attempts,
        error_message=reason[:300],
        finished_at=timezone.now(),
        discard_pending=True,  # in the same write: its files' deletion is never lost track of
    )
    if failed:  # no file it wrote may outlive a failure, even one during a store outage
        leftovers.discard(job)
    return failed

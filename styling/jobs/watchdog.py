"""The styling watchdog: re-queue or fail jobs whose worker died, fail forgotten queued ones."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from styling.jobs.dispatch import enqueue_job
from styling.jobs.state import NOT_PICKED_UP, WORKER_DIED, fail_job, transition
from styling.models import JobStatus, StylingJob

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SweepResult:
    requeued: list[str]
    failed: list[str]


def watchdog_sweep(*, now: Any = None) -> SweepResult:
    """Re-queue (or fail) running jobs whose worker stopped reporting; fail forgotten queued ones.

    A running job whose heartbeat is older than ``STYLING_JOB_STALE_SECONDS`` goes back to
    ``queued`` and is sent again while it has attempts left (``STYLING_JOB_MAX_ATTEMPTS``),
    otherwise it ends ``failed`` with :data:`WORKER_DIED`. A queued job nobody picked up for
    ``STYLING_JOB_QUEUE_TIMEOUT_SECONDS`` ends ``failed``.
    """
    now = now or timezone.now()
    stale_before = now - timedelta(seconds=settings.STYLING_JOB_STALE_SECONDS)
    requeued: list[str] = []
    failed: list[str] = []
    for job in StylingJob.objects.filter(status=JobStatus.RUNNING, heartbeat_at__lt=stale_before):
        if job.attempts < settings.STYLING_JOB_MAX_ATTEMPTS:
            with transaction.atomic():
                if transition(
                    job,
                    JobStatus.QUEUED,
                    note="worker stopped reporting; re-queued",
                    expect_attempts=job.attempts,
                    stage="queued",
                    progress=0,
                    queued_at=now,
                ):
                    enqueue_job(job)
                    requeued.append(str(job.pk))
        elif fail_job(job, WORKER_DIED, expect_attempts=job.attempts):
            failed.append(str(job.pk))
    forgotten = now - timedelta(seconds=settings.STYLING_JOB_QUEUE_TIMEOUT_SECONDS)
    for job in StylingJob.objects.filter(status=JobStatus.QUEUED, queued_at__lt=forgotten):
        if fail_job(job, NOT_PICKED_UP, expect_attempts=job.attempts):
            failed.append(str(job.pk))
    if requeued or failed:
        log.warning("watchdog: re-queued %s, failed %s", requeued, failed)
    return SweepResult(requeued=requeued, failed=failed)

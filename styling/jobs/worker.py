"""The worker side of a styling job: claim it, stylize, store the result. Tasks call this.

Permanent problems end the job ``failed`` with a shopper-readable reason; transient ones
put it back to ``queued`` and raise :class:`TransientStylingError` for the task to retry.
:func:`settle` is that sorting, shared with the clip worker (``styling.clip_jobs``), and what
counts as transient is the task policy's one rule (``shop.task_policy.is_transient``), so a
store outage re-queues a clip job exactly as it re-queues a photo job.
"""

from __future__ import annotations

import io
import logging
import time
import uuid
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from ml.imageio import ImageRejected
from shop.media import save_committed
from shop.task_policy import is_transient
from styling import engine
from styling.exceptions import JobSuperseded, TransientStylingError
from styling.jobs.state import (
    PHOTO_GONE,
    TOO_SLOW,
    UNEXPECTED,
    fail_job,
    transition,
)
from styling.models import JobStatus, StylingJob

log = logging.getLogger(__name__)

PROGRESS_EVERY_S = 0.5


class ProgressReporter:
    """The stylizer's progress callback: writes stage + percent + heartbeat, throttled.

    Every write is conditional on this worker still owning the job (status running and
    the attempt it claimed); when the watchdog has taken the job away it raises
    :class:`JobSuperseded`, which stops the stylizer.
    """

    def __init__(self, job: StylingJob, *, low: int = 5, high: int = 95) -> None:
        self.job_id, self.attempt = job.pk, job.attempts
        self.low, self.high = low, high
        self._last_write = 0.0
        self._last_stage = ""

    def __call__(self, stage: str, fraction: float) -> None:
        now = time.monotonic()
        if stage == self._last_stage and now - self._last_write < PROGRESS_EVERY_S:
            return
        percent = self.low + round((self.high - self.low) * min(max(fraction, 0.0), 1.0))
        self.write(stage, percent)
        self._last_write, self._last_stage = now, stage

    def write(self, stage: str, percent: int) -> None:
        owned = StylingJob.objects.filter(
            pk=self.job_id, status=JobStatus.RUNNING, attempts=self.attempt
        ).update(stage=stage, progress=percent, heartbeat_at=timezone.now())
        if not owned:
            raise JobSuperseded(str(self.job_id))


def claim(job: StylingJob, *, task_id: str = "", **fields: Any) -> int | None:
    """Take a queued job for this run; the attempt number it now runs as, or None.

    The one claim for photo and clip jobs: a compare-and-set on status and attempts, so a
    re-sent task, a second worker and the watchdog cannot both win. ``fields`` are what the
    caller stores with the claim (a photo job resets its stage; a clip job keeps the first
    slice's ``started_at``). On None ``job`` is re-read: the caller returns it as it is.
    """
    now = timezone.now()
    attempt = job.attempts + 1
    fields.setdefault("started_at", now)
    if job.status == JobStatus.QUEUED and transition(
        job,
        JobStatus.RUNNING,
        note=f"claimed by task {task_id}" if task_id else "claimed",
        expect_attempts=job.attempts,
        attempts=attempt,
        heartbeat_at=now,
        error_message="",
        **fields,
    ):
        return attempt
    job.refresh_from_db()
    log.info("job %s is %s; nothing to do", job.pk, job.status)
    return None


def run_job(*, job_id: uuid.UUID | str, task_id: str = "") -> StylingJob:
    """Claim a queued job, stylize its upload, store the result. Safe to call twice.

    A job that is not ``queued`` (already done, failed, or running elsewhere) is left
    alone. Permanent problems end the job ``failed`` with a shopper-readable reason;
    transient ones put it back to ``queued`` and raise :class:`TransientStylingError`.
    """
    job = StylingJob.objects.select_related("upload", "style").get(pk=job_id)
    attempt = claim(job, task_id=task_id, stage="loading", progress=0)
    if attempt is None:
        return job
    reporter = ProgressReporter(job)
    try:
        reporter.write("loading", 1)
        with job.upload.image.open("rb") as fh:
            photo = Image.open(fh)
            photo.load()
        styled = engine.stylize(
            job.style,
            photo,
            strength=job.strength,
            preserve_color=job.preserve_color,
            progress=reporter,
        )
        reporter.write("saving", 96)
        palette = engine.palette_json(styled)  # here in the worker, never in a web request
        png = io.BytesIO()
        styled.save(png, "PNG")
        name = f"styled/{job.pk.hex}/result.png"
        # A re-run after re-queue writes the same deterministic name: replaced whole, through
        # a temporary key, never left missing or partial (shop.media).
        saved = save_committed(job.result.storage, name, ContentFile(png.getvalue()), replace=True)
        finished = timezone.now()
        if not transition(
            job,
            JobStatus.DONE,
            note="finished",
            expect_attempts=attempt,
            result=saved,
            palette=palette,
            stage="done",
            progress=100,
            finished_at=finished,
            heartbeat_at=finished,
        ):
            raise JobSuperseded(str(job.pk))
    except JobSuperseded:
        log.warning("job %s was taken over while running; this run stops", job.pk)
        job.refresh_from_db()
    except Exception as exc:
        settle(job, attempt, exc, stage="queued", progress=0)
    return job


def settle(job: StylingJob, attempt: int, exc: Exception, **requeue_fields: Any) -> None:
    """What a run of ``job`` (photo or clip) does with the error that stopped it.

    Transient by the task policy's rule (a media store down or slow, storage or network I/O, a
    busy database, memory): back to the queue through :func:`requeue`, which raises. Anything
    else ends the job ``failed`` with a reason the shopper can read: out of time, a style or
    image that cannot work, the photo gone, or, for what nobody foresaw, :data:`UNEXPECTED`
    (logged with its traceback). ``requeue_fields`` are saved with a re-queue.
    """
    if is_transient(exc):
        requeue(job, attempt, exc, **requeue_fields)
    if isinstance(exc, SoftTimeLimitExceeded):
        reason = TOO_SLOW
    elif isinstance(exc, (ImageRejected, ValueError)):  # a style or image that cannot work
        log.warning("job %s failed permanently: %r", job.pk, exc)
        reason = reason_for(exc)
    elif isinstance(exc, FileNotFoundError):
        reason = PHOTO_GONE
    else:
        log.error("job %s failed unexpectedly", job.pk, exc_info=exc)
        reason = UNEXPECTED
    fail_job(job, reason, expect_attempts=attempt)


def requeue(job: StylingJob, attempt: int, exc: BaseException, **fields: Any) -> None:
    """A transient error (database, memory, disk, media store down or slow): back to the queue.

    Shared by photo and clip jobs; ``fields`` are saved with the move (a photo job resets its
    stage, a clip job keeps "frame i of n"). Raises :class:`TransientStylingError` so the task
    retries with its backoff.
    """
    log.warning("job %s hit a transient error: %r", job.pk, exc)
    transition(
        job,
        JobStatus.QUEUED,
        note=f"transient error: {exc!r}"[:300],
        expect_attempts=attempt,
        queued_at=timezone.now(),
        **fields,
    )
    raise TransientStylingError(str(exc)) from exc


def reason_for(exc: Exception) -> str:
    """The shopper-readable reason for a style or image that cannot work (photo and clip jobs)."""
    message = getattr(exc, "message", "")
    if message:
        return f"This style could not be applied: {message}"[:300]
    return "This style could not be applied to your photo. Please try another style."


def give_up(job_id: uuid.UUID | str) -> StylingJob:
    """The task ran out of retries for transient errors: end the job with :data:`UNEXPECTED`."""
    job = StylingJob.objects.get(pk=job_id)
    fail_job(job, UNEXPECTED)
    return job

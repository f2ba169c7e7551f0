"""The worker side of a styling job: claim it, stylize, store the result. Tasks call this.

Permanent problems end the job ``failed`` with a shopper-readable reason; transient ones
put it back to ``queued`` and raise :class:`TransientStylingError` for the task to retry.
"""

from __future__ import annotations

import io
import logging
import time
import uuid

from celery.exceptions import SoftTimeLimitExceeded
from django.core.files.base import ContentFile
from django.db import DatabaseError
from django.utils import timezone
from PIL import Image

from ml.imageio import ImageRejected
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


def run_job(*, job_id: uuid.UUID | str, task_id: str = "") -> StylingJob:
    """Claim a queued job, stylize its upload, store the result. Safe to call twice.

    A job that is not ``queued`` (already done, failed, or running elsewhere) is left
    alone. Permanent problems end the job ``failed`` with a shopper-readable reason;
    transient ones put it back to ``queued`` and raise :class:`TransientStylingError`.
    """
    job = StylingJob.objects.select_related("upload", "style").get(pk=job_id)
    now = timezone.now()
    attempt = job.attempts + 1
    if job.status != JobStatus.QUEUED or not transition(
        job,
        JobStatus.RUNNING,
        note=f"claimed by task {task_id}" if task_id else "claimed",
        expect_attempts=job.attempts,
        attempts=attempt,
        started_at=now,
        heartbeat_at=now,
        stage="loading",
        progress=0,
        error_message="",
    ):
        job.refresh_from_db()
        log.info("job %s is %s; nothing to do", job.pk, job.status)
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
        storage = job.result.storage
        if storage.exists(name):  # a re-run after re-queue: same deterministic name
            storage.delete(name)
        saved = storage.save(name, ContentFile(png.getvalue()))
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
    except SoftTimeLimitExceeded:
        fail_job(job, TOO_SLOW, expect_attempts=attempt)
    except (ImageRejected, ValueError) as exc:  # a style or image that cannot work
        log.warning("job %s failed permanently: %r", job.pk, exc)
        fail_job(job, _reason(exc), expect_attempts=attempt)
    except FileNotFoundError:
        fail_job(job, PHOTO_GONE, expect_attempts=attempt)
    except (DatabaseError, MemoryError, OSError) as exc:
        log.warning("job %s hit a transient error: %r", job.pk, exc)
        transition(
            job,
            JobStatus.QUEUED,
            note=f"transient error: {exc!r}"[:300],
            expect_attempts=attempt,
            stage="queued",
            progress=0,
            queued_at=timezone.now(),
        )
        raise TransientStylingError(str(exc)) from exc
    except Exception:
        log.exception("job %s failed unexpectedly", job.pk)
        fail_job(job, UNEXPECTED, expect_attempts=attempt)
    return job


def _reason(exc: Exception) -> str:
    message = getattr(exc, "message", "")
    if message:
        return f"This style could not be applied: {message}"[:300]
    return "This style could not be applied to your photo. Please try another style."


def give_up(job_id: uuid.UUID | str) -> StylingJob:
    """The task ran out of retries for transient errors: end the job with :data:`UNEXPECTED`."""
    job = StylingJob.objects.get(pk=job_id)
    fail_job(job, UNEXPECTED)
    return job

"""Starting styling work: the only module that sends styling tasks to the broker.

Tasks are sent by name after the row is committed, so this module never imports
``styling.tasks`` (which imports the worker side): the imports run one way,
tasks → worker/watchdog → dispatch → state.
"""

from __future__ import annotations

import uuid

from celery import current_app
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from styling.exceptions import StyleNotAvailable, TooManyJobs
from styling.models import JobStatus, Style, StylingJob, StylingJobEvent, Upload

#: Task names (``styling/tasks.py``); sent by name so this module does not import the tasks.
STYLIZE_TASK = "styling.gpu_stylize"
SAMPLES_TASK = "styling.generate_style_samples"


def start_job(
    *, upload: Upload, style: Style, strength: float = 1.0, preserve_color: bool = False
) -> StylingJob:
    """Create a ``queued`` job and send it to the ``gpu`` queue once the row is committed."""
    if not style.is_enabled:
        raise StyleNotAvailable(f"The style “{style.name}” is not available any more.")
    if not 0.0 <= strength <= 1.0:
        raise ValueError("strength must be between 0 and 1")
    with transaction.atomic():
        _check_active_job_cap(upload)
        job = StylingJob.objects.create(
            upload=upload,
            style=style,
            strength=strength,
            preserve_color=preserve_color,
            stage="queued",
            queued_at=timezone.now(),
        )
        StylingJobEvent.objects.create(
            job=job, from_status=JobStatus.QUEUED, to_status=JobStatus.QUEUED, note="created"
        )
        enqueue_job(job)
    return job


def _check_active_job_cap(upload: Upload) -> None:
    """Refuse a new job while this shopper has ``STYLING_MAX_ACTIVE_JOBS`` queued or running.

    So one shopper cannot fill the GPU queue and starve everyone else. Runs inside the
    job's transaction: SQLite serialises writers, and on PostgreSQL an advisory lock per
    owner makes concurrent requests of one shopper count one after the other.
    """
    limit = settings.STYLING_MAX_ACTIVE_JOBS
    owner = Q(upload__owner_session=upload.owner_session) if upload.owner_session else Q()
    if upload.owner_user_id is not None:
        owner |= Q(upload__owner_user_id=upload.owner_user_id)
    if not owner:
        return
    if connection.vendor == "postgresql":
        key = f"styling-owner:{upload.owner_user_id or upload.owner_session}"
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [key])
    active = StylingJob.objects.filter(
        owner, status__in=(JobStatus.QUEUED, JobStatus.RUNNING)
    ).count()
    if active >= limit:
        raise TooManyJobs(
            f"You already have {active} styles in progress; at most {limit} can run at once "
            "for one shopper. Please wait for one to finish, then try again."
        )


def enqueue_job(job: StylingJob, *, countdown: float | None = None) -> None:
    """Send ``gpu_stylize(job.id)`` after commit, under a task id recorded on the row."""
    task_id = str(uuid.uuid4())
    StylingJob.objects.filter(pk=job.pk).update(celery_task_id=task_id)
    job.celery_task_id = task_id
    signature = current_app.signature(STYLIZE_TASK, args=[str(job.pk)])
    transaction.on_commit(lambda: signature.apply_async(task_id=task_id, countdown=countdown))


def enqueue_samples(style_id: int) -> None:
    """Send ``generate_style_samples(style_id)`` after commit."""
    signature = current_app.signature(SAMPLES_TASK, args=[style_id])
    transaction.on_commit(lambda: signature.apply_async())

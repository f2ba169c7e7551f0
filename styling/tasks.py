"""Celery tasks of the styling app: thin wrappers that take ids and call ``styling.jobs``."""

from __future__ import annotations

from dataclasses import asdict

from celery import shared_task

from shop.task_policy import PolicyTask
from styling import retention
from styling.exceptions import TransientStylingError
from styling.jobs import leftovers, watchdog, worker


@shared_task(
    bind=True,
    base=PolicyTask,
    name="styling.gpu_stylize",
    acks_late=True,
    reject_on_worker_lost=True,
    # the worker already sorted its errors: it raises this one for what a retry can fix
    transient=(TransientStylingError,),
    max_retries=3,
    backoff_base_s=2,  # 2 s, 4 s, 8 s
)
def gpu_stylize(self, job_id: str) -> str:  # type: ignore[no-untyped-def]
    """Run styling job ``job_id`` (idempotent: a job that is not queued is left alone).

    A clip's job runs frame by frame in ``styling.clip_jobs`` (same contract)."""
    from styling import clip_jobs

    run = clip_jobs.run_clip_job if clip_jobs.is_clip_job(job_id) else worker.run_job
    try:
        job = run(job_id=job_id, task_id=self.request.id or "")
    except TransientStylingError as exc:
        self.retry_if_transient(exc)
        return worker.give_up(job_id).status
    return job.status


@shared_task(name="styling.watchdog_sweep")
def watchdog_sweep() -> dict[str, list[str]]:
    """Periodic: re-queue or fail jobs whose worker died (see ``styling.jobs.watchdog``)."""
    return asdict(watchdog.watchdog_sweep())


@shared_task(name="styling.housekeeping")
def housekeeping() -> dict[str, int]:
    """Periodic: delete abandoned uploads, previews, jobs and designs (never ordered ones), and
    the files of failed jobs that a store outage kept (``styling.jobs.leftovers``)."""
    return {**asdict(retention.housekeeping()), "failed_jobs_cleaned": len(leftovers.sweep())}


@shared_task(name="styling.generate_style_samples")
def generate_style_samples(style_id: int) -> str:
    """Render a style's before/after samples on the fixed sample photos (idempotent)."""
    from styling import curation

    return curation.generate_samples(style_id=style_id)

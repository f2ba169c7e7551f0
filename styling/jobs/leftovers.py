"""A failed job's files go, even when the media store is down at the moment it fails.

:func:`styling.jobs.state.fail_job` marks the job ``failed`` with ``discard_pending`` set in
the same write, then calls :func:`discard`: the files go (``styling.clip_files.discard_outputs``)
and only then is the flag cleared. When the store is down, or anything else stops the delete,
the flag stays and nothing is raised to whoever failed the job (a worker settling an error, the
task giving up after its retries, the watchdog): the job is failed either way and no error of
the clean-up may turn into a stuck job or a 500. The hourly ``styling.housekeeping`` task calls
:func:`sweep`, which tries every flagged job again until its files are gone. No retry can be
lost: the flag is in the database, not in a queue, and an outage of any length only delays it.
"""

from __future__ import annotations

import logging

from shop.task_policy import is_transient
from styling.clip_files import discard_outputs
from styling.models import JobStatus, StylingJob

log = logging.getLogger(__name__)

__all__ = ["discard", "pending", "sweep"]


def _discard(job: StylingJob) -> None:
    """Delete the job's files, then clear its flag; raises what the store raised."""
    discard_outputs(job)
    StylingJob.objects.filter(pk=job.pk).update(discard_pending=False)
    job.discard_pending = False


def _report(job: StylingJob, exc: Exception) -> None:
    if is_transient(exc):  # the store down or slow: expected, the sweep tries again
        log.warning("failed job %s: its files stay until the store answers: %r", job.pk, exc)
    else:
        log.error("failed job %s: its files could not be deleted", job.pk, exc_info=exc)


def discard(job: StylingJob) -> bool:
    """Delete a failed job's files now if the store lets us; whether they are gone.

    Never raises: what could not be deleted stays flagged for :func:`sweep`.
    """
    try:
        _discard(job)
    except Exception as exc:
        _report(job, exc)
        return False
    return True


def pending() -> list[StylingJob]:
    """Failed jobs whose files are still to be deleted, oldest failure first."""
    rows = StylingJob.objects.filter(status=JobStatus.FAILED, discard_pending=True)
    return list(rows.order_by("finished_at", "pk"))


def sweep() -> list[str]:
    """Try again for every flagged job; the ids whose files are now gone.

    Stops at the first job the store does not answer for (down or slow still: the others would
    only wait out the same timeouts); the next run carries on. Any other error is that job's
    alone: it is logged, stays flagged, and the sweep goes on with the rest.
    """
    done: list[str] = []
    for job in pending():
        try:
            _discard(job)
        except Exception as exc:
            _report(job, exc)
            if is_transient(exc):
                break
            continue
        done.append(str(job.pk))
    if done:
        log.info("deleted the files of %d failed jobs left from a store outage", len(done))
    return done

"""The styling job: state machine, run_job (in process, real retro-cel), watchdog, licence gate."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone
from PIL import Image, ImageChops

from styling.exceptions import JobSuperseded, StyleNotAvailable
from styling.jobs import dispatch, state, watchdog, worker
from styling.models import JobStatus, StylingJob, StylingJobEvent
from styling.tests.factories import StyleFactory

pytestmark = pytest.mark.django_db


def running_job(upload, style, *, attempts: int = 1, heartbeat_age_s: float = 0) -> StylingJob:
    """A job as a worker leaves it when it dies: running, last heartbeat some time ago."""
    job = dispatch.start_job(upload=upload, style=style)
    beat = timezone.now() - timedelta(seconds=heartbeat_age_s)
    assert state.transition(
        job, JobStatus.RUNNING, attempts=attempts, started_at=beat, heartbeat_at=beat
    )
    return job


def statuses(job: StylingJob) -> list[tuple[str, str]]:
    return list(job.events.values_list("from_status", "to_status"))


def test_start_job_creates_a_queued_job_with_an_audit_row(small_upload, style) -> None:
    job = dispatch.start_job(upload=small_upload, style=style, strength=0.6)
    job.refresh_from_db()
    assert (job.status, job.stage, job.progress, job.attempts) == ("queued", "queued", 0, 0)
    assert job.strength == 0.6
    assert job.celery_task_id
    assert statuses(job) == [("queued", "queued")]


def test_a_disabled_style_cannot_be_started(small_upload) -> None:
    style = StyleFactory(is_enabled=False, name="Old look")
    with pytest.raises(StyleNotAvailable) as caught:
        dispatch.start_job(upload=small_upload, style=style)
    assert caught.value.message == "The style “Old look” is not available any more."
    assert StylingJob.objects.count() == 0


def test_run_job_stylizes_and_records_progress(small_upload, style) -> None:
    # Given a queued job on a 96x80 photo
    job = dispatch.start_job(upload=small_upload, style=style)
    # When a worker runs it (here in process: the same code the task calls)
    worker.run_job(job_id=job.pk, task_id="t-1")
    # Then it is done, with a result of the photo's size that differs from the photo
    job.refresh_from_db()
    assert (job.status, job.stage, job.progress, job.attempts) == ("done", "done", 100, 1)
    assert job.started_at <= job.heartbeat_at <= job.finished_at
    assert job.result.name == f"styled/{job.pk.hex}/result.png"
    with job.result.open("rb") as a, small_upload.image.open("rb") as b:
        styled, photo = Image.open(a).convert("RGB"), Image.open(b).convert("RGB")
        assert styled.size == photo.size == (96, 80)
        assert ImageChops.difference(styled, photo).getbbox() is not None
    assert statuses(job) == [("queued", "queued"), ("queued", "running"), ("running", "done")]


def test_run_job_twice_is_a_no_op_the_second_time(small_upload, style) -> None:
    job = dispatch.start_job(upload=small_upload, style=style)
    worker.run_job(job_id=job.pk)
    first = StylingJob.objects.get(pk=job.pk)
    again = worker.run_job(job_id=job.pk)
    assert again.status == "done"
    assert StylingJob.objects.get(pk=job.pk).finished_at == first.finished_at
    assert job.events.count() == 3


def test_a_style_ml_refuses_fails_the_job_with_a_reason(small_upload) -> None:
    style = StyleFactory(params={"palette_size": 99})
    job = dispatch.start_job(upload=small_upload, style=style)
    worker.run_job(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "failed"
    assert job.error_message == (
        "This style could not be applied to your photo. Please try another style."
    )
    assert not job.result


def test_a_photo_deleted_under_the_job_fails_it_with_a_reason(small_upload, style) -> None:
    job = dispatch.start_job(upload=small_upload, style=style)
    small_upload.image.storage.delete(small_upload.image.name)
    worker.run_job(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.error_message) == ("failed", state.PHOTO_GONE)


def test_progress_from_a_superseded_worker_is_refused(small_upload, style) -> None:
    # Given a job the watchdog took away from its worker (attempt 1 -> re-queued -> attempt 2)
    job = running_job(small_upload, style, attempts=1)
    reporter = worker.ProgressReporter(job)
    StylingJob.objects.filter(pk=job.pk).update(attempts=2)
    # When the old worker reports progress, it is told to stop and nothing is written
    with pytest.raises(JobSuperseded):
        reporter("stylize", 0.5)
    assert StylingJob.objects.get(pk=job.pk).progress == 0


@pytest.mark.parametrize(
    ("source", "target"),
    [("done", "running"), ("failed", "queued"), ("queued", "done"), ("done", "failed")],
)
def test_transitions_outside_the_table_are_refused(small_upload, style, source, target) -> None:
    job = dispatch.start_job(upload=small_upload, style=style)
    StylingJob.objects.filter(pk=job.pk).update(status=source)
    job.refresh_from_db()
    with pytest.raises(ValueError, match=f"cannot go from {source} to {target}"):
        state.transition(job, target)
    assert StylingJob.objects.get(pk=job.pk).status == source


@override_settings(STYLING_JOB_STALE_SECONDS=60, STYLING_JOB_MAX_ATTEMPTS=2)
def test_watchdog_requeues_a_stale_running_job_with_attempts_left(small_upload, style) -> None:
    job = running_job(small_upload, style, attempts=1, heartbeat_age_s=61)
    old_task = StylingJob.objects.get(pk=job.pk).celery_task_id
    result = watchdog.watchdog_sweep()
    job.refresh_from_db()
    assert result.requeued == [str(job.pk)] and result.failed == []
    assert (job.status, job.stage, job.progress, job.attempts) == ("queued", "queued", 0, 1)
    assert job.celery_task_id != old_task  # sent again under a new task id
    assert job.events.last().note == "worker stopped reporting; re-queued"


@override_settings(STYLING_JOB_STALE_SECONDS=60, STYLING_JOB_MAX_ATTEMPTS=2)
def test_watchdog_fails_a_stale_job_that_used_its_attempts(small_upload, style) -> None:
    job = running_job(small_upload, style, attempts=2, heartbeat_age_s=61)
    result = watchdog.watchdog_sweep()
    job.refresh_from_db()
    assert result.failed == [str(job.pk)] and result.requeued == []
    assert (job.status, job.error_message) == ("failed", state.WORKER_DIED)
    assert job.error_message == "The styling worker stopped unexpectedly; please try again."


@override_settings(STYLING_JOB_STALE_SECONDS=60)
def test_watchdog_leaves_a_job_with_a_fresh_heartbeat_alone(small_upload, style) -> None:
    job = running_job(small_upload, style, heartbeat_age_s=30)
    assert watchdog.watchdog_sweep() == watchdog.SweepResult(requeued=[], failed=[])
    job.refresh_from_db()
    assert job.status == "running"
    assert job.events.count() == 2


@override_settings(STYLING_JOB_QUEUE_TIMEOUT_SECONDS=600)
def test_watchdog_fails_a_job_nobody_picked_up(small_upload, style) -> None:
    job = dispatch.start_job(upload=small_upload, style=style)
    StylingJob.objects.filter(pk=job.pk).update(queued_at=timezone.now() - timedelta(seconds=601))
    watchdog.watchdog_sweep()
    job.refresh_from_db()
    assert (job.status, job.error_message) == ("failed", state.NOT_PICKED_UP)


def test_job_events_are_ordered_audit_rows(small_upload, style) -> None:
    job = dispatch.start_job(upload=small_upload, style=style)
    state.fail_job(job, "nope")
    assert list(StylingJobEvent.objects.filter(job=job).values_list("to_status", "note")) == [
        ("queued", "created"),
        ("failed", "nope"),
    ]

"""The media store down while a styling job runs, photo or clip: the job goes back to the queue,
not failed (both workers sort errors by ``shop.task_policy.is_transient``); a job that fails
during an outage is failed all the same, and its files are deleted once the store is back
(``styling.jobs.leftovers``, from the hourly housekeeping task)."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.test import override_settings
from PIL import Image

from devkit.s3 import unreachable_storages
from ml.testing import clips
from ml.testing.corpus import photo_like
from styling import tasks
from styling.clip_files import frame_name, output_name, spec_name, storage
from styling.clip_jobs import run_clip_job
from styling.clips import create_clip_upload
from styling.exceptions import TransientStylingError
from styling.jobs import dispatch, worker
from styling.jobs.state import UNEXPECTED
from styling.models import ClipRender, JobStatus, StylingJob
from styling.tests.conftest import stored_files

pytestmark = pytest.mark.django_db


def clip_upload(owner):  # type: ignore[no-untyped-def]
    """A four-frame clip (96x64) as the shop stores one."""
    still = Image.fromarray(photo_like(96, 64, 3))
    data = clips.video_bytes(clips.sprite_over_still(still, 4, (96, 64)), 8)
    return create_clip_upload(owner=owner, data=data, filename="clip.mp4")


def test_a_job_whose_store_is_down_is_requeued_for_a_retry(small_upload, style) -> None:
    # Given a queued job
    job = dispatch.start_job(upload=small_upload, style=style)
    # When the worker runs it while the media store refuses connections
    with (
        override_settings(STORAGES=unreachable_storages(), MEDIA_STORE_ATTEMPTS=1),
        pytest.raises(TransientStylingError),
    ):
        worker.run_job(job_id=job.pk, task_id="t-1")
    # Then the job is queued again (the task retries it), with the reason in its audit trail
    job.refresh_from_db()
    assert (job.status, job.stage, job.progress) == (JobStatus.QUEUED, "queued", 0)
    assert "EndpointConnectionError" in job.events.order_by("-pk").first().note
    # And when the store is back, the retry finishes the job
    worker.run_job(job_id=job.pk, task_id="t-2")
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.result


def test_a_clip_job_whose_store_is_down_is_requeued_not_failed(owner, style) -> None:
    # Given a queued clip job (four small frames)
    job = dispatch.start_job(upload=clip_upload(owner), style=style)
    # When the clip worker runs it while the media store refuses connections
    with (
        override_settings(STORAGES=unreachable_storages(), MEDIA_STORE_ATTEMPTS=1),
        pytest.raises(TransientStylingError),
    ):
        run_clip_job(job_id=job.pk, task_id="t-1")
    # Then it is queued again for the task's retry, as a photo job would be, not failed
    job.refresh_from_db()
    assert (job.status, job.error_message) == (JobStatus.QUEUED, "")
    assert "EndpointConnectionError" in job.events.order_by("-pk").first().note
    # And when the store is back, the retry styles the clip to the end
    run_clip_job(job_id=job.pk, task_id="t-2")
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.error_message
    assert ClipRender.objects.get(job=job).frames == 4


@pytest.mark.parametrize("kind", ["photo", "clip"])
def test_a_job_failing_while_the_store_is_down_has_its_files_deleted_when_it_is_back(
    kind, owner, small_upload, style
) -> None:  # type: ignore[no-untyped-def]
    # Given a job whose earlier run stored files before the store went down: a photo job its
    # result (stored just before a job is marked done), a clip job its spec, frames and a GIF
    upload = small_upload if kind == "photo" else clip_upload(owner)
    job = dispatch.start_job(upload=upload, style=style)
    if kind == "photo":
        written = [output_name(job, "result.png")]
    else:
        written = [spec_name(job), frame_name(job, 0), frame_name(job, 1)]
        written.append(output_name(job, "clip.gif"))
    for name in written:
        storage().save(name, ContentFile(b"written"))
    # When its task gives up after its retries, the store still down
    with override_settings(STORAGES=unreachable_storages(), MEDIA_STORE_ATTEMPTS=1):
        failed = worker.give_up(job.pk)  # no error: the job is failed all the same
        # and the hourly housekeeping cannot delete anything yet, nor does it raise
        assert tasks.housekeeping()["failed_jobs_cleaned"] == 0
    # Then the job is failed for the shopper, its files kept track of, not lost
    job = StylingJob.objects.get(pk=failed.pk)
    assert (job.status, job.error_message, job.discard_pending) == (
        JobStatus.FAILED,
        UNEXPECTED,
        True,
    )
    assert [f for f in stored_files() if f.startswith("styled/")] == sorted(written)
    # And when the store is back, the next housekeeping run deletes them, once
    assert tasks.housekeeping()["failed_jobs_cleaned"] == 1
    assert [f for f in stored_files() if f.startswith("styled/")] == []
    job.refresh_from_db()
    assert not job.discard_pending
    assert tasks.housekeeping()["failed_jobs_cleaned"] == 0


def test_a_failing_photo_job_deletes_the_result_it_had_stored(small_upload, style) -> None:
    # Given a photo job whose run stored its result but was stopped before marking it done
    job = dispatch.start_job(upload=small_upload, style=style)
    storage().save(output_name(job, "result.png"), ContentFile(b"written"))
    # When it fails with the store up, its result goes at once; nothing is left to retry
    worker.give_up(job.pk)
    job.refresh_from_db()
    assert (job.status, job.discard_pending) == (JobStatus.FAILED, False)
    assert [f for f in stored_files() if f.startswith("styled/")] == []

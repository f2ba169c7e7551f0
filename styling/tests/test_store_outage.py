"""The media store down while a styling job runs, photo or clip: the job goes back to the queue,
not failed (both workers sort errors by ``shop.task_policy.is_transient``)."""

from __future__ import annotations

import pytest
from django.test import override_settings
from PIL import Image

from devkit.s3 import unreachable_storages
from ml.testing import clips
from ml.testing.corpus import photo_like
from styling.clip_jobs import run_clip_job
from styling.clips import create_clip_upload
from styling.exceptions import TransientStylingError
from styling.jobs import dispatch, worker
from styling.models import ClipRender, JobStatus

pytestmark = pytest.mark.django_db


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
    still = Image.fromarray(photo_like(96, 64, 3))
    data = clips.video_bytes(clips.sprite_over_still(still, 4, (96, 64)), 8)
    upload = create_clip_upload(owner=owner, data=data, filename="clip.mp4")
    job = dispatch.start_job(upload=upload, style=style)
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

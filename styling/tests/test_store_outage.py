"""The media store down while a styling job runs: the job goes back to the queue, not failed."""

from __future__ import annotations

import pytest
from django.test import override_settings

from devkit.s3 import unreachable_storages
from styling.exceptions import TransientStylingError
from styling.jobs import dispatch, worker
from styling.models import JobStatus

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

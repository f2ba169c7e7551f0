"""One shopper cannot fill the styling queue: a cap on queued + running jobs per shopper."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from styling.models import JobStatus, StylingJob, Upload

pytestmark = [pytest.mark.worker, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PHOTO = "photos/bsd68/101085.png"


def upload(client: Client, photo: Path) -> Upload:
    response = client.post(
        "/create/", {"photo": SimpleUploadedFile(photo.name, photo.read_bytes())}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return Upload.objects.get(pk=response.url.rstrip("/").split("/")[-1])


def request_style(client: Client, item: Upload, style):  # type: ignore[no-untyped-def]
    return client.post(f"/create/uploads/{item.pk}/", {"style": style.pk, "strength": "1"})


def test_a_flooding_shopper_is_capped_and_another_shoppers_job_finishes_promptly(
    celery_worker, shared_data: Path, style
) -> None:
    flooder, other = Client(), Client()
    # Given a shopper who asks for eight styles of one photo at once
    theirs = upload(flooder, shared_data / PHOTO)
    answers = [request_style(flooder, theirs, style) for _ in range(8)]
    # Then two are queued and the rest are refused with a reason
    assert [a.status_code for a in answers] == [302, 302] + [400] * 6
    assert "at most 2 can run at once for one shopper" in answers[-1].content.decode()
    assert StylingJob.objects.filter(upload=theirs).count() == 2
    # When another shopper asks for one style
    started = time.monotonic()
    mine = upload(other, shared_data / PHOTO)
    assert request_style(other, mine, style).status_code == 302
    job = StylingJob.objects.get(upload=mine)
    # Then it finishes behind at most the flooder's two jobs
    while job.status not in (JobStatus.DONE, JobStatus.FAILED) and time.monotonic() - started < 120:
        time.sleep(0.2)
        job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.error_message
    # And once the flooder's jobs are done, they may ask again
    deadline = time.monotonic() + 120
    while StylingJob.objects.filter(upload=theirs, status=JobStatus.DONE).count() < 2:
        assert time.monotonic() < deadline
        time.sleep(0.2)
    assert request_style(flooder, theirs, style).status_code == 302

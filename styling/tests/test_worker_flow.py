"""The whole styling flow through a real ``celery worker`` process, including one killed mid-job."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from PIL import Image, ImageChops, ImageStat

from styling.jobs import state, watchdog
from styling.models import StylingJob, Upload

pytestmark = [pytest.mark.worker, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PHOTO = "photos/bsd68/101085.png"


def start(client: Client, photo: Path, style) -> StylingJob:
    response = client.post(
        "/create/", {"photo": SimpleUploadedFile(photo.name, photo.read_bytes())}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    upload = Upload.objects.get()
    response = client.post(f"/create/uploads/{upload.pk}/", {"style": style.pk, "strength": "1"})
    assert response.status_code == 302
    return StylingJob.objects.get()


def wait_for_status(job: StylingJob, wanted: set[str], timeout: float, poll: float = 0.02) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = StylingJob.objects.values_list("status", flat=True).get(pk=job.pk)
        if status in wanted:
            return status
        time.sleep(poll)
    raise AssertionError(f"job still {status} after {timeout}s")


def test_full_flow_reaches_done_with_a_new_preview(
    client: Client, celery_worker, shared_data: Path, style
) -> None:
    # Given a real photo uploaded and styled through the site
    job = start(client, shared_data / PHOTO, style)
    # When the page polls the progress endpoint while the worker runs
    seen: list[int] = []
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        data = client.get(f"/create/jobs/{job.pk}/progress/", HTTP_ACCEPT="application/json").json()
        seen.append(data["progress"])
        if data["status"] in ("done", "failed"):
            break
        time.sleep(0.1)
    # Then the job is done, in another process, with progress that only went up
    job.refresh_from_db()
    assert job.status == "done", job.error_message
    assert seen == sorted(seen) and seen[-1] == 100
    assert job.events.get(to_status="running").note == f"claimed by task {job.celery_task_id}"
    # And the preview exists, has the photo's size and differs from it
    response = client.get(f"/create/jobs/{job.pk}/result.png")
    assert response.status_code == 200
    styled = Image.open(io.BytesIO(b"".join(response.streaming_content))).convert("RGB")
    original = Image.open(shared_data / PHOTO).convert("RGB")
    assert styled.size == original.size == (321, 481)
    diff = ImageChops.difference(styled, original).convert("L")
    # Clearly restyled: retro-cel moves this photo by ~18 grey levels on average
    # and 31 % of its pixels by 16 or more (flat paint, ink lines)
    assert ImageStat.Stat(diff).mean[0] > 8
    assert sum(diff.histogram()[16:]) > 0.15 * 481 * 321
    # And the htmx poll now redirects to the before/after page
    assert (
        client.get(f"/create/jobs/{job.pk}/progress/")["HX-Redirect"] == f"/create/jobs/{job.pk}/"
    )


@override_settings(STYLING_JOB_STALE_SECONDS=1, STYLING_JOB_MAX_ATTEMPTS=2)
def test_a_worker_killed_mid_job_is_requeued_by_the_watchdog_and_completes(
    client: Client, celery_worker, shared_data: Path, style
) -> None:
    # Given a job the worker has claimed
    job = start(client, shared_data / PHOTO, style)
    wait_for_status(job, {"running"}, timeout=120)
    # When the worker process is killed mid-job
    celery_worker.kill()
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("running", 1)
    time.sleep(1.5)  # the heartbeat goes stale
    # Then the watchdog re-queues it, so no job stays running
    sweep = watchdog.watchdog_sweep()
    assert sweep.requeued == [str(job.pk)]
    assert not StylingJob.objects.filter(status="running").exists()
    # And a new worker picks it up and finishes it on the second attempt
    celery_worker.start()
    celery_worker.wait_ready()
    assert wait_for_status(job, {"done", "failed"}, timeout=180, poll=0.2) == "done"
    job.refresh_from_db()
    assert job.attempts == 2
    assert list(job.events.values_list("from_status", "to_status")) == [
        ("queued", "queued"),
        ("queued", "running"),
        ("running", "queued"),
        ("queued", "running"),
        ("running", "done"),
    ]
    assert client.get(f"/create/jobs/{job.pk}/result.png").status_code == 200


@override_settings(STYLING_JOB_STALE_SECONDS=1, STYLING_JOB_MAX_ATTEMPTS=1)
def test_a_worker_killed_on_the_last_attempt_leaves_the_job_failed_with_a_reason(
    client: Client, celery_worker, shared_data: Path, style
) -> None:
    job = start(client, shared_data / PHOTO, style)
    wait_for_status(job, {"running"}, timeout=120)
    celery_worker.kill()
    time.sleep(1.5)
    try:
        sweep = watchdog.watchdog_sweep()
        job.refresh_from_db()
        assert sweep.failed == [str(job.pk)]
        assert (job.status, job.error_message) == ("failed", state.WORKER_DIED)
        html = client.get(f"/create/jobs/{job.pk}/").content.decode()
        assert "The styling worker stopped unexpectedly; please try again." in html
    finally:
        celery_worker.start()
        celery_worker.wait_ready()

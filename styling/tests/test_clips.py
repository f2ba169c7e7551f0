"""Clip uploads, clip jobs on a real worker (sliced, killed, resumed), downloads and the frame
picker; bad clips refused with nothing stored; a failed clip job keeps no frames."""

from __future__ import annotations

import io
import time
from fractions import Fraction
from pathlib import Path

import av
import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from PIL import Image

from ml.motion import decode_clip
from ml.testing import clips
from styling.clip_files import frame_name
from styling.clip_jobs import run_clip_job
from styling.clips import create_clip_upload
from styling.jobs.watchdog import watchdog_sweep
from styling.models import Clip, ClipRender, StylingJob, Upload
from styling.selectors import Owner
from styling.tests.conftest import stored_files
from styling.tests.factories import StyleFactory

PHOTO = "photos/sun80/abbey_sun_asztnlqhlrvirneh.jpg"
SIZE = (192, 144)


@pytest.fixture(scope="module")
def frames(shared_data: Path) -> list[Image.Image]:
    return clips.panned(Image.open(shared_data / PHOTO), 8, SIZE, still=3, step=3)


@pytest.fixture(scope="module")
def clip_mp4(frames) -> bytes:
    return clips.video_bytes(frames, 8, audio=True)


def post_clip(client: Client, data: bytes, name: str = "clip.mp4"):
    return client.post("/create/", {"photo": SimpleUploadedFile(name, data)})


# -- uploads -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_clip_upload_is_stored_with_its_facts_and_only_its_owner_sees_it(client, clip_mp4):
    response = post_clip(client, clip_mp4)
    assert response.status_code == 302, response.content.decode()[:2000]
    upload = Upload.objects.get()
    clip = Clip.objects.get(upload=upload)
    assert (clip.frames, clip.fps, (clip.width, clip.height), clip.has_audio) == (
        8,
        Fraction(8),
        SIZE,
        True,
    )
    assert upload.original.name.endswith(".mp4") and (upload.width, upload.height) == SIZE
    before = client.get(f"/create/uploads/{upload.pk}/before.mp4")
    assert before["Content-Type"] == "video/mp4"
    played = decode_clip(b"".join(before.streaming_content))
    assert (len(played.frames), played.size, played.has_audio) == (8, SIZE, False)
    assert Client().get(f"/create/uploads/{upload.pk}/before.mp4").status_code == 404


@pytest.mark.django_db
def test_the_upload_page_shows_the_clip_limits_before_upload(client):
    html = client.get("/create/").content.decode()
    assert "Clips: GIF, animated WebP/PNG, MP4, WebM or MOV, up to 10 seconds and 20 MB" in html
    assert "video/mp4" in html


BAD = {
    "truncated.mp4": ("truncated", "incomplete or damaged"),
    "mjpeg.mov": ("unsupported_codec", "which we do not read"),
    "long.mp4": ("too_long", "the limit is 10 seconds"),
    "bomb.gif": ("too_many_pixels", "is 30000x30000 pixels; the limit is 40 megapixels"),
    "frames.gif": ("too_many_frames", "has 3000 frames; the limit is 1200"),
    "sound-only.mp4": ("no_frames", "has no video in it"),
    "truncated.gif": ("truncated", "incomplete"),
}


@pytest.fixture(scope="module")
def bad_clips(frames, clip_mp4) -> dict[str, bytes]:
    gif = clips.gif_bytes(frames)
    return {
        "truncated.mp4": clip_mp4[: len(clip_mp4) // 2],
        "mjpeg.mov": clips.video_bytes(frames[:4], 8, container="mov", codec="mjpeg"),
        "long.mp4": clips.video_bytes(frames * 11, 8),
        "bomb.gif": clips.gif_huge_canvas(),
        "frames.gif": clips.gif_many_frames(3000),
        "sound-only.mp4": clips.audio_only_mp4(),
        "truncated.gif": gif[: len(gif) // 2],
    }


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_clips_get_a_clear_message_and_nothing_is_stored(client, bad_clips, name):
    response = post_clip(client, bad_clips[name], name)
    assert response.status_code == 400
    assert BAD[name][1] in response.content.decode()
    assert not Upload.objects.exists() and not Clip.objects.exists()
    assert stored_files() == []


# -- a failed clip job keeps nothing -----------------------------------------------------------


@pytest.mark.django_db
def test_a_failing_clip_job_deletes_the_frames_it_had_written(clip_mp4):
    owner = Owner(session="c" * 32)
    upload = create_clip_upload(owner=owner, data=clip_mp4, filename="clip.mp4")
    broken = StyleFactory(params={"palette_size": 99})  # refused when the style loads
    job = StylingJob.objects.create(upload=upload, style=broken, stage="queued")
    storage = job.result.storage
    for i in range(3):  # frames an earlier attempt wrote
        storage.save(frame_name(job, i), ContentFile(b"frame"))
    run_clip_job(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.error_message) == (
        "failed",
        "This style could not be applied to your photo. Please try another style.",
    )
    assert not any(storage.exists(frame_name(job, i)) for i in range(8))
    assert not ClipRender.objects.exists()
    assert [f for f in stored_files() if f.startswith("styled/")] == []


# -- the worker: slices, a death mid-clip, resume, downloads, the frame picker ------------------


def wait_for(job: StylingJob, statuses: set[str], timeout: float) -> str:
    deadline = time.monotonic() + timeout
    status = ""
    while time.monotonic() < deadline:
        status = StylingJob.objects.values_list("status", flat=True).get(pk=job.pk)
        if status in statuses:
            return status
        time.sleep(0.2)
    events = list(job.events.values_list("from_status", "to_status", "note"))
    raise AssertionError(f"job still {status} after {timeout}s: {events}")


def body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.mark.worker
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@override_settings(STYLING_JOB_STALE_SECONDS=1, STYLING_JOB_MAX_ATTEMPTS=2)
def test_a_clip_job_runs_frame_by_frame_survives_a_dead_worker_and_downloads(
    client, celery_worker, clip_mp4
):
    # Given a clip job on a worker
    style = StyleFactory()
    assert post_clip(client, clip_mp4).status_code == 302
    upload = Upload.objects.get()
    client.post(f"/create/uploads/{upload.pk}/", {"style": style.pk, "strength": "1"})
    job = StylingJob.objects.get()
    storage = job.result.storage

    # When the progress is watched until three frames are stored, and the worker dies
    stages: list[str] = []
    deadline = time.monotonic() + 240
    while not storage.exists(frame_name(job, 2)):
        assert time.monotonic() < deadline, stages
        data = client.get(f"/create/jobs/{job.pk}/progress/", HTTP_ACCEPT="application/json")
        stages.append(data.json()["stage"])
        time.sleep(0.05)
    celery_worker.kill()
    done_before = {
        i: storage.get_modified_time(frame_name(job, i))
        for i in range(8)
        if storage.exists(frame_name(job, i))
    }
    assert "Painting frame 2 of 8" in stages, stages
    time.sleep(1.5)
    assert watchdog_sweep().requeued == [str(job.pk)]  # back to the queue

    # Then a new worker, whose tasks style one frame each before handing the rest on to a
    # fresh task, finishes it without redoing a stored frame
    celery_worker.extra_env = {"STYLING_CLIP_SLICE_SECONDS": "0"}
    celery_worker.start()
    celery_worker.wait_ready()
    assert wait_for(job, {"done", "failed"}, 120) == "done", StylingJob.objects.get().error_message
    job.refresh_from_db()
    for i, stamp in done_before.items():
        assert storage.get_modified_time(frame_name(job, i)) == stamp, f"frame {i} was redone"
    assert job.attempts == 2  # slices are not attempts; the death is one
    notes = list(job.events.values_list("note", flat=True))
    assert sum("next slice" in n for n in notes) >= 2

    # And the downloads decode: GIF, WebP and MP4 with 8 frames of 192x144 over 1 s
    page = client.get(f"/create/jobs/{job.pk}/").content.decode()
    assert "Pick the frame to print" in page and "Download MP4" in page
    # (GIF and WebP store the held still start as one longer frame; played, it is 8 frames)
    gif = body(client.get(f"/create/jobs/{job.pk}/clip.gif?download"))
    played = decode_clip(gif)
    assert (len(played.frames), played.size) == (8, SIZE)
    assert played.seconds == pytest.approx(1.0, abs=0.02)  # GIF's 10 ms ticks: 120/130 ms
    mp4 = body(client.get(f"/create/jobs/{job.pk}/clip.mp4?download"))
    with av.open(io.BytesIO(mp4)) as c:
        video = c.streams.video[0]
        assert (video.codec_context.name, video.width, video.height) == ("h264", *SIZE)
        assert float(video.duration * video.time_base) == pytest.approx(1.0)
        assert [s.codec_context.name for s in c.streams.audio] == ["aac"]
        assert sum(1 for _ in c.decode(video=0)) == 8
    played = decode_clip(body(client.get(f"/create/jobs/{job.pk}/clip.webp")))
    assert (len(played.frames), played.size) == (8, SIZE)
    assert played.seconds == pytest.approx(1.0, abs=0.02)
    assert Client().get(f"/create/jobs/{job.pk}/clip.mp4").status_code == 404
    render = ClipRender.objects.get(job=job)
    assert render.frames == 8 and render.flicker is not None

    # And a picked frame becomes a photo job of the same style, at the source's size
    response = client.post(f"/create/jobs/{job.pk}/frames/pick/", {"frame": "5"})
    frame_job = StylingJob.objects.exclude(pk=job.pk).get()
    assert response["Location"] == f"/create/jobs/{frame_job.pk}/"
    assert frame_job.style == style and not hasattr(frame_job.upload, "clip")
    assert (frame_job.upload.width, frame_job.upload.height) == SIZE
    assert wait_for(frame_job, {"done", "failed"}, 120) == "done"
    assert client.get(f"/create/jobs/{frame_job.pk}/place/").status_code == 200


@pytest.mark.django_db
def test_housekeeping_deletes_an_abandoned_clip_with_its_frames_and_downloads(
    clip_mp4, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    from styling import retention

    upload = create_clip_upload(owner=Owner(session="h" * 32), data=clip_mp4, filename="c.mp4")
    job = StylingJob.objects.create(upload=upload, style=StyleFactory(), stage="queued")
    storage = job.result.storage
    for i in range(8):
        storage.save(frame_name(job, i), ContentFile(b"frame"))
    storage.save(f"styled/{job.pk.hex}/clip.gif", ContentFile(b"gif"))
    assert len(stored_files()) == 3 + 9  # original, picture, before; frames, GIF
    with django_capture_on_commit_callbacks(execute=True):  # files go after the commit
        retention.housekeeping(now=timezone.now() + timedelta(days=60))
    assert not Upload.objects.exists() and stored_files() == []

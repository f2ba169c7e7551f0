"""A clip job fixes a classical style's quantisation centres once, from keyframes, and stores
them with the clip's spec, so a resumed run paints onto the same centres; a spec stored before
fixed centres existed keeps them off; with the palette fixed too, the colours are chosen in one
reported stage and the centres with the style's own stylizer. Originals download with their
real media type."""

from __future__ import annotations

import dataclasses
import io
import json
from pathlib import Path

import numpy as np
import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import Image

from ml.model_cache import MODELS
from ml.motion import clip_centres, decode_clip
from ml.styles import StyleSpec, clear_style_cache, load_style
from ml.testing import clips
from styling.clip_files import frame_name, spec_name
from styling.clip_jobs import fixed_clip_spec, run_clip_job
from styling.clips import clip_limits, create_clip_upload
from styling.jobs.worker import ProgressReporter, claim
from styling.models import StylingJob, Upload
from styling.selectors import Owner
from styling.tests.factories import StyleFactory

PHOTO = "photos/sun80/abbey_sun_asztnlqhlrvirneh.jpg"
SIZE = (160, 112)
RETRO_CEL = StyleSpec(kind="classical", builtin="retro-cel")


@pytest.fixture(scope="module")
def clip_mp4(shared_data: Path) -> bytes:
    frames = clips.sprite_over_still(Image.open(shared_data / PHOTO), 5, SIZE)
    return clips.video_bytes(frames, 8)


def queued_clip_job(data: bytes) -> StylingJob:
    upload = create_clip_upload(owner=Owner(session="k" * 32), data=data, filename="clip.mp4")
    return StylingJob.objects.create(upload=upload, style=StyleFactory(), stage="queued")


def stored_frames(job: StylingJob) -> list[np.ndarray]:
    files = job.result.storage
    out = []
    for i in range(job.upload.clip.frames):
        with files.open(frame_name(job, i), "rb") as fh:
            out.append(np.asarray(Image.open(fh).convert("RGB")))
    return out


def sources(job: StylingJob) -> list[Image.Image]:
    with job.upload.original.open("rb") as fh:
        return decode_clip(fh.read(), clip_limits()).frames


@pytest.mark.django_db
def test_the_clip_is_painted_onto_its_keyframes_centres_stored_with_its_spec(clip_mp4):
    job = queued_clip_job(clip_mp4)
    run_clip_job(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "done", job.error_message
    with job.result.storage.open(spec_name(job), "rb") as fh:
        stored = json.load(fh)
    assert stored["palette"] == [] and len(stored["centres"]) == 14
    fixed = load_style(dataclasses.replace(RETRO_CEL, centres=stored["centres"]))
    expected = [np.asarray(fixed(f, size=max(SIZE))) for f in sources(job)]
    assert all(np.array_equal(a, b) for a, b in zip(stored_frames(job), expected, strict=True))


@pytest.mark.django_db
def test_a_resumed_run_uses_the_stored_centres_and_an_old_spec_keeps_them_off(clip_mp4):
    # A spec written by an earlier attempt (centres of some other picture) is what the frames use
    other = load_style(RETRO_CEL).clip_centres([Image.new("RGB", SIZE, (30, 120, 200))], 160)
    resumed, old = queued_clip_job(clip_mp4), queued_clip_job(clip_mp4)
    for job, spec in ((resumed, {"palette": [], "centres": other}), (old, {"palette": []})):
        job.result.storage.save(spec_name(job), ContentFile(json.dumps(spec).encode()))
        run_clip_job(job_id=job.pk)
        job.refresh_from_db()
        assert job.status == "done", job.error_message
    painted = load_style(dataclasses.replace(RETRO_CEL, centres=other))
    expected = [np.asarray(painted(f, size=max(SIZE))) for f in sources(resumed)]
    assert all(np.array_equal(a, b) for a, b in zip(stored_frames(resumed), expected, strict=True))
    per_frame = [np.asarray(load_style(RETRO_CEL)(f, size=max(SIZE))) for f in sources(old)]
    assert all(np.array_equal(a, b) for a, b in zip(stored_frames(old), per_frame, strict=True))


@pytest.mark.django_db
@override_settings(STYLING_CLIP_FIXED_CENTRES=False)
def test_with_fixed_centres_off_each_frame_chooses_its_own(clip_mp4):
    job = queued_clip_job(clip_mp4)
    run_clip_job(job_id=job.pk)
    with job.result.storage.open(spec_name(job), "rb") as fh:
        assert json.load(fh) == {"palette": [], "centres": []}


class StageLog(ProgressReporter):
    """The worker's reporter (it still writes the job's stage), keeping each stage it wrote."""

    def __init__(self, job: StylingJob) -> None:
        super().__init__(job)
        self.stages: list[str] = []

    def write(self, stage: str, percent: int) -> None:
        self.stages.append(stage)
        super().write(stage, percent)


@pytest.mark.django_db
@override_settings(STYLING_CLIP_FIXED_PALETTE=True, STYLING_CLIP_FIXED_CENTRES=True)
def test_with_palette_and_centres_fixed_the_colours_are_chosen_once(clip_mp4):
    # Given a running clip job and an empty model cache
    job = queued_clip_job(clip_mp4)
    claim(job)
    frames = sources(job)
    clear_style_cache()
    # When its spec is fixed with both the palette and the centres on
    reporter = StageLog(job)
    fixed = fixed_clip_spec(job, RETRO_CEL, frames, reporter)
    # Then the shopper sees the stage once
    assert reporter.stages == ["Choosing the clip's colours"]
    assert len(fixed.palette) == 18 and len(fixed.centres) == 14
    # And the style's own stylizer is the only one in the cache: the centres came from it
    # (which chose the palette), not from one built for the palette spec, and the frames'
    # stylizer (with the clip's centres) is the clip's own, never cached
    load_style(fixed)
    assert len(MODELS) == 1
    # And they are the centres that palette spec's stylizer gives: the palette does not move them
    with_palette = dataclasses.replace(RETRO_CEL, palette=fixed.palette)
    assert clip_centres(with_palette, frames, max(SIZE)).centres == fixed.centres


@pytest.mark.django_db
def test_originals_download_with_their_real_media_type(client, clip_mp4):
    png = io.BytesIO()
    Image.new("RGB", (320, 240), (200, 80, 40)).save(png, "PNG")
    for data, name, media_type in (
        (clip_mp4, "walk.mp4", "video/mp4"),
        (png.getvalue(), "me.png", "image/png"),
    ):
        assert client.post("/create/", {"photo": SimpleUploadedFile(name, data)}).status_code == 302
        upload = Upload.objects.get(original_filename=name)
        response = client.get(f"/create/uploads/{upload.pk}/original")
        assert response["Content-Type"] == media_type
        ext = name.rsplit(".", 1)[1]
        assert response["Content-Disposition"] == f'attachment; filename="original.{ext}"'
        assert b"".join(response.streaming_content) == data

"""The worker side of a clip job: frame by frame, resumable, nothing half-written kept.

A clip job is an ordinary ``StylingJob`` (same state machine, watchdog, active-job
cap) whose upload has a :class:`~styling.models.Clip`. ``styling.tasks.gpu_stylize``
hands it here instead of ``styling.jobs.worker.run_job``.

* **Frame by frame, through the storage API**: each styled frame is saved as
  ``styled/<job>/frames/NNNN.png`` the moment it is done, and the clip's fixed
  style spec (its palette) as ``.../spec.json`` before the first frame. Nothing assumes a disk shared between workers, so the same
  code runs on object storage.
* **Resumable**: a re-run (after the watchdog re-queued a dead worker's job, or a
  transient error) skips every frame whose file exists and reuses the stored
  spec, so the result is what one uninterrupted run gives.
* **Slices**: one task styles frames for ``STYLING_CLIP_SLICE_SECONDS`` and then
  puts the job back in the queue for the rest (not counted as an attempt), so
  a 10 s clip on a CPU never meets the task time limit.
* **Progress**: "Painting frame i of n" with the percent and heartbeat.
* **Errors sorted as for a photo job** (``styling.jobs.worker.settle``): transient ones (the
  task policy's rule: a media store down or slow too) put the job back in the queue, the rest
  fail it with a reason the shopper can read.
* **Clean failure**: a job that ends ``failed`` deletes its frames and any
  download already written (``jobs.state.fail_job``; when the store is down, the housekeeping
  task once it is back: ``jobs.leftovers``); no output of a failed job stays in storage.
"""

from __future__ import annotations

import io
import json
import logging
import time
import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from ml.motion import (
    clip_centres,
    clip_spec,
    decode_clip,
    flicker,
    stabilise,
    write_gif,
    write_mp4,
    write_webp,
)
from styling import engine
from styling.clip_files import frame_name, output_name, spec_name, storage
from styling.clips import clip_limits
from styling.exceptions import JobSuperseded
from styling.jobs import dispatch
from styling.jobs.state import transition
from styling.jobs.worker import ProgressReporter, claim, settle
from styling.models import Clip, ClipRender, JobStatus, StylingJob

if TYPE_CHECKING:
    from ml.styles import StyleSpec

log = logging.getLogger(__name__)

__all__ = ["fixed_clip_spec", "is_clip_job", "run_clip_job"]


def is_clip_job(job_id: uuid.UUID | str) -> bool:
    return Clip.objects.filter(upload__jobs=job_id).exists()


def run_clip_job(*, job_id: uuid.UUID | str, task_id: str = "") -> StylingJob:
    """Claim a queued clip job and style the frames still missing; finish when all are done.

    Same contract as :func:`styling.jobs.worker.run_job`: safe to call twice, permanent
    problems fail the job with a shopper-readable reason, transient ones re-queue it and
    raise :class:`TransientStylingError`.
    """
    job = StylingJob.objects.select_related("upload", "style", "upload__clip").get(pk=job_id)
    # A job back from a slice keeps the first slice's start time.
    attempt = claim(job, task_id=task_id, started_at=job.started_at or timezone.now())
    if attempt is None:
        return job
    reporter = ProgressReporter(job)
    try:
        if _style_frames(job, reporter, attempt):
            _finish(job, reporter, attempt)
    except JobSuperseded:
        log.warning("clip job %s was taken over while running; this run stops", job.pk)
        job.refresh_from_db()
    except Exception as exc:
        # The photo worker's sorting (a store outage re-queues); a re-queue keeps "frame i of n"
        settle(job, attempt, exc)
    return job


def _style_frames(job: StylingJob, reporter: ProgressReporter, attempt: int) -> bool:
    """Style the missing frames; False when the slice ran out and the job was re-queued."""
    clip = job.upload.clip
    files = storage()
    with job.upload.original.open("rb") as fh:
        frames = decode_clip(fh.read(), clip_limits()).frames
    if len(frames) != clip.frames:  # the decoder changed under a stored clip: start over
        raise ValueError("the clip decodes differently now; please upload it again")
    from ml.styles import load_style

    # The style's files are process-local copies only inside this block: load it here.
    with engine.style_spec(job.style) as style_spec:
        spec = fixed_clip_spec(job, style_spec, frames, reporter)
        stylizer = load_style(spec)
    deadline = time.monotonic() + settings.STYLING_CLIP_SLICE_SECONDS
    n = len(frames)
    styled_here = 0
    for i, frame in enumerate(frames):
        name = frame_name(job, i)
        if files.exists(name):
            continue  # done by an earlier run: never redone
        if styled_here and time.monotonic() > deadline:  # every slice styles one frame at least
            _next_slice(job, attempt, i, n)
            return False
        styled_here += 1
        reporter.write(f"Painting frame {i + 1} of {n}", 5 + round(85 * i / n))
        styled = stylizer(
            frame,
            strength=job.strength,
            preserve_color=job.preserve_color,
            size=max(frame.size),
        )
        png = io.BytesIO()
        styled.save(png, "PNG")
        files.save(name, ContentFile(png.getvalue()))
    return True


def fixed_clip_spec(
    job: StylingJob, spec: StyleSpec, frames: list[Image.Image], reporter: ProgressReporter
) -> StyleSpec:
    """The style spec every frame uses, fixed once per clip and stored, so a resumed run
    paints exactly like the frames already done.

    With ``STYLING_CLIP_FIXED_CENTRES`` (on) a classical style quantises every frame onto its
    keyframes' k-means centres (``ml.motion.clip_centres``): the style's own colours, chosen
    once, so a still region keeps its paint from frame to frame.

    With ``STYLING_CLIP_FIXED_PALETTE`` a classical style paints with its keyframes' pooled
    palette (``ml.motion.clip_spec``). Off by default: mapped onto 18 pooled colours the
    paint loses hues the style shows on a photo (green foliage turned brown on the test
    clip), and ``bench/ml_motion.py`` shows no flicker gain from it.

    The frames' stylizer (this spec's, with its centres) is built for this run and not kept in
    ``ml``'s model cache, where one entry per clip would evict the networks.
    """
    import dataclasses

    files = storage()
    name = spec_name(job)
    if files.exists(name):
        with files.open(name, "rb") as fh:
            stored = json.load(fh)
        if stored["palette"]:
            spec = dataclasses.replace(spec, palette=tuple(tuple(c) for c in stored["palette"]))
        # A spec stored before fixed centres existed has none: the frames done kept theirs.
        if stored.get("centres"):
            spec = dataclasses.replace(spec, centres=tuple(tuple(c) for c in stored["centres"]))
        return spec
    fixed = spec
    palette_on = settings.STYLING_CLIP_FIXED_PALETTE
    centres_on = settings.STYLING_CLIP_FIXED_CENTRES
    if palette_on or centres_on:  # one stage for the shopper, whichever of the two is on
        reporter.write("Choosing the clip's colours", 3)
    if palette_on:
        from ml.styles import load_style

        base = load_style(spec)
        fixed = clip_spec(
            spec,
            frames,
            lambda f: base(
                f, strength=job.strength, preserve_color=job.preserve_color, size=max(f.size)
            ),
        )
    if centres_on:
        # From the style's own spec, not the palette one: the centres depend on the style's
        # parameters only, and its stylizer is the one the palette step (and photo jobs)
        # loaded; the palette spec's would be a model-cache entry built just for this.
        centres = clip_centres(spec, frames, max(frames[0].size)).centres
        fixed = dataclasses.replace(fixed, centres=centres)
    body = json.dumps(
        {
            "palette": [list(c) for c in fixed.palette],
            "centres": [list(c) for c in fixed.centres],
        }
    ).encode()
    files.save(name, ContentFile(body))
    return fixed


def _next_slice(job: StylingJob, attempt: int, done: int, total: int) -> None:
    """Hand the remaining frames to a fresh task; the slice is not a failed attempt."""
    if transition(
        job,
        JobStatus.QUEUED,
        note=f"{done} of {total} frames done; next slice",
        expect_attempts=attempt,
        attempts=attempt - 1,
        queued_at=timezone.now(),
    ):
        dispatch.enqueue_job(job)


def _finish(job: StylingJob, reporter: ProgressReporter, attempt: int) -> None:
    """Hold still parts, write the downloads, and mark the job done."""
    clip = job.upload.clip
    files = storage()
    reporter.write("Putting the frames together", 92)
    with job.upload.original.open("rb") as fh:
        source = fh.read()
    sources = decode_clip(source, clip_limits()).frames
    styled = []
    for i in range(clip.frames):
        with files.open(frame_name(job, i), "rb") as fh:
            styled.append(Image.open(fh).convert("RGB"))
    stable = list(stabilise(sources, styled))
    figure = flicker(sources, stable)
    fps = clip.fps
    blobs = {
        "clip.gif": write_gif(stable, fps),
        "clip.webp": write_webp(stable, fps),
        "clip.mp4": write_mp4(stable, fps, audio_from=source if clip.has_audio else None),
    }
    reporter.write("saving", 97)
    poster = io.BytesIO()
    stable[0].save(poster, "PNG")
    blobs["result.png"] = poster.getvalue()
    saved = {}
    for name, body in blobs.items():
        if files.exists(output_name(job, name)):  # a re-run after a crash here: same names
            files.delete(output_name(job, name))
        saved[name] = files.save(output_name(job, name), ContentFile(body))
    render = ClipRender(
        job=job,
        gif=saved["clip.gif"],
        webp=saved["clip.webp"],
        mp4=saved["clip.mp4"],
        frames=clip.frames,
        flicker=None if figure != figure else round(figure, 4),
    )
    ClipRender.objects.filter(job=job).delete()
    render.save(force_insert=True)
    finished = timezone.now()
    if not transition(
        job,
        JobStatus.DONE,
        note="finished",
        expect_attempts=attempt,
        result=saved["result.png"],
        palette=engine.palette_json(stable[:: max(1, len(stable) // 4)]),
        stage="done",
        progress=100,
        finished_at=finished,
        heartbeat_at=finished,
    ):
        raise JobSuperseded(str(job.pk))

"""Where a clip job's files live in storage, and how they are all removed.

Names are deterministic (``styled/<job>/frames/NNNN.png``, ``.../spec.json``,
``styled/<job>/clip.gif`` ...), so a resumed run finds what an earlier run wrote
and a failed job can delete everything it may have written without listing a
folder (object storage has no cheap listing); a photo job's one file, ``result.png``, too.
This module imports only models: ``styling.jobs.leftovers`` (called by
``styling.jobs.state.fail_job``) calls :func:`discard_outputs`, and the job runner
(``styling.clip_jobs``) imports ``styling.jobs``, so it must not import it back.
"""

from __future__ import annotations

from django.core.files.storage import Storage

from styling.models import Clip, ClipRender, StylingJob

__all__ = [
    "OUTPUTS",
    "discard_outputs",
    "frame_name",
    "job_names",
    "output_name",
    "spec_name",
    "storage",
]

OUTPUTS = ("clip.gif", "clip.webp", "clip.mp4", "result.png")


def storage() -> Storage:
    return StylingJob._meta.get_field("result").storage


def frame_name(job: StylingJob, index: int) -> str:
    return f"styled/{job.pk.hex}/frames/{index:04d}.png"


def spec_name(job: StylingJob) -> str:
    return f"styled/{job.pk.hex}/frames/spec.json"


def output_name(job: StylingJob, name: str) -> str:
    return f"styled/{job.pk.hex}/{name}"


def job_names(job: StylingJob, frames: int) -> list[str]:
    """Every name a clip job of ``frames`` frames may have written."""
    names = [spec_name(job)] + [output_name(job, n) for n in OUTPUTS]
    return names + [frame_name(job, i) for i in range(frames)]


def discard_outputs(job: StylingJob) -> None:
    """Delete everything a failed job may have written: a clip job's frames, spec and downloads;
    a photo job's ``result.png`` (stored just before the job is marked done, so a run stopped
    between the two leaves it behind).

    Raises what the store raises (down, slow): ``styling.jobs.leftovers`` keeps track and tries
    again. Safe to repeat: names already gone are skipped.
    """
    clip = Clip.objects.filter(upload_id=job.upload_id).first()
    names = job_names(job, clip.frames) if clip else [output_name(job, "result.png")]
    files = storage()
    for name in names:
        if files.exists(name):
            files.delete(name)
    ClipRender.objects.filter(job=job).delete()

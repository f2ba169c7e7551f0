"""Clip uploads and the frame picker: the shop side of issue 17's moving pictures.

A clip enters like a photo (``Upload``, private original, owner-scoped) plus a
:class:`~styling.models.Clip` row; it is styled by an ordinary ``StylingJob``
whose worker side is :mod:`styling.clip_jobs`. Picking a frame turns that frame
(at the source's own size) into an ordinary photo upload and styles it, so the
rest of the journey (place on a product, cart, print) is the photo journey,
unchanged.
"""

from __future__ import annotations

import io
import logging
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction

from ml.motion import ClipLimits, ClipRejected, decode_clip, source_frame, write_mp4
from styling import uploads
from styling.exceptions import JobNotReady, UploadRejected
from styling.jobs import dispatch
from styling.models import Clip, JobStatus, StylingJob, Upload
from styling.selectors import Owner

log = logging.getLogger(__name__)

__all__ = ["clip_limits", "create_clip_upload", "pick_frame"]

CLIP_EXTENSIONS = {"gif": "gif", "webp": "webp", "png": "png", "mp4": "mp4", "matroska": "webm"}


def clip_limits() -> ClipLimits:
    """What a clip upload may be (shown on the upload page, enforced by ``ml.motion``)."""
    return ClipLimits(
        max_bytes=settings.STYLING_UPLOAD_MAX_BYTES,
        max_seconds=settings.STYLING_CLIP_MAX_SECONDS,
        size=settings.STYLING_CLIP_SIZE,
    )


def create_clip_upload(*, owner: Owner, data: bytes, filename: str) -> Upload:
    """Validate the clip by decoding it whole, then store the original, its first frame (the
    ``image`` every page shows for an upload) and the "before" video (the working size, H.264,
    no sound: what the result page plays beside the styled one). Nothing is stored
    unless every check passed.

    Raises:
        UploadRejected: the clip is not acceptable (``ml.motion``'s code and message).
    """
    try:
        clip = decode_clip(data, clip_limits())
    except ClipRejected as exc:
        raise UploadRejected(exc.message, code=exc.code) from None
    poster = io.BytesIO()
    clip.frames[0].save(poster, "PNG")
    fps = clip.fps
    upload = Upload(
        id=uuid.uuid4(),
        owner_session=owner.session,
        owner_user_id=owner.user_id,
        original_filename=filename[:255],
        width=clip.size[0],
        height=clip.size[1],
        crop={},
    )
    row = Clip(
        upload=upload,
        frames=len(clip.frames),
        fps_num=fps.numerator,
        fps_den=fps.denominator,
        width=clip.size[0],
        height=clip.size[1],
        has_audio=clip.has_audio,
    )
    upload.original.save(
        f"original.{CLIP_EXTENSIONS.get(clip.format, 'bin')}", ContentFile(data), save=False
    )
    upload.image.save("photo.png", ContentFile(poster.getvalue()), save=False)
    row.before.save("before.mp4", ContentFile(write_mp4(clip.frames, fps)), save=False)
    try:
        with transaction.atomic():
            upload.save(force_insert=True)
            row.save(force_insert=True)
    except Exception:
        for field in (upload.original, upload.image, row.before):
            if field and field.name:
                field.storage.delete(field.name)
        raise
    log.info("clip upload %s: %s %d frames at %s fps", upload.pk, clip.format, row.frames, fps)
    return upload


def pick_frame(*, owner: Owner, job: StylingJob, index: int) -> StylingJob:
    """Frame ``index`` of a finished clip job becomes a photo upload of its own, styled with
    the same style, strength and colour choice: the design journey continues from that job.

    The frame is taken from the original clip at the source's size, so the print has every
    pixel the clip had (not the working size the clip was styled at).

    Raises:
        JobNotReady: the clip job is not done. UploadRejected: no such frame, or the frame
        is not a usable photo. TooManyJobs / StyleNotAvailable: as for any new job.
    """
    clip = Clip.objects.filter(upload_id=job.upload_id).first()
    if job.status != JobStatus.DONE or clip is None:
        raise JobNotReady("The styled clip is not ready yet.")
    if not 0 <= index < clip.frames:
        raise UploadRejected(
            f"The clip has frames 1 to {clip.frames}; please pick one of those.", code="bad_frame"
        )
    with job.upload.original.open("rb") as fh:
        data = fh.read()
    try:
        frame = source_frame(data, index, clip_limits())
    except (ClipRejected, IndexError):
        raise UploadRejected(
            "That frame could not be read from your clip; please pick another.", code="bad_frame"
        ) from None
    png = io.BytesIO()
    frame.save(png, "PNG")
    stem = (job.upload.original_filename.rsplit(".", 1)[0] or "clip")[:200]
    upload = uploads.create_upload(
        owner=owner, data=png.getvalue(), filename=f"{stem}-frame-{index + 1}.png"
    )
    return dispatch.start_job(
        upload=upload,
        style=job.style,
        strength=job.strength,
        preserve_color=job.preserve_color,
    )

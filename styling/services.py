"""Writes and workflows of the styling journey: upload, style job, design.

Views and tasks call these functions and translate the typed errors of
``styling.exceptions`` into messages. The job's status changes only through
:func:`transition` (the table :data:`TRANSITIONS`); the worker side is
:func:`run_job`, the watchdog :func:`watchdog_sweep`. Housekeeping lives in
``styling.retention``.
"""

from __future__ import annotations

import io
import logging
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import DatabaseError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from PIL import Image

from catalog.models import Variant
from ml.imageio import ImageRejected, open_image
from styling import engine, selectors
from styling.exceptions import (
    JobNotReady,
    JobSuperseded,
    PrintQualityTooLow,
    StyleNotAvailable,
    StyleNotSellable,
    TooManyJobs,
    TransientStylingError,
    UploadRejected,
    VariantNotAvailable,
)
from styling.mockups import render_preview
from styling.models import Design, JobStatus, Style, StylingJob, StylingJobEvent, Upload
from styling.placement import Placement
from styling.quality import PrintQuality, SizeOption, assess
from styling.selectors import SESSION_OWNER_KEY, Owner

log = logging.getLogger(__name__)

__all__ = [
    "CropBox",
    "StyleNotOrderable",
    "assert_style_orderable",
    "not_orderable_reason",
    "create_design",
    "create_upload",
    "fail_job",
    "print_quality",
    "run_job",
    "start_job",
    "transition",
    "watchdog_sweep",
]

#: Longest side of the stored display image (the crop); the styles run at a smaller size.
IMAGE_MAX_SIDE = 4096
ORIGINAL_EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif", "TIFF": "tif"}
WORKER_DIED = "The styling worker stopped unexpectedly; please try again."
NOT_PICKED_UP = "Our styling service is too busy right now; please try again in a few minutes."
TOO_SLOW = "Styling this photo took too long; please try a smaller photo or another style."
PHOTO_GONE = "Your photo is no longer stored here; please upload it again."
UNEXPECTED = "Something went wrong while styling your photo; please try again."
PROGRESS_EVERY_S = 0.5

STAGE_LABELS = {
    "queued": "Waiting for a free artist",
    "loading": "Getting the brushes ready",
    "prepare": "Preparing your photo",
    "stylize": "Inking and painting",
    "finish": "Finishing touches",
    "saving": "Saving your picture",
    "done": "Done",
}


# --- Licence gate -------------------------------------------------------------------------------
class StyleNotOrderable(Exception):
    """A style shoppers may preview but not buy; ``reason`` is written for the shopper."""

    def __init__(self, style: Style, reason: str) -> None:
        super().__init__(reason)
        self.style = style
        self.reason = reason


def not_orderable_reason(style: Style) -> str | None:
    """Why ``style`` cannot be ordered, or ``None`` when it can."""
    if not style.is_enabled:
        return f"The {style.name} style is no longer offered, so it cannot be printed."
    if not style.commercial_use_allowed:
        licence = f" ({style.licence})" if style.licence else ""
        return (
            f"The {style.name} style is for previews only: its licence{licence} does not "
            "allow commercial use, so we cannot print or sell it. Pick another style to order."
        )
    return None


def assert_style_orderable(style: Style) -> None:
    """Raise :class:`StyleNotOrderable` with the shopper-facing reason unless ``style`` can be sold."""
    reason = not_orderable_reason(style)
    if reason is not None:
        raise StyleNotOrderable(style, reason)


# --- Uploads ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CropBox:
    """A crop in the pixels of the photo as displayed (EXIF orientation applied)."""

    x: int
    y: int
    w: int
    h: int


def create_upload(
    *, owner: Owner, data: bytes, filename: str, crop: CropBox | None = None
) -> Upload:
    """Validate the photo with ``ml.imageio``, crop it, and store original + EXIF-free PNG.

    Nothing is stored unless every check passed.

    Raises:
        UploadRejected: the file is not an acceptable image, or the crop is unusable.
    """
    limits = engine.upload_limits()
    try:
        loaded = open_image(data, limits=limits)
    except ImageRejected as exc:
        raise UploadRejected(exc.message, code=exc.code) from None
    image = loaded.image
    box = _clamp_crop(crop, image.size, limits.min_side)
    cropped = image.crop((box.x, box.y, box.x + box.w, box.y + box.h))
    if max(cropped.size) > IMAGE_MAX_SIDE:
        k = IMAGE_MAX_SIDE / max(cropped.size)
        cropped = cropped.resize(
            (round(cropped.width * k), round(cropped.height * k)), Image.Resampling.LANCZOS
        )
    png = io.BytesIO()
    cropped.save(png, "PNG", optimize=False)  # a fresh RGB image: no EXIF, no text chunks

    upload = Upload(
        id=uuid.uuid4(),
        owner_session=owner.session,
        owner_user_id=owner.user_id,
        original_filename=filename[:255],
        width=cropped.width,
        height=cropped.height,
        crop={"x": box.x, "y": box.y, "w": box.w, "h": box.h},
    )
    ext = ORIGINAL_EXTENSIONS.get(loaded.format, "bin")
    upload.original.save(f"original.{ext}", ContentFile(data), save=False)
    upload.image.save("photo.png", ContentFile(png.getvalue()), save=False)
    try:
        upload.save(force_insert=True)
    except Exception:
        _delete_files(upload.original, upload.image)
        raise
    log.info("upload %s: %s %dx%d", upload.pk, loaded.format, upload.width, upload.height)
    return upload


def _clamp_crop(crop: CropBox | None, size: tuple[int, int], min_side: int) -> CropBox:
    width, height = size
    if crop is None:
        return CropBox(0, 0, width, height)
    x, y = max(0, min(crop.x, width - 1)), max(0, min(crop.y, height - 1))
    w, h = min(crop.w, width - x), min(crop.h, height - y)
    if w < min_side or h < min_side:
        raise UploadRejected(
            f"The cropped area is {max(w, 0)}x{max(h, 0)} pixels; each side needs at least "
            f"{min_side} pixels. Please select a larger area.",
            code="bad_crop",
        )
    return CropBox(x, y, w, h)


def _delete_files(*fields: Any) -> None:
    for field in fields:
        if field and field.name:
            field.storage.delete(field.name)


def adopt_on_login(sender: object, request: Any, user: Any, **kwargs: object) -> None:
    """``user_logged_in`` receiver: rows of the pre-login session key follow the new key.

    Django gives the session a new key at sign-in (against session fixation); the session
    data survives, including the key the shopper's uploads were made under.
    """
    if request is None or not hasattr(request, "session"):
        return
    old = request.session.get(SESSION_OWNER_KEY)
    new = request.session.session_key
    if not old or not new or old == new:
        return
    Upload.objects.filter(owner_session=old).update(owner_session=new)
    Upload.objects.filter(owner_session=new, owner_user__isnull=True).update(owner_user=user)
    request.session[SESSION_OWNER_KEY] = new


# --- Jobs: the state machine ----------------------------------------------------------------------
TRANSITIONS: dict[str, set[str]] = {
    JobStatus.QUEUED: {JobStatus.RUNNING, JobStatus.FAILED},
    JobStatus.RUNNING: {JobStatus.DONE, JobStatus.FAILED, JobStatus.QUEUED},
    JobStatus.DONE: set(),
    JobStatus.FAILED: set(),
}


def transition(
    job: StylingJob,
    to: str,
    *,
    note: str = "",
    expect_attempts: int | None = None,
    **fields: Any,
) -> bool:
    """Move ``job`` from its current status to ``to``, atomically, with an audit row.

    A compare-and-set on (status[, attempts]): when another process changed the job first,
    nothing is written and False is returned. ``fields`` are saved with the status.
    """
    if to not in TRANSITIONS[job.status]:
        raise ValueError(f"A styling job cannot go from {job.status} to {to}")
    with transaction.atomic():
        rows = StylingJob.objects.filter(pk=job.pk, status=job.status)
        if expect_attempts is not None:
            rows = rows.filter(attempts=expect_attempts)
        if not rows.update(status=to, **fields):
            return False
        StylingJobEvent.objects.create(job=job, from_status=job.status, to_status=to, note=note)
    job.status = to
    for name, value in fields.items():
        setattr(job, name, value)
    return True


def start_job(
    *, upload: Upload, style: Style, strength: float = 1.0, preserve_color: bool = False
) -> StylingJob:
    """Create a ``queued`` job and send it to the ``gpu`` queue once the row is committed."""
    if not style.is_enabled:
        raise StyleNotAvailable(f"The style “{style.name}” is not available any more.")
    if not 0.0 <= strength <= 1.0:
        raise ValueError("strength must be between 0 and 1")
    with transaction.atomic():
        _check_active_job_cap(upload)
        job = StylingJob.objects.create(
            upload=upload,
            style=style,
            strength=strength,
            preserve_color=preserve_color,
            stage="queued",
            queued_at=timezone.now(),
        )
        StylingJobEvent.objects.create(
            job=job, from_status=JobStatus.QUEUED, to_status=JobStatus.QUEUED, note="created"
        )
        _enqueue(job)
    return job


def _check_active_job_cap(upload: Upload) -> None:
    """Refuse a new job while this shopper has ``STYLING_MAX_ACTIVE_JOBS`` queued or running.

    So one shopper cannot fill the GPU queue and starve everyone else. Runs inside the
    job's transaction: SQLite serialises writers, and on PostgreSQL an advisory lock per
    owner makes concurrent requests of one shopper count one after the other.
    """
    limit = settings.STYLING_MAX_ACTIVE_JOBS
    owner = Q(upload__owner_session=upload.owner_session) if upload.owner_session else Q()
    if upload.owner_user_id is not None:
        owner |= Q(upload__owner_user_id=upload.owner_user_id)
    if not owner:
        return
    if connection.vendor == "postgresql":
        key = f"styling-owner:{upload.owner_user_id or upload.owner_session}"
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [key])
    active = StylingJob.objects.filter(
        owner, status__in=(JobStatus.QUEUED, JobStatus.RUNNING)
    ).count()
    if active >= limit:
        raise TooManyJobs(
            f"You already have {active} styles in progress; at most {limit} can run at once "
            "for one shopper. Please wait for one to finish, then try again."
        )


def _enqueue(job: StylingJob, *, countdown: float | None = None) -> None:
    """Send ``gpu_stylize(job.id)`` after commit, under a task id recorded on the row."""
    from styling.tasks import gpu_stylize

    task_id = str(uuid.uuid4())
    StylingJob.objects.filter(pk=job.pk).update(celery_task_id=task_id)
    job.celery_task_id = task_id
    transaction.on_commit(
        lambda: gpu_stylize.apply_async(args=[str(job.pk)], task_id=task_id, countdown=countdown)
    )


# --- Jobs: the worker side --------------------------------------------------------------------------
class ProgressReporter:
    """The stylizer's progress callback: writes stage + percent + heartbeat, throttled.

    Every write is conditional on this worker still owning the job (status running and
    the attempt it claimed); when the watchdog has taken the job away it raises
    :class:`JobSuperseded`, which stops the stylizer.
    """

    def __init__(self, job: StylingJob, *, low: int = 5, high: int = 95) -> None:
        self.job_id, self.attempt = job.pk, job.attempts
        self.low, self.high = low, high
        self._last_write = 0.0
        self._last_stage = ""

    def __call__(self, stage: str, fraction: float) -> None:
        now = time.monotonic()
        if stage == self._last_stage and now - self._last_write < PROGRESS_EVERY_S:
            return
        percent = self.low + round((self.high - self.low) * min(max(fraction, 0.0), 1.0))
        self.write(stage, percent)
        self._last_write, self._last_stage = now, stage

    def write(self, stage: str, percent: int) -> None:
        owned = StylingJob.objects.filter(
            pk=self.job_id, status=JobStatus.RUNNING, attempts=self.attempt
        ).update(stage=stage, progress=percent, heartbeat_at=timezone.now())
        if not owned:
            raise JobSuperseded(str(self.job_id))


def run_job(*, job_id: uuid.UUID | str, task_id: str = "") -> StylingJob:
    """Claim a queued job, stylize its upload, store the result. Safe to call twice.

    A job that is not ``queued`` (already done, failed, or running elsewhere) is left
    alone. Permanent problems end the job ``failed`` with a shopper-readable reason;
    transient ones put it back to ``queued`` and raise :class:`TransientStylingError`.
    """
    job = StylingJob.objects.select_related("upload", "style").get(pk=job_id)
    now = timezone.now()
    attempt = job.attempts + 1
    if job.status != JobStatus.QUEUED or not transition(
        job,
        JobStatus.RUNNING,
        note=f"claimed by task {task_id}" if task_id else "claimed",
        expect_attempts=job.attempts,
        attempts=attempt,
        started_at=now,
        heartbeat_at=now,
        stage="loading",
        progress=0,
        error_message="",
    ):
        job.refresh_from_db()
        log.info("job %s is %s; nothing to do", job.pk, job.status)
        return job
    reporter = ProgressReporter(job)
    try:
        reporter.write("loading", 1)
        with job.upload.image.open("rb") as fh:
            photo = Image.open(fh)
            photo.load()
        styled = engine.stylize(
            job.style,
            photo,
            strength=job.strength,
            preserve_color=job.preserve_color,
            progress=reporter,
        )
        reporter.write("saving", 96)
        palette = engine.palette_json(styled)  # here in the worker, never in a web request
        png = io.BytesIO()
        styled.save(png, "PNG")
        name = f"styled/{job.pk.hex}/result.png"
        storage = job.result.storage
        if storage.exists(name):  # a re-run after re-queue: same deterministic name
            storage.delete(name)
        saved = storage.save(name, ContentFile(png.getvalue()))
        finished = timezone.now()
        if not transition(
            job,
            JobStatus.DONE,
            note="finished",
            expect_attempts=attempt,
            result=saved,
            palette=palette,
            stage="done",
            progress=100,
            finished_at=finished,
            heartbeat_at=finished,
        ):
            raise JobSuperseded(str(job.pk))
    except JobSuperseded:
        log.warning("job %s was taken over while running; this run stops", job.pk)
        job.refresh_from_db()
    except SoftTimeLimitExceeded:
        fail_job(job, TOO_SLOW, expect_attempts=attempt)
    except (ImageRejected, ValueError) as exc:  # a style or image that cannot work
        log.warning("job %s failed permanently: %r", job.pk, exc)
        fail_job(job, _reason(exc), expect_attempts=attempt)
    except FileNotFoundError:
        fail_job(job, PHOTO_GONE, expect_attempts=attempt)
    except (DatabaseError, MemoryError, OSError) as exc:
        log.warning("job %s hit a transient error: %r", job.pk, exc)
        transition(
            job,
            JobStatus.QUEUED,
            note=f"transient error: {exc!r}"[:300],
            expect_attempts=attempt,
            stage="queued",
            progress=0,
            queued_at=timezone.now(),
        )
        raise TransientStylingError(str(exc)) from exc
    except Exception:
        log.exception("job %s failed unexpectedly", job.pk)
        fail_job(job, UNEXPECTED, expect_attempts=attempt)
    return job


def _reason(exc: Exception) -> str:
    message = getattr(exc, "message", "")
    if message:
        return f"This style could not be applied: {message}"[:300]
    return "This style could not be applied to your photo. Please try another style."


def fail_job(job: StylingJob, reason: str, *, expect_attempts: int | None = None) -> bool:
    """End a queued or running job as ``failed`` with a shopper-readable ``reason``."""
    job.refresh_from_db(fields=["status", "attempts"])
    if job.status not in (JobStatus.QUEUED, JobStatus.RUNNING):
        return False
    failed = transition(
        job,
        JobStatus.FAILED,
        note=reason,
        expect_attempts=expect_attempts,
        error_message=reason[:300],
        finished_at=timezone.now(),
    )
    if failed:  # a clip job's frames are written as it goes: none may outlive a failure
        from styling.clip_jobs import discard_outputs

        discard_outputs(job)
    return failed


@dataclass(frozen=True)
class SweepResult:
    requeued: list[str]
    failed: list[str]


def watchdog_sweep(*, now: Any = None) -> SweepResult:
    """Re-queue (or fail) running jobs whose worker stopped reporting; fail forgotten queued ones.

    A running job whose heartbeat is older than ``STYLING_JOB_STALE_SECONDS`` goes back to
    ``queued`` and is sent again while it has attempts left (``STYLING_JOB_MAX_ATTEMPTS``),
    otherwise it ends ``failed`` with :data:`WORKER_DIED`. A queued job nobody picked up for
    ``STYLING_JOB_QUEUE_TIMEOUT_SECONDS`` ends ``failed``.
    """
    now = now or timezone.now()
    stale_before = now - timedelta(seconds=settings.STYLING_JOB_STALE_SECONDS)
    requeued: list[str] = []
    failed: list[str] = []
    for job in StylingJob.objects.filter(status=JobStatus.RUNNING, heartbeat_at__lt=stale_before):
        if job.attempts < settings.STYLING_JOB_MAX_ATTEMPTS:
            with transaction.atomic():
                if transition(
                    job,
                    JobStatus.QUEUED,
                    note="worker stopped reporting; re-queued",
                    expect_attempts=job.attempts,
                    stage="queued",
                    progress=0,
                    queued_at=now,
                ):
                    _enqueue(job)
                    requeued.append(str(job.pk))
        elif fail_job(job, WORKER_DIED, expect_attempts=job.attempts):
            failed.append(str(job.pk))
    forgotten = now - timedelta(seconds=settings.STYLING_JOB_QUEUE_TIMEOUT_SECONDS)
    for job in StylingJob.objects.filter(status=JobStatus.QUEUED, queued_at__lt=forgotten):
        if fail_job(job, NOT_PICKED_UP, expect_attempts=job.attempts):
            failed.append(str(job.pk))
    if requeued or failed:
        log.warning("watchdog: re-queued %s, failed %s", requeued, failed)
    return SweepResult(requeued=requeued, failed=failed)


# --- Designs ----------------------------------------------------------------------------------------
def result_size(job: StylingJob) -> tuple[int, int]:
    with job.result.open("rb") as fh, Image.open(fh) as im:
        return im.size


def source_size(upload: Upload) -> tuple[int, int]:
    """Pixels of the shopper's original photo inside the crop: what a print renders from."""
    crop = upload.crop or {}
    if crop.get("w") and crop.get("h"):
        return int(crop["w"]), int(crop["h"])
    return upload.width, upload.height


def _size_options() -> list[SizeOption]:
    return [
        SizeOption(product=v.product.title, name=v.name, spec=v.print_spec)
        for v in selectors.variants_on_sale()
    ]


def print_quality(job: StylingJob, variant: Variant, placement: Placement) -> PrintQuality:
    """The badge for ``job``'s picture on ``variant``: computed from the original upload's crop.

    The print path re-renders the style from the original (``styling.placement.print_render``),
    so the preview's working size does not limit what a design can be printed at.
    """
    return assess(
        source_size(job.upload),
        variant.print_spec,
        placement,
        max_sr_scale=settings.STYLING_MAX_SR_SCALE,
        on_sale=_size_options,
    )


def create_design(*, job: StylingJob, variant: Variant, placement: Placement) -> Design:
    """Save a styled image placed on a variant (what "Add to cart" creates), with its mockup.

    Raises:
        JobNotReady, VariantNotAvailable, StyleNotSellable (licence gate), PrintQualityTooLow.
    """
    if job.status != JobStatus.DONE or not job.result:
        raise JobNotReady("The styled picture is not ready yet.")
    if not (variant.is_active and variant.product.is_active):
        raise VariantNotAvailable(f"{variant} is not on sale at the moment.")
    reason = not_orderable_reason(job.style)
    if reason is not None:
        raise StyleNotSellable(reason)
    quality = print_quality(job, variant, placement)
    if not quality.ok:
        raise PrintQualityTooLow(quality.message, dpi=quality.dpi, min_dpi=quality.min_dpi)
    with job.result.open("rb") as fh, Image.open(fh) as im:
        preview = render_preview(im.convert("RGB"), variant.print_spec, placement)
    buf = io.BytesIO()
    preview.image.save(buf, "PNG")
    design = Design(
        id=uuid.uuid4(),
        job=job,
        variant=variant,
        placement=placement.as_dict(),
        effective_dpi=quality.dpi,
    )
    design.mockup.save("mockup.png", ContentFile(buf.getvalue()), save=False)
    try:
        design.save(force_insert=True)
    except Exception:
        _delete_files(design.mockup)
        raise
    return design

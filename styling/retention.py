"""Housekeeping: delete uploads (with their jobs, previews and designs) nobody uses any more.

An upload is abandoned when it belongs to no account and neither it nor any of its jobs or
designs was created within ``STYLING_RETENTION_DAYS``. It is kept, whatever its age, when anything outside the styling
app refers to one of its rows (an order line pointing at a design, with PROTECT): styling
cannot import ``orders``, so the check walks the models' reverse relations generically.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import models, transaction
from django.db.models import Max, ProtectedError, Q
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from styling import clip_files
from styling.models import Clip, Design, StylingJob, Upload

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class HousekeepingResult:
    uploads: int
    jobs: int
    designs: int
    files: int
    kept_referenced: int


def _outside_references(model: type[models.Model]) -> list[models.ForeignObjectRel]:
    """Reverse relations to ``model`` from models of other apps (e.g. ``orders.OrderLine``)."""
    return [
        rel
        for rel in model._meta.related_objects
        if rel.related_model._meta.app_label != model._meta.app_label
    ]


def _referenced_upload_ids(upload_ids: list) -> set:
    """Those of ``upload_ids`` whose upload, job or design row another app refers to."""
    keep: set = set()
    for model, upload_path in (
        (Upload, "pk"),
        (StylingJob, "upload_id"),
        (Design, "job__upload_id"),
    ):
        for rel in _outside_references(model):
            referencing = rel.related_model._default_manager.values(rel.field.attname)
            keep |= set(
                model._default_manager.filter(pk__in=referencing)
                .filter(**{f"{upload_path}__in": upload_ids})
                .values_list(upload_path, flat=True)
            )
    return keep


def abandoned_uploads(now=None):  # -> QuerySet[Upload]
    """Session-only uploads whose newest activity (upload, job or design) is older than the
    retention. Uploads that belong to an account stay while the account does (its owner
    keeps their designs there; deleting the account removes them)."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.STYLING_RETENTION_DAYS)
    return (
        Upload.objects.filter(owner_user__isnull=True)
        .annotate(
            last_job=Max("jobs__created_at"),
            last_design=Max("jobs__designs__created_at"),
        )
        .annotate(
            last_activity=Greatest(
                "created_at",
                Coalesce("last_job", "created_at"),
                Coalesce("last_design", "created_at"),
            )
        )
        .filter(Q(last_activity__lt=cutoff))
    )


def housekeeping(*, now=None) -> HousekeepingResult:
    """Delete abandoned uploads with their jobs, styled images and designs, then their files."""
    candidates = list(abandoned_uploads(now).values_list("pk", flat=True))
    kept = _referenced_upload_ids(candidates) if candidates else set()
    doomed = [pk for pk in candidates if pk not in kept]
    uploads = jobs = designs = files = 0
    for upload_id in doomed:
        try:
            deleted = _delete_upload(upload_id)
        except ProtectedError:  # an order arrived since the check: keep it
            kept.add(upload_id)
            continue
        if deleted is None:
            continue
        n_jobs, n_designs, n_files = deleted
        uploads += 1
        jobs += n_jobs
        designs += n_designs
        files += n_files
    if doomed or kept:
        log.info("housekeeping: deleted %d uploads, kept %d referenced", uploads, len(kept))
    return HousekeepingResult(uploads, jobs, designs, files, len(kept))


def _delete_upload(upload_id) -> tuple[int, int, int] | None:
    """Delete one upload's rows now and its files after commit; (jobs, designs, files)."""
    with transaction.atomic():
        upload = Upload.objects.select_for_update().filter(pk=upload_id).first()
        if upload is None:
            return None
        job_rows = list(StylingJob.objects.filter(upload=upload))
        design_rows = list(Design.objects.filter(job__upload=upload))
        stored = [upload.original, upload.image]
        stored += [j.result for j in job_rows] + [d.mockup for d in design_rows]
        clip = Clip.objects.filter(upload=upload).first()
        if clip is not None:  # a clip's before video, and each job's frames and downloads
            stored.append(clip.before)
        names = [(f.storage, f.name) for f in stored if f and f.name]
        if clip is not None:
            names += [
                (clip_files.storage(), n)
                for j in job_rows
                for n in clip_files.job_names(j, clip.frames)
            ]
        Design.objects.filter(pk__in=[d.pk for d in design_rows]).delete()
        upload.delete()  # jobs and their events cascade
        transaction.on_commit(lambda: _delete_names(names))
    return len(job_rows), len(design_rows), len(names)


def _delete_names(names: list) -> None:
    for storage, name in names:
        try:
            storage.delete(name)
        except OSError:  # already gone, or storage hiccup: the next run does not retry it
            log.warning("housekeeping could not delete %s", name)

"""Writes of the gallery: publish, unpublish, like, report, and the moderators' hide/unhide.

Every function takes the acting user and checks it here, so no view can publish or like on
someone else's behalf. Only shoppers with a verified e-mail address may publish.
"""

from __future__ import annotations

import logging
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone

from shop import pagecache
from showcase.exceptions import EntryHidden, NotAllowed, NotPublishable
from showcase.models import CAPTION_MAX, TITLE_MAX, Entry, Like, Report, ReportReason
from styling.models import ClipRender, Design, JobStatus, Style, StylingJob
from styling.selectors import Owner, designs_for, jobs_for

log = logging.getLogger(__name__)


def has_verified_email(user: Any) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and EmailAddress.objects.filter(user_id=user.pk, verified=True).exists()
    )


def own_design(*, user: Any, design_id: Any) -> Design:
    """``user``'s design (through styling's ownership rule), else :class:`NotAllowed`."""
    if user is None or not user.is_authenticated:
        raise NotAllowed("Sign in to publish your designs.")
    design = designs_for(Owner(session="", user_id=user.pk)).filter(pk=design_id).first()
    if design is None:
        raise NotAllowed("That design is not yours, or it no longer exists.")
    return design


def own_clip_job(*, user: Any, job_id: Any) -> StylingJob:
    """``user``'s styling job of a clip (through styling's ownership rule), else :class:`NotAllowed`."""
    if user is None or not user.is_authenticated:
        raise NotAllowed("Sign in to publish your clips.")
    job = (
        jobs_for(Owner(session="", user_id=user.pk))
        .filter(pk=job_id, upload__clip__isnull=False)
        .select_related("style", "upload")
        .first()
    )
    if job is None:
        raise NotAllowed("That clip is not yours, or it no longer exists.")
    return job


def _clean_text(value: str, *, limit: int, field: str, required: bool) -> str:
    value = " ".join((value or "").split())
    if required and not value:
        raise NotPublishable(f"Please give your design a {field}.")
    if len(value) > limit:
        raise NotPublishable(f"The {field} can be at most {limit} characters.")
    return value


def publish(*, user: Any, design: Design, title: str, caption: str = "") -> Entry:
    """Make ``design`` public in the gallery (or update and re-open its entry).

    Raises:
        NotAllowed: not signed in, address not verified, or not the design's owner.
        EntryHidden: moderators hid this design's entry.
        NotPublishable: no finished styled image, or the title/caption is unusable.
    """
    _check_may_publish(user, design.job, what="design")
    if design.job.status != JobStatus.DONE or not design.job.result:
        raise NotPublishable("This design has no finished picture to show yet.")
    return _open_entry(
        user=user, target={"design": design}, style=design.job.style, title=title, caption=caption
    )


def publish_clip(*, user: Any, job: StylingJob, title: str, caption: str = "") -> Entry:
    """Make a styled clip public in the gallery (or update and re-open its entry): the
    gallery shows its styled MP4 looping, with its first frame as the poster.

    Raises:
        NotAllowed: not signed in, address not verified, or not the clip's owner.
        EntryHidden: moderators hid this clip's entry.
        NotPublishable: the clip is not styled yet (or failed), or the title/caption is unusable.
    """
    _check_may_publish(user, job, what="clip")
    render = ClipRender.objects.filter(job=job).first()
    if job.status != JobStatus.DONE or render is None or not job.result:
        raise NotPublishable("This clip has no finished styled video to show yet.")
    return _open_entry(
        user=user, target={"clip": render}, style=job.style, title=title, caption=caption
    )


def _check_may_publish(user: Any, job: StylingJob, *, what: str) -> None:
    if not has_verified_email(user):
        raise NotAllowed("Please verify your e-mail address before publishing.")
    if job.upload.owner_user_id != user.pk:
        raise NotAllowed(f"That {what} is not yours, or it no longer exists.")


def _open_entry(
    *, user: Any, target: dict[str, Any], style: Style, title: str, caption: str
) -> Entry:
    """Create or re-open the entry of ``target`` (``{"design": ...}`` or ``{"clip": ...}``)."""
    title = _clean_text(title, limit=TITLE_MAX, field="title", required=True)
    caption = _clean_text(caption, limit=CAPTION_MAX, field="caption", required=False)
    with transaction.atomic():
        entry = Entry.objects.select_for_update().filter(**target).first()
        if entry is not None and entry.is_hidden:
            noun = "design" if "design" in target else "clip"
            raise EntryHidden(
                f"Our moderators hid this {noun} from the gallery, so it cannot be published again."
            )
        if entry is None:
            entry = Entry(owner=user, style=style, **target)
        entry.title, entry.caption = title, caption
        entry.is_published, entry.published_at = True, timezone.now()
        entry.save()
    return entry


def unpublish(*, user: Any, entry: Entry) -> None:
    if user is None or entry.owner_id != user.pk:
        raise NotAllowed("That gallery entry is not yours.")
    Entry.objects.filter(pk=entry.pk).update(is_published=False)
    pagecache.changed()


def like(*, user: Any, entry: Entry) -> bool:
    """Record ``user``'s like once; ``False`` when they had already liked it."""
    if user is None or not user.is_authenticated:
        raise NotAllowed("Sign in to like designs.")
    if not entry.is_public:
        raise NotAllowed("That design is not in the gallery.")
    try:
        with transaction.atomic():
            Like.objects.create(entry=entry, user=user)
            Entry.objects.filter(pk=entry.pk).update(like_count=F("like_count") + 1)
            pagecache.changed(pagecache.LIKES)
    except IntegrityError:  # the unique constraint: one like per shopper
        return False
    return True


def unlike(*, user: Any, entry: Entry) -> bool:
    if user is None or not user.is_authenticated:
        raise NotAllowed("Sign in to like designs.")
    with transaction.atomic():
        deleted, _ = Like.objects.filter(entry=entry, user=user).delete()
        if deleted:
            Entry.objects.filter(pk=entry.pk, like_count__gt=0).update(
                like_count=F("like_count") - 1
            )
            pagecache.changed(pagecache.LIKES)
    return bool(deleted)


def report(*, entry: Entry, reporter: Any, reason: str, details: str = "") -> Report:
    if reason not in ReportReason.values:
        raise NotPublishable("Please pick a reason.")
    details = _clean_text(details, limit=500, field="details", required=False)
    who = reporter if reporter is not None and reporter.is_authenticated else None
    return Report.objects.create(entry=entry, reporter=who, reason=reason, details=details)


def hide(*, entry: Entry, note: str = "") -> bool:
    """Hide ``entry`` and e-mail its owner once; ``False`` when it was already hidden."""
    hidden = Entry.objects.filter(pk=entry.pk, is_hidden=False).update(
        is_hidden=True, hidden_at=timezone.now(), moderation_note=note[:300]
    )
    if hidden:
        pagecache.changed()
        transaction.on_commit(lambda: _tell_owner_hidden(entry.pk))
    return bool(hidden)


def unhide(*, entry: Entry) -> bool:
    shown = Entry.objects.filter(pk=entry.pk, is_hidden=True).update(
        is_hidden=False, hidden_at=None
    )
    if shown:
        pagecache.changed()
    return bool(shown)


def _tell_owner_hidden(entry_id: Any) -> None:
    entry = Entry.objects.select_related("owner").get(pk=entry_id)
    if not entry.owner.email:
        return
    body = render_to_string(
        "showcase/email/hidden.txt", {"entry": entry, "site_url": settings.SITE_URL}
    )
    send_mail(
        "Retrocel: your gallery entry was hidden",
        body,
        settings.DEFAULT_FROM_EMAIL,
        [entry.owner.email],
    )


def remove_all_for(*, user: Any) -> int:
    """Account deletion: ``user``'s entries (with their likes and reports) and likes go.

    Their likes on other shoppers' entries are taken back one by one so those entries'
    ``like_count`` stays equal to their like rows.
    """
    for entry_id in list(Like.objects.filter(user=user).values_list("entry_id", flat=True)):
        unlike(user=user, entry=Entry(pk=entry_id))
    deleted, _ = Entry.objects.filter(owner=user).delete()
    return deleted

"""Read side of styling: every shopper-facing query goes through an owner-scoped queryset.

An owner is the browser session (its session key, as the orders app reads it too) and,
when signed in, the user. A row is visible when either matches; anything else is treated
as not existing (views answer 404). Signing in changes the session key; the rows of the
old key are handed over by ``styling.uploads.adopt_on_login``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from catalog.models import Variant
from styling.models import ClipRender, Design, JobStatus, Style, StylingJob, Upload

SESSION_OWNER_KEY = "styling_owner"


@dataclass(frozen=True)
class Owner:
    """Who a shopper is for ownership purposes: a session token and maybe a user id."""

    session: str
    user_id: int | None = None


def owner_from_request(request: HttpRequest, *, create: bool = False) -> Owner | None:
    """The request's owner; with ``create`` the session is created if there is none yet."""
    if create and not request.session.session_key:
        request.session.save()
    token = request.session.session_key
    if create:  # remembered in the session data, which survives the key change at sign-in
        request.session[SESSION_OWNER_KEY] = token
    user_id = request.user.pk if request.user.is_authenticated else None
    if not token and user_id is None:
        return None
    return Owner(session=token or "", user_id=user_id)


def _owner_q(owner: Owner | None, prefix: str = "") -> Q | None:
    if owner is None:
        return None
    q = Q()
    if owner.session:
        q |= Q(**{f"{prefix}owner_session": owner.session})
    if owner.user_id is not None:
        q |= Q(**{f"{prefix}owner_user_id": owner.user_id})
    return q


def uploads_for(owner: Owner | None) -> QuerySet[Upload]:
    q = _owner_q(owner)
    return Upload.objects.filter(q) if q else Upload.objects.none()


def jobs_for(owner: Owner | None) -> QuerySet[StylingJob]:
    q = _owner_q(owner, "upload__")
    if not q:
        return StylingJob.objects.none()
    return StylingJob.objects.filter(q).select_related("upload", "style")


def designs_for(owner: Owner | None) -> QuerySet[Design]:
    q = _owner_q(owner, "job__upload__")
    if not q:
        return Design.objects.none()
    return Design.objects.filter(q).select_related(
        "job", "job__style", "job__upload", "variant", "variant__product", "variant__print_spec"
    )


def clip_renders_for(owner: Owner | None) -> QuerySet[ClipRender]:
    """The owner's finished clips (a render of a job not done, say one taken over while it was
    being finished, is not one: the clip views answer 404 for it too)."""
    q = _owner_q(owner, "job__upload__")
    if not q:
        return ClipRender.objects.none()
    return ClipRender.objects.filter(q, job__status=JobStatus.DONE).select_related(
        "job", "job__style", "job__upload", "job__upload__clip"
    )


def for_owner(request: HttpRequest) -> Owner | None:
    """Shorthand for views: the request's owner without creating one."""
    return owner_from_request(request)


def owned_job(request: HttpRequest, pk: uuid.UUID | str) -> StylingJob:
    """The request's owner's job ``pk``; 404 for anyone else's, so a stranger learns nothing."""
    return get_object_or_404(jobs_for(for_owner(request)), pk=pk)


def enabled_styles() -> QuerySet[Style]:
    """Styles a shopper can pick, each with its samples (for the picker)."""
    return Style.objects.filter(is_enabled=True).prefetch_related("samples")


def variants_on_sale() -> QuerySet[Variant]:
    return Variant.objects.filter(is_active=True, product__is_active=True).select_related(
        "product", "print_spec"
    )

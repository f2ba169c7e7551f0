"""Read side of the gallery: public entries in a fixed number of queries, and who may see what.

A public entry is published and not hidden. Its owner and staff also see it while it is
unpublished or hidden (to manage and moderate it); to everyone else it does not exist.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from showcase.models import Entry, Like

SORTS = {"new": ("-published_at",), "liked": ("-like_count", "-published_at")}


def _with_cards(qs: QuerySet[Entry]) -> QuerySet[Entry]:
    return qs.select_related("style", "design__variant__product", "clip__job")


def public_entries(*, sort: str = "new", style_slug: str = "") -> QuerySet[Entry]:
    """Published, not hidden; newest or most liked first; optionally one style's."""
    qs = Entry.objects.filter(is_published=True, is_hidden=False)
    if style_slug:
        qs = qs.filter(style__slug=style_slug)
    return _with_cards(qs).order_by(*SORTS.get(sort, SORTS["new"]), "pk")


def visible_entry(pk: Any, user: Any) -> Entry | None:
    """The entry if ``user`` may see it (public, or theirs, or staff), else ``None``."""
    entry = (
        _with_cards(Entry.objects.all())
        .select_related(
            "design__job__upload", "design__variant__print_spec", "clip__job__upload__clip"
        )
        .filter(pk=pk)
        .first()
    )
    if entry is None:
        return None
    if entry.is_public:
        return entry
    if user is not None and user.is_authenticated and (entry.owner_id == user.pk or user.is_staff):
        return entry
    return None


def entries_of(user: Any) -> QuerySet[Entry]:
    return _with_cards(Entry.objects.filter(owner=user)).order_by("-published_at")


def liked_ids(user: Any, entry_ids: list[Any]) -> set[Any]:
    """Which of ``entry_ids`` ``user`` liked: one query for a whole page."""
    if user is None or not user.is_authenticated or not entry_ids:
        return set()
    return set(
        Like.objects.filter(user=user, entry_id__in=entry_ids).values_list("entry_id", flat=True)
    )


def recent_public(limit: int) -> list[Entry]:
    """The home page's featured block: the newest public designs."""
    return list(public_entries()[:limit])

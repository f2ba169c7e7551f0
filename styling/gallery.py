"""Read side of curated styles for the storefront: the style gallery and the home page block."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from styling.models import Style
from styling.rules import not_orderable_reason


@dataclass(frozen=True)
class SamplePair:
    name: str
    before_url: str
    after_url: str


@dataclass(frozen=True)
class StyleCard:
    """A style as shoppers see it (the featured-styles block reads name, summary, sample_url)."""

    id: int
    name: str
    slug: str
    summary: str
    kind: str
    licence: str
    sample_url: str
    samples: tuple[SamplePair, ...]
    orderable: bool
    not_orderable_reason: str
    palette: tuple[dict, ...] = ()


def enabled_styles() -> QuerySet[Style]:
    return Style.objects.filter(is_enabled=True).prefetch_related("samples")


def card_for(style: Style) -> StyleCard:
    samples = tuple(
        SamplePair(s.sample_name, s.before.url, s.after.url) for s in style.samples.all()
    )
    reason = not_orderable_reason(style)
    return StyleCard(
        id=style.pk,
        name=style.name,
        slug=style.slug,
        summary=style.summary,
        kind=style.get_kind_display(),
        licence=style.licence,
        sample_url=samples[0].after_url if samples else "",
        samples=samples,
        orderable=reason is None,
        not_orderable_reason=reason or "",
        palette=tuple(style.palette or ()),
    )


def style_cards(limit: int | None = None) -> list[StyleCard]:
    """Enabled styles in the curators' order: two queries however many styles and samples."""
    styles = enabled_styles()
    if limit is not None:
        styles = styles[:limit]
    return [card_for(style) for style in styles]


def featured_styles(limit: int) -> list[StyleCard]:
    return style_cards(limit=limit)

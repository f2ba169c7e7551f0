"""Read-side queries for the storefront: a fixed number of queries per page."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from wagtail.models import Page

from catalog.models import Variant, format_money
from catalog.pages import ProductPage


@dataclass(frozen=True)
class ProductCard:
    """What a product tile shows (the home page's featured block reads these attributes)."""

    title: str
    summary: str
    url: str
    mockup_url: str
    price_display: str
    kind: str


@dataclass(frozen=True)
class Offer:
    """One orderable variant on a product page."""

    id: int
    name: str
    sku: str
    price_display: str
    mockup_url: str
    size_display: str
    min_dpi: int
    recommended_dpi: int
    design_url: str


def active_variants() -> QuerySet[Variant]:
    return Variant.objects.filter(is_active=True).select_related("print_spec")


def product_cards(
    *, parent: Page | None = None, request: HttpRequest | None = None, limit: int | None = None
) -> list[ProductCard]:
    """Live product pages (under ``parent`` when given) as cards: three queries in all."""
    pages = (
        ProductPage.objects.live()
        .public()
        .filter(product__is_active=True)
        .select_related("product")
        .prefetch_related(
            Prefetch("product__variants", queryset=active_variants(), to_attr="active_variants")
        )
        .order_by("product__sort_order", "path")
    )
    if parent is not None:
        pages = pages.child_of(parent)
    if limit is not None:
        pages = pages[:limit]
    cards = []
    for page in pages:
        variants = page.product.active_variants
        cheapest = min(variants, key=lambda v: v.price_minor, default=None)
        hero = next((v for v in variants if v.mockup), None)
        cards.append(
            ProductCard(
                title=page.title,
                summary=page.product.summary,
                url=page.get_url(request) or "",
                mockup_url=hero.mockup.url if hero else "",
                price_display=format_money(cheapest.price_minor, cheapest.currency)
                if cheapest
                else "",
                kind=page.product.kind,
            )
        )
    return cards


def featured_products(limit: int) -> list[ProductCard]:
    """The home page's "Put it on something" block."""
    return product_cards(limit=limit)


def size_display(spec: object) -> str:
    from catalog.units import MM_PER_INCH

    w, h = spec.trim_width_mm, spec.trim_height_mm
    return (
        f"{float(w):g} x {float(h):g} mm "
        f"({float(w / MM_PER_INCH):.2f} x {float(h / MM_PER_INCH):.2f} in)"
    )


def variant_offers(*, product_id: int) -> list[Offer]:
    """The active variants of one product with their prices and mockups: one query."""
    return [
        Offer(
            id=v.pk,
            name=v.name,
            sku=v.sku,
            price_display=v.price_display,
            mockup_url=v.mockup.url if v.mockup else "",
            size_display=size_display(v.print_spec),
            min_dpi=v.print_spec.min_dpi,
            recommended_dpi=v.print_spec.recommended_dpi,
            design_url=f"/create/?variant={v.pk}",
        )
        for v in active_variants().filter(product_id=product_id)
    ]

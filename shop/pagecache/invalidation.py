"""Which writes empty the page cache: model signals for every model a cached page shows.

Connected per model (never to every sender): a receiver on all senders would turn off
Django's fast ``QuerySet.delete`` for every model in the project. The table names models by
label so ``shop`` imports no app's models here. Writes the signals cannot see
(``QuerySet.update``) call ``shop.pagecache.changed`` where they happen.

Over-invalidating is safe (a miss renders the page again); missing a model here is a stale
page until ``PAGE_CACHE_SECONDS`` runs out, so every storefront model is listed and
``shop/tests/test_page_cache_invalidation.py`` checks each kind of change through the page.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move

from shop.pagecache.generations import ALL, LIKES, changed

# App label → scope for every model of the app; "app.model" → scope for single models.
WATCHED: dict[str, str] = {
    "catalog": ALL,  # products, variants (prices, mockups), print specs, mockup templates
    "styling.style": ALL,  # name, summary, enabled, licence, palette
    "styling.stylesample": ALL,
    "showcase.entry": ALL,  # published, hidden, title, caption
    "showcase.like": LIKES,
    "wagtailcore.site": ALL,
    "wagtailcore.pageviewrestriction": ALL,  # a page made private leaves the cache
    "wagtailcore.collectionviewrestriction": ALL,
    "wagtailimages.image": ALL,
    "wagtailredirects.redirect": ALL,
}


def scope_of(model: type[Model]) -> str | None:
    """The scope a write to ``model`` invalidates, or ``None`` if no cached page shows it.
    Every Wagtail page type is watched: publishing, unpublishing, moving and deleting pages
    all save or delete page rows."""
    if issubclass(model, Page):
        return ALL
    meta = model._meta
    return WATCHED.get(meta.label_lower) or WATCHED.get(meta.app_label)


def _on_write(sender: type[Model], instance: Any = None, **kwargs: Any) -> None:
    if kwargs.get("raw"):  # loaddata: nothing rendered from it yet
        return
    scope = scope_of(sender)
    if scope is not None:
        changed(scope, using=kwargs.get("using"))


def _on_m2m(sender: Any, instance: Any = None, action: str = "", **kwargs: Any) -> None:
    if action.startswith("post_") and scope_of(type(instance)) is not None:
        changed(scope_of(type(instance)), using=kwargs.get("using"))  # type: ignore[arg-type]


def _on_page_event(sender: Any, **kwargs: Any) -> None:
    changed(ALL)


def connect() -> None:
    """Connect a receiver to each watched model (call once, from ``ShopConfig.ready``)."""
    for model in apps.get_models():
        if scope_of(model) is None:
            continue
        uid = f"pagecache:{model._meta.label_lower}"
        post_save.connect(_on_write, sender=model, dispatch_uid=uid)
        post_delete.connect(_on_write, sender=model, dispatch_uid=uid)
    m2m_changed.connect(_on_m2m, dispatch_uid="pagecache:m2m")
    # Unpublish and tree moves also change rows with QuerySet.update (descendants' url paths).
    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(_on_page_event, dispatch_uid=f"pagecache:{id(signal)}")

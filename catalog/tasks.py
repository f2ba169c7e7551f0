"""Catalogue tasks (queue ``default``): thin wrappers around ``catalog.services``."""

from __future__ import annotations

from celery import shared_task

from catalog import services


@shared_task(name="catalog.refresh_mockups")
def refresh_mockups(variant_ids: list[int] | None = None) -> int:
    """Re-render stale product mockups (after an admin edits a spec, template or variant)."""
    return services.refresh_variant_mockups(variant_ids=variant_ids)

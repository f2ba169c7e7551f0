"""Styling tasks. Thin: each takes ids, re-reads state and calls a service."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="styling.generate_style_samples", queue="gpu")
def generate_style_samples(style_id: int) -> str:
    """Render a style's before/after samples on the fixed sample photos (idempotent)."""
    from styling import curation

    return curation.generate_samples(style_id=style_id)

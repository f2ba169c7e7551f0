"""Rows against the store: which stored names do rows point at that the store lacks?

A row whose object is missing (a failed restore, a bucket policy deleting too much,
a write that never committed) breaks a shopper's page or a vendor's download only
when someone opens it; ``manage.py check_media`` finds them first. It also lists
temporaries left under ``tmp/`` by writes that died between upload and commit
(``shop.storage.CommittingMixin``), which are safe to delete.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.apps import apps
from django.core.files.storage import Storage, storages
from django.db import models

from shop.media import stored_names
from shop.storage import TMP_PREFIX


@dataclass(frozen=True)
class MissingObject:
    model: str  # app_label.ModelName
    pk: object
    field: str
    name: str

    def __str__(self) -> str:
        return f"{self.model} {self.pk} {self.field}: {self.name} is not in the store"


def file_fields() -> Iterator[tuple[type[models.Model], models.FileField]]:
    """Every concrete FileField (ImageField included) of every installed model."""
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                yield model, field


def missing_objects(*, labels: set[str] | None = None) -> Iterator[MissingObject]:
    """Rows whose file name is set but whose object the store does not have.

    ``labels`` limits the check to ``app_label`` or ``app_label.ModelName`` entries.
    One HEAD (S3) or stat (filesystem) per row, read in primary-key order in chunks.
    """
    for model, field in file_fields():
        label = model._meta.label
        if labels and label not in labels and model._meta.app_label not in labels:
            continue
        rows = (
            model._default_manager.exclude(**{field.name: ""})
            .exclude(**{f"{field.name}__isnull": True})
            .order_by("pk")
            .values_list("pk", field.attname)
        )
        storage: Storage = field.storage
        for pk, name in rows.iterator(chunk_size=500):
            if not storage.exists(name):
                yield MissingObject(label, pk, field.name, name)


def leftover_temporaries() -> list[tuple[str, str]]:
    """``(store alias, name)`` of objects under ``tmp/``: writes that never committed."""
    found: list[tuple[str, str]] = []
    for alias in ("default", "private"):
        found += [(alias, name) for name in stored_names(storages[alias], TMP_PREFIX)]
    return found

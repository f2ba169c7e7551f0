"""Storage for files that must never be reachable by a public URL."""

from __future__ import annotations

from django.core.files.storage import Storage, storages


def private_storage() -> Storage:
    """Shoppers' photos, styled images, style weights and print files.

    A callable (not an instance) so fields resolve the storage lazily and
    tests or deployments can repoint ``PRIVATE_MEDIA_ROOT`` / ``STORAGES``.
    """
    return storages["private"]

"""Storage for files that must never be reachable by a public URL."""

from __future__ import annotations

from django.core.files.storage import Storage, storages

# Private files get URLs under a prefix that no route serves, so a template that
# asks for one (Django's file widgets do) links to a 404 instead of falling back
# to MEDIA_URL. They are only ever streamed by views that check ownership.
PRIVATE_URL_PREFIX = "/private-media-not-served/"


def private_storage() -> Storage:
    """Shoppers' photos, styled images, style weights and print files.

    A callable (not an instance) so fields resolve the storage lazily and
    tests or deployments can repoint ``PRIVATE_MEDIA_ROOT`` / ``STORAGES``.
    """
    return storages["private"]

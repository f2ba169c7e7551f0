"""Storage for files that must never be reachable by a public URL."""

from __future__ import annotations

from django.core.files.storage import FileSystemStorage, Storage, storages


class PrivateFileSystemStorage(FileSystemStorage):
    """Local private media: files have no URL at all.

    ``FileSystemStorage`` falls back to ``MEDIA_URL`` when ``base_url`` is
    empty, which would hand out public-looking links to shoppers' photos and
    print files. Private files are only ever streamed by views that check
    ownership, so asking for a URL is a bug and fails loudly.
    """

    def url(self, name: str | None) -> str:
        raise ValueError(
            f"{name!r} is private media: serve it through an ownership-checking view, not a URL"
        )


def private_storage() -> Storage:
    """Shoppers' photos, styled images, style weights and print files.

    A callable (not an instance) so fields resolve the storage lazily and
    tests or deployments can repoint ``PRIVATE_MEDIA_ROOT`` / ``STORAGES``.
    """
    return storages["private"]

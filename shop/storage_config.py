"""The ``STORAGES`` setting for each media backend, as plain data (no Django imports).

Kept apart from ``settings.py`` so a test can build the S3 configuration for a
server it started itself (``devkit.s3``) exactly as settings do.
"""

from __future__ import annotations

from typing import Any


def filesystem_storages(private_root: str) -> dict[str, dict[str, Any]]:
    """Public media under ``MEDIA_ROOT`` (read at use, so tests may repoint it), private apart."""
    return {
        "default": {"BACKEND": "shop.storage.CommittingFileSystemStorage"},
        "private": {
            "BACKEND": "shop.storage.CommittingFileSystemStorage",
            "OPTIONS": {
                "location": private_root,
                "base_url": "/private-media-not-served/",  # see shop.storage
            },
        },
    }


def s3_storages(
    *,
    endpoint_url: str | None,
    region: str,
    access_key: str,
    secret_key: str,
    public_bucket: str,
    private_bucket: str,
) -> dict[str, dict[str, Any]]:
    """Two buckets: public media and private media (never the same bucket: one policy each)."""
    common: dict[str, Any] = {
        "endpoint_url": endpoint_url or None,
        "region_name": region,
        "access_key": access_key or None,
        "secret_key": secret_key or None,
        # Same naming as the filesystem: a taken name gets a suffix, never silently replaced
        # (replacing is shop.media.replace's job, through a temporary key).
        "file_overwrite": False,
        # MinIO / SeaweedFS on a plain host:port need path-style addressing.
        "addressing_style": "path" if endpoint_url else None,
        # An object opened for reading is downloaded into a spooled file: past 8 MiB it spills
        # to this process's temp folder (removed on close) instead of holding a whole print
        # PDF in a web process's memory (django-storages' default, 0, never spills).
        "max_memory_size": 8 * 1024 * 1024,
    }
    return {
        "default": {
            "BACKEND": "shop.storage.PublicS3Storage",
            "OPTIONS": {**common, "bucket_name": public_bucket},
        },
        "private": {
            "BACKEND": "shop.storage.PrivateS3Storage",
            "OPTIONS": {**common, "bucket_name": private_bucket},
        },
    }

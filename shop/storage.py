"""Where media lives: two stores, public and private, on the filesystem or S3.

Every file the shop keeps goes through Django's storage API (``storages["default"]``
for public media, ``storages["private"]`` for everything a shopper owns), so web
processes and workers on different hosts share nothing but the store. The
backend is chosen in settings (``MEDIA_BACKEND``): the filesystem for
``make run`` / ``make test``, an S3 API (AWS, MinIO, SeaweedFS) in CI and
production. Moving files in and out of the store safely is ``shop.media``'s job.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty
from storages.backends.s3 import S3Storage

# Private files get URLs under a prefix that no route serves, so a template that
# asks for one (Django's file widgets do) links to a 404 instead of falling back
# to MEDIA_URL. They are only ever streamed by views that check ownership.
PRIVATE_URL_PREFIX = "/private-media-not-served/"


class _PrivateStorage(LazyObject):
    """``storages["private"]``, looked up again when ``STORAGES`` changes.

    FileFields resolve a callable storage once, at import; handing them this proxy
    (as Django does with ``default_storage``) lets a test or a management command
    repoint the private store without re-importing the models.
    """

    def _setup(self) -> None:
        self._wrapped = storages["private"]


_private = _PrivateStorage()


@receiver(setting_changed)
def _reset_private(*, setting: str, **kwargs: Any) -> None:
    if setting in {"STORAGES", "PRIVATE_MEDIA_ROOT"}:
        _private._wrapped = empty


def private_storage() -> Storage:
    """Shoppers' photos, styled images, style weights and print files.

    A callable (not an instance) so migrations record the callable, not a path or bucket.
    """
    return _private  # type: ignore[return-value]


TMP_PREFIX = "tmp"


def temporary_name(name: str) -> str:
    """Where an object is written before it is committed under ``name``."""
    return f"{TMP_PREFIX}/{uuid.uuid4().hex}/{PurePosixPath(name).name}"


class CommittingMixin:
    """Every write appears under its name whole or not at all.

    So a crash, a timeout or a full disk mid-write never leaves a partial file under a name a
    row could point at, and :meth:`replace` swaps a file in place atomically (a re-render of a
    print file). How depends on the store: see each backend's ``_save``.
    """

    def replace(self, name: str, content: Any) -> str:
        """Store ``content`` under ``name``, atomically replacing what is there."""
        from django.core.files import File
        from django.core.files.utils import validate_file_name

        validate_file_name(name, allow_relative_path=True)
        if not hasattr(content, "chunks"):
            content = File(content, name)
        return self._save(name, content)


class CommittingFileSystemStorage(CommittingMixin, FileSystemStorage):
    """The embedded default: files under a folder, committed by one atomic rename.

    Django's filesystem storage writes in place, so a write goes to ``tmp/<random>/`` first
    and is renamed to its name once complete (``os.replace``: atomic on one filesystem).
    """

    def _save(self, name: str, content: Any) -> str:
        tmp = temporary_name(name)
        try:
            tmp = super()._save(tmp, content)
            self._commit(tmp, name)
        except BaseException:
            self._discard(tmp)  # a partial temporary goes too
            raise
        return name

    def _commit(self, source: str, target: str) -> None:
        src, dest = Path(self.path(source)), Path(self.path(target))
        dest.parent.mkdir(parents=True, exist_ok=True)
        os.replace(src, dest)  # same filesystem: atomic
        with contextlib.suppress(OSError):
            src.parent.rmdir()  # tmp/<random>/ is empty now

    def _discard(self, name: str) -> None:
        # The write's own error matters more; check_media lists what is left under tmp/.
        with contextlib.suppress(Exception):
            self.delete(name)
        with contextlib.suppress(OSError):
            Path(self.path(name)).parent.rmdir()


class _TimeoutsMixin:
    """Short connect/read timeouts and few retries: a store that is down must fail fast.

    A shopper waits on the request; a worker retries the task (``shop.media.StoreUnavailable``).
    """

    def __init__(self, **options: Any) -> None:
        if options.get("client_config") is None:
            from botocore.config import Config

            timeout = settings.MEDIA_STORE_TIMEOUT
            options["client_config"] = Config(
                connect_timeout=timeout,
                read_timeout=timeout * 4,
                retries={"max_attempts": settings.MEDIA_STORE_ATTEMPTS, "mode": "standard"},
                s3={"addressing_style": options.get("addressing_style") or "auto"},
                signature_version="s3v4",
            )
        super().__init__(**options)


class _CommittingS3Storage(CommittingMixin, _TimeoutsMixin, S3Storage):
    """Objects in a bucket, written straight to their key.

    S3 makes an object visible only once its PUT (or multipart upload) completes, and a PUT over
    an existing key replaces it whole, so no temporary key is needed: the copy and delete it
    would cost were three extra requests per write.
    """


class PublicS3Storage(_CommittingS3Storage):
    """Mockups, style samples, gallery images: readable by anyone who has the URL.

    URLs are ``MEDIA_PUBLIC_URL`` + name when a CDN or public bucket address is
    configured, else ``MEDIA_URL`` + name, which ``shop.views.public_media``
    streams from the store (development, CI, and deployments without a CDN).
    """

    querystring_auth = False

    def url(
        self, name: str, parameters: Any = None, expire: Any = None, http_method: Any = None
    ) -> str:
        from django.utils.encoding import filepath_to_uri

        base = settings.MEDIA_PUBLIC_URL or settings.MEDIA_URL
        return base.rstrip("/") + "/" + filepath_to_uri(name).lstrip("/")


class PrivateS3Storage(_CommittingS3Storage):
    """Private bucket: never a public or presigned URL; views stream after an ownership check."""

    default_acl = None

    def url(
        self, name: str, parameters: Any = None, expire: Any = None, http_method: Any = None
    ) -> str:
        from django.utils.encoding import filepath_to_uri

        return PRIVATE_URL_PREFIX + filepath_to_uri(name).lstrip("/")

"""Stored files as HTTP responses: the one way styling's views (and the gallery's) stream them.

A row can point at an object its store no longer has (deleted by hand, a bucket restored from
an older copy; ``check_media`` lists such rows). Opening it raises ``FileNotFoundError`` on
both backends (django-storages turns S3's 404 into one), which a view would let through as a
500. Here it becomes ``Http404``, so the shopper sees the site's own not-found page, and the
warning in the log tells an operator which file went missing. A store that is down is not
caught: ``shop.media_middleware`` answers that with its 503 "try again".
"""

from __future__ import annotations

import logging
from typing import IO, Any

from django.core.files.storage import Storage
from django.http import FileResponse, Http404

log = logging.getLogger(__name__)

#: Owner-only files: the owner's browser may keep them, shared caches may not.
PRIVATE_CACHE = "private, max-age=3600"


def open_stored(storage: Storage, name: str) -> IO[bytes]:
    """``name`` opened for reading from ``storage``; ``Http404`` when it is not there."""
    if not name:
        raise Http404("No file")
    try:
        return storage.open(name, "rb")
    except FileNotFoundError:
        log.warning("stored file %s is missing; answering 404", name)
        raise Http404("This file is no longer available.") from None


def open_field(field: Any) -> IO[bytes]:
    """:func:`open_stored` for a model's ``FileField`` value (an empty one is a 404)."""
    if not field:
        raise Http404("No file")
    return open_stored(field.storage, field.name)


def stored_file_response(
    storage: Storage,
    name: str,
    *,
    content_type: str,
    filename: str | None = None,
    cache_control: str = PRIVATE_CACHE,
) -> FileResponse:
    """Stream ``name``; with ``filename`` as a download (``Content-Disposition: attachment``)."""
    response = FileResponse(
        open_stored(storage, name),
        content_type=content_type,
        as_attachment=filename is not None,
        filename=filename or "",
    )
    response["Cache-Control"] = cache_control
    return response


def field_response(
    field: Any,
    *,
    content_type: str,
    filename: str | None = None,
    cache_control: str = PRIVATE_CACHE,
) -> FileResponse:
    """:func:`stored_file_response` for a model's ``FileField`` value (an empty one is a 404)."""
    if not field:
        raise Http404("No file")
    return stored_file_response(
        field.storage,
        field.name,
        content_type=content_type,
        filename=filename,
        cache_control=cache_control,
    )

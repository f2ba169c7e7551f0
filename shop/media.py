"""Moving files in and out of the media stores safely, whatever the backend.

Three rules every app follows (issue 18):

- **A name holds a whole file or none.** The stores themselves see to it
  (``shop.storage``): the filesystem store writes under ``tmp/<random>/...`` and
  renames the file to its name once complete (``os.replace``); on S3 an object is
  visible only once its PUT completes, so it is written straight to its key. A row
  is pointed at a name only after
  the save returns, so no row ever references a half-written object;
  :func:`save_committed` with ``replace=True`` swaps a file in place (a re-render)
  without a moment where the name is missing or partial.
- **Read through the store.** Code that needs a filesystem path (``ml``
  weights, reportlab, pdftoppm) gets one from :func:`local_copy`: a copy in a
  folder private to this process, removed when the block ends. Nothing ever
  asks the store for ``path()``: another host could not open it.
- **A store that is down is a transient error.** :func:`store_unavailable`
  recognises a timeout, refused connection or 5xx from the store;
  ``shop.middleware.StoreUnavailableMiddleware`` turns it into a 503 "try
  again" page and tasks retry on :data:`TRANSIENT_STORE_ERRORS`.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import Any

from django.core.files.storage import Storage


class StoreUnavailable(Exception):
    """The media store did not answer (down, unreachable, slow or failing): try again later."""


def _botocore_errors() -> tuple[type[BaseException], ...]:
    try:
        from botocore.exceptions import (
            ConnectionClosedError,
            ConnectionError,
            ConnectTimeoutError,
            EndpointConnectionError,
            ReadTimeoutError,
        )
    except ImportError:  # pragma: no cover - boto3 is a dependency
        return ()
    return (
        ConnectionError,
        ConnectTimeoutError,
        ReadTimeoutError,
        ConnectionClosedError,
        EndpointConnectionError,
    )


#: Exceptions that mean "the store is not answering now", for ``autoretry_for``.
TRANSIENT_STORE_ERRORS: tuple[type[BaseException], ...] = (StoreUnavailable, *_botocore_errors())


def store_unavailable(exc: BaseException) -> bool:
    """Whether ``exc`` (or what it wraps) says the store is down or slow, not that a file is bad.

    What it wraps is what Python would print as its cause: ``__cause__``, else ``__context__``
    unless the raise suppressed it (``raise ... from None``, or ``from`` another error). An error
    raised fresh on purpose after a store hiccup was handled (a clean "file gone") is that error,
    not "store down".
    """
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, TRANSIENT_STORE_ERRORS):
            return True
        response = getattr(exc, "response", None)  # botocore ClientError: 5xx / throttling
        if isinstance(response, dict):
            status = response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0
            code = str(response.get("Error", {}).get("Code", ""))
            if status >= 500 or code in {"SlowDown", "ServiceUnavailable", "RequestTimeout"}:
                return True
        if exc.__cause__ is not None or exc.__suppress_context__:
            exc = exc.__cause__  # type: ignore[assignment]
        else:
            exc = exc.__context__  # type: ignore[assignment]
    return False


def save_committed(storage: Storage, name: str, content: Any, *, replace: bool = False) -> str:
    """Store ``content`` under ``name``, whole or not at all; return the name it got.

    ``replace=True`` atomically replaces an object already at ``name`` (a re-run writing
    its deterministic name again); otherwise a taken name gets the storage's usual suffix.
    """
    if not replace:
        return storage.save(name, content)
    if hasattr(storage, "replace"):  # shop.storage's backends
        return storage.replace(name, content)
    if storage.exists(name):  # pragma: no cover - a backend configured by hand
        storage.delete(name)
    return storage.save(name, content)


@contextmanager
def local_copy(storage: Storage, name: str, *, suffix: str = "") -> Iterator[Path]:
    """A path to a private copy of a stored file, deleted when the block ends.

    Always a copy, on the filesystem backend too, so development and tests run
    the same code path production does (where the store has no local paths).
    """
    with tempfile.TemporaryDirectory(prefix="retrocel-media-") as folder:
        path = Path(folder) / (PurePosixPath(name).name + suffix)
        with storage.open(name, "rb") as src, path.open("wb") as dst:
            shutil.copyfileobj(src, dst, 1024 * 1024)
        yield path


def stored_names(storage: Storage, folder: str = "") -> list[str]:
    """Every file name under ``folder`` in ``storage``, sorted (filesystem and S3 alike).

    For ``check_media``'s leftover scan and for tests asserting what was (not) stored.
    """
    names: list[str] = []
    try:
        dirs, files = storage.listdir(folder)
    except FileNotFoundError:
        return names
    prefix = f"{folder.rstrip('/')}/" if folder else ""
    names += [prefix + name for name in files]
    for sub in dirs:
        names += stored_names(storage, prefix + sub)
    return sorted(names)

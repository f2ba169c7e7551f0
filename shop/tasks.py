"""Tasks that belong to the project rather than to one app."""

from __future__ import annotations

import os
import socket

from celery import shared_task


@shared_task(name="shop.ping")
def ping(payload: str) -> dict[str, object]:
    """Round trip used by health checks and the worker integration test.

    It answers with the worker's host and pid so a caller can prove the task
    ran in another process, not inline.
    """
    return {"echo": payload, "pid": os.getpid(), "host": socket.gethostname()}

"""Celery tasks of the print pipeline: thin wrappers over ``printing.pipeline``.

Ids in, idempotent, deterministic output paths. Transient errors (storage
I/O, a busy database, a GPU out of memory) are retried with exponential
backoff; a line that still fails, or fails for a reason retrying cannot fix,
is marked ``failed`` and the admins are mailed.
"""

from __future__ import annotations

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import OperationalError
from PIL import UnidentifiedImageError

from printing import pipeline, watchdog

log = logging.getLogger(__name__)

MAX_RETRIES = 4
BACKOFF_BASE_S = 15


def is_transient(exc: BaseException) -> bool:
    """Worth retrying: I/O hiccups, a locked/unreachable database, a GPU out of memory."""
    if isinstance(exc, pipeline.PrintFileError | UnidentifiedImageError | FileNotFoundError):
        return False
    if isinstance(exc, SoftTimeLimitExceeded):
        return False
    if isinstance(exc, OSError | OperationalError | ConnectionError | TimeoutError):
        return True
    try:
        import torch

        return isinstance(exc, torch.OutOfMemoryError)
    except (ImportError, AttributeError):
        return False


def _run_step(task, line_id: int, step) -> object:
    try:
        with watchdog.heartbeat(line_id):
            return step(line_id)
    except Exception as exc:
        if is_transient(exc) and task.request.retries < task.max_retries:
            countdown = BACKOFF_BASE_S * 2**task.request.retries
            log.warning(
                "Line %s %s: transient %r, retry in %ss", line_id, task.name, exc, countdown
            )
            raise task.retry(exc=exc, countdown=countdown)
        reason = (
            str(exc) if isinstance(exc, pipeline.PrintFileError) else f"{type(exc).__name__}: {exc}"
        )
        log.exception("Line %s %s failed for good", line_id, task.name)
        pipeline.mark_line_failed(line_id, reason)
        raise


@shared_task(name="printing.watchdog_sweep", queue="default", ignore_result=True)
def watchdog_sweep() -> list[int]:
    """Re-send print chains whose worker died (``printing.watchdog``); run by beat."""
    return watchdog.sweep()


@shared_task(name="printing.render_order_print_files", queue="default")
def render_order_print_files(order_id: int) -> None:
    """Route every line of a paid order and start its print chains (``pipeline.render_order``)."""
    pipeline.render_order(order_id)


@shared_task(
    bind=True,
    name="printing.gpu_upscale_line",
    queue="gpu",
    max_retries=MAX_RETRIES,
    acks_late=True,
    soft_time_limit=1800,
    time_limit=1900,
)
def gpu_upscale_line(self, line_id: int) -> bool:
    """RDN-upscale one line's styled image to its size on the print canvas."""
    return bool(_run_step(self, line_id, pipeline.upscale_line))


@shared_task(
    bind=True,
    name="printing.write_line_pdf",
    max_retries=MAX_RETRIES,
    acks_late=True,
    soft_time_limit=600,
    time_limit=660,
)
def write_line_pdf_task(self, line_id: int) -> bool:
    """Compose, write the PDF, preflight it; mark the order ready when it was the last line."""
    return bool(_run_step(self, line_id, pipeline.write_line_pdf))


@shared_task(
    bind=True,
    name="printing.notify_vendor",
    max_retries=MAX_RETRIES,
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=BACKOFF_BASE_S,
)
def notify_vendor_task(self, order_id: int, vendor_id: int) -> int:
    """Email a vendor that an order has print-ready files for it."""
    from orders.models import Order
    from printing.emails import notify_vendor_new_order
    from printing.models import Vendor

    return notify_vendor_new_order(
        order=Order.objects.get(pk=order_id), vendor=Vendor.objects.get(pk=vendor_id)
    )


@shared_task(
    bind=True,
    name="printing.notify_shipped",
    max_retries=MAX_RETRIES,
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=BACKOFF_BASE_S,
)
def notify_shipped_task(self, line_id: int) -> int:
    """Email the shopper that a line has shipped, with its tracking number."""
    from orders.models import OrderLine
    from printing.emails import notify_shopper_shipped

    return notify_shopper_shipped(line=OrderLine.objects.select_related("order").get(pk=line_id))

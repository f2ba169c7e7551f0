"""Celery tasks of the print pipeline: thin wrappers over ``printing.pipeline``.

Ids in, idempotent, deterministic output paths. Transient errors (storage
I/O, a busy database, a GPU out of memory) are retried with exponential
backoff (``shop.task_policy``); a line that still fails, or fails for a reason
retrying cannot fix, is marked ``failed`` and the admins are mailed.
"""

from __future__ import annotations

import logging

from celery import shared_task
from PIL import UnidentifiedImageError

from printing import pipeline, watchdog
from shop.task_policy import PERMANENT, AutoRetryTask, PolicyTask

log = logging.getLogger(__name__)

#: A bad placement or spec, or a stored image that is not an image: retrying cannot fix them.
STEP_PERMANENT = (*PERMANENT, pipeline.PrintFileError, UnidentifiedImageError)


def _run_step(task: PolicyTask, line_id: int, step) -> object:  # type: ignore[no-untyped-def]
    try:
        with watchdog.heartbeat(line_id):
            return step(line_id)
    except Exception as exc:
        task.retry_if_transient(exc)
        reason = (
            str(exc) if isinstance(exc, pipeline.PrintFileError) else f"{type(exc).__name__}: {exc}"
        )
        log.exception("Line %s %s failed for good", line_id, task.name)
        pipeline.mark_line_failed(line_id, reason)
        raise


@shared_task(name="printing.watchdog_sweep", ignore_result=True)
def watchdog_sweep() -> list[int]:
    """Re-send print chains whose worker died (``printing.watchdog``); run by beat."""
    return watchdog.sweep()


@shared_task(name="printing.render_order_print_files")
def render_order_print_files(order_id: int) -> None:
    """Route every line of a paid order and start its print chains (``pipeline.render_order``)."""
    pipeline.render_order(order_id)


@shared_task(
    bind=True,
    base=PolicyTask,
    name="printing.gpu_upscale_line",
    acks_late=True,
    permanent=STEP_PERMANENT,
)
def gpu_upscale_line(self, line_id: int) -> bool:
    """RDN-upscale one line's styled image to its size on the print canvas."""
    return bool(_run_step(self, line_id, pipeline.upscale_line))


@shared_task(
    bind=True,
    base=PolicyTask,
    name="printing.write_line_pdf",
    acks_late=True,
    permanent=STEP_PERMANENT,
)
def write_line_pdf_task(self, line_id: int) -> bool:
    """Compose, write the PDF, preflight it; mark the order ready when it was the last line."""
    return bool(_run_step(self, line_id, pipeline.write_line_pdf))


@shared_task(
    bind=True,
    base=AutoRetryTask,
    name="printing.notify_vendor",
    acks_late=True,
    transient=(OSError,),
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
    base=AutoRetryTask,
    name="printing.notify_shipped",
    acks_late=True,
    transient=(OSError,),
)
def notify_shipped_task(self, line_id: int) -> int:
    """Email the shopper that a line has shipped, with its tracking number."""
    from orders.models import OrderLine
    from printing.emails import notify_shopper_shipped

    return notify_shopper_shipped(line=OrderLine.objects.select_related("order").get(pk=line_id))

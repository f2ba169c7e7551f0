"""Celery tasks of the orders app: ids in, thin, idempotent; the work lives elsewhere."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="orders.render_order_print_files", queue="default")
def render_order_print_files(order_id: int) -> None:
    """Render every line's print file (implemented by ``orders.printing``)."""
    from orders import printing

    printing.render_order(order_id)


@shared_task(
    name="orders.send_order_confirmation",
    queue="default",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def send_order_confirmation(order_id: int) -> bool:
    """Email the order confirmation once (a claimed timestamp guards repeats)."""
    from orders import emails

    return emails.send_confirmation(order_id)


# The print pipeline's tasks live in their own module; importing them here registers them
# with Celery's autodiscovery (which imports ``orders.tasks``).
from orders.print_tasks import (  # noqa: E402, F401
    gpu_upscale_line,
    notify_shipped_task,
    notify_vendor_task,
    write_line_pdf_task,
)

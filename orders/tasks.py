"""Celery tasks of the orders app: ids in, thin, idempotent; the work lives elsewhere."""

from __future__ import annotations

from celery import shared_task

from shop.task_policy import AutoRetryTask


@shared_task(
    base=AutoRetryTask,
    name="orders.send_order_confirmation",
    transient=(OSError,),  # the mail server
    max_retries=5,
    backoff_base_s=1,
)
def send_order_confirmation(order_id: int) -> bool:
    """Email the order confirmation once (a claimed timestamp guards repeats)."""
    from orders import emails

    return emails.send_confirmation(order_id)

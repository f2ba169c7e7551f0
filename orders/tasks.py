"""Celery tasks of the orders app: ids in, thin, idempotent; the work lives elsewhere."""

from __future__ import annotations

from celery import shared_task


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

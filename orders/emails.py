"""The order confirmation email (console/file backend by default, SMTP in production)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from catalog.models import format_money
from orders import links
from orders.models import EventKind, Order

log = logging.getLogger(__name__)


def enqueue_confirmation(order_id: int) -> None:
    from orders.tasks import send_order_confirmation

    transaction.on_commit(lambda: send_order_confirmation.delay(order_id))


def send_confirmation(order_id: int) -> bool:
    """Send the confirmation once; returns False when it was already sent.

    The claim is a conditional UPDATE, so two deliveries of the task cannot
    both send. If sending fails the claim is released for the retry.
    """
    claimed = Order.objects.filter(pk=order_id, confirmation_sent_at__isnull=True).update(
        confirmation_sent_at=timezone.now()
    )
    if not claimed:
        return False
    order = Order.objects.prefetch_related("lines").get(pk=order_id)
    context = {
        "order": order,
        "lines": [
            {"line": line, "total": format_money(line.total_minor, order.currency)}
            for line in order.lines.all()
        ],
        "subtotal": format_money(order.subtotal_minor, order.currency),
        "shipping": format_money(order.shipping_minor, order.currency),
        "total": format_money(order.total_minor, order.currency),
        "order_url": links.order_url(order),
    }
    message = EmailMultiAlternatives(
        subject=f"Your Retrocel order {order.number} is confirmed",
        body=render_to_string("orders/email/confirmation.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[order.email],
    )
    message.attach_alternative(
        render_to_string("orders/email/confirmation.html", context), "text/html"
    )
    try:
        message.send()
    except Exception:
        Order.objects.filter(pk=order_id).update(confirmation_sent_at=None)
        raise
    order.events.create(kind=EventKind.CONFIRMATION_SENT, note=f"To {order.email}")
    log.info("order %s: confirmation sent to %s", order.number, order.email)
    return True

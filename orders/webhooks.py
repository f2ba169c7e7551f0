"""Applying verified Stripe webhook events to orders, each event once.

``receive`` verifies the signature (``stripe_gateway.verify_webhook``), then in
one transaction records the event id (unique constraint: a duplicate delivery,
even a concurrent one, fails the insert and changes nothing) and applies it to
the order, re-read under a row lock so events arriving out of order only ever
move the order forward. Every field a handler reads is validated
(``orders.webhook_fields``); a malformed one raises ``InvalidWebhook`` inside
that transaction, so the event is not recorded and nothing changes. Side effects (email, print files) are enqueued by the
state machine after the commit, so the endpoint answers fast.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction

from orders import state, stripe_gateway
from orders import webhook_fields as fields
from orders.models import EventKind, Order, OrderEvent, OrderStatus, StripeEvent

log = logging.getLogger(__name__)
S = OrderStatus

InvalidWebhook = stripe_gateway.InvalidWebhook


def _order_for_intent(intent_id: str | None, order_id: int | None) -> Order | None:
    """The order paid by ``intent_id``, locked; falls back to our id from the metadata."""
    if intent_id:
        order = Order.objects.select_for_update().filter(payment_intent_id=intent_id).first()
        if order is not None:
            return order
    if order_id is not None:
        order = Order.objects.select_for_update().filter(pk=order_id).first()
        if order is not None and order.payment_intent_id in (None, intent_id):
            return order
    return None


def _intent_order(obj: dict[str, Any]) -> tuple[str, Order | None]:
    """Validate a PaymentIntent's id and metadata, then find its order (locked)."""
    intent_id = fields.text(obj, "id", required=True)
    order_id = fields.order_id(fields.mapping(obj, "metadata"))
    return intent_id, _order_for_intent(intent_id, order_id)  # type: ignore[return-value]


def _succeeded(obj: dict[str, Any]) -> str:
    amount = fields.whole_number(obj, "amount")
    currency = (fields.text(obj, "currency") or "").upper()
    intent_id, order = _intent_order(obj)
    if order is None:
        return "no order for this payment"
    if (amount, currency) != (order.total_minor, order.currency):
        OrderEvent.objects.create(
            order=order,
            kind=EventKind.PAYMENT_MISMATCH,
            note=f"Stripe charged {amount} {currency}; the order is {order.total_minor} {order.currency}.",
        )
        log.error("order %s: paid amount %s %s does not match", order.number, amount, currency)
        return "amount mismatch"
    if order.status not in (S.PENDING_PAYMENT, S.FAILED):
        return f"already {order.status}"
    if order.payment_intent_id is None:
        order.payment_intent_id = intent_id
        order.save(update_fields=["payment_intent_id"])
    state.transition(order, S.PAID, note=f"Stripe {intent_id}")
    return "paid"


def _failed(obj: dict[str, Any]) -> str:
    message = fields.text(fields.mapping(obj, "last_payment_error"), "message")
    _intent_id, order = _intent_order(obj)
    if order is None:
        return "no order for this payment"
    if order.status != S.PENDING_PAYMENT:
        return f"already {order.status}"
    state.transition(order, S.FAILED, note=message or "Payment failed.")
    return "failed"


def _canceled(obj: dict[str, Any]) -> str:
    intent_id, order = _intent_order(obj)
    if order is None:
        return "no order for this payment"
    if order.status not in (S.PENDING_PAYMENT, S.FAILED):
        return f"already {order.status}"
    state.transition(order, S.CANCELLED, note=f"Stripe cancelled {intent_id}")
    return "cancelled"


def _refunded(obj: dict[str, Any]) -> str:
    """``charge.refunded`` carries the charge's cumulative ``amount_refunded``."""
    charge_id = fields.text(obj, "id", required=True)
    refunded = fields.whole_number(obj, "amount_refunded")
    intent_id = fields.text(obj, "payment_intent")
    order = _order_for_intent(intent_id, fields.order_id(fields.mapping(obj, "metadata")))
    if order is None:
        return "no order for this charge"
    if refunded <= order.refunded_minor:
        return "refund already recorded"
    previous = order.refunded_minor
    order.refunded_minor = min(refunded, order.total_minor)
    order.save(update_fields=["refunded_minor"])
    OrderEvent.objects.create(
        order=order,
        kind=EventKind.REFUNDED,
        note=f"{order.refunded_minor - previous} refunded; {order.refunded_minor} of "
        f"{order.total_minor} in total (charge {charge_id}).",
    )
    if order.refunded_minor >= order.total_minor and state.can_transition(order.status, S.REFUNDED):
        state.transition(order, S.REFUNDED, note="Refunded in full.")
        return "refunded"
    return "partially refunded"


HANDLERS: dict[str, Callable[[dict[str, Any]], str]] = {
    "payment_intent.succeeded": _succeeded,
    "payment_intent.payment_failed": _failed,
    "payment_intent.canceled": _canceled,
    "charge.refunded": _refunded,
}


def apply(event: stripe_gateway.WebhookEvent) -> str:
    """Record ``event`` and apply it once; returns what happened (for the log and response)."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                StripeEvent.objects.create(
                    event_id=event.id, type=event.type[:80], payload=event.payload
                )
        except IntegrityError:
            return "duplicate"
        handler = HANDLERS.get(event.type)
        outcome = handler(event.object) if handler else "ignored"
    log.info("stripe event %s %s: %s", event.id, event.type, outcome)
    return outcome


def receive(payload: bytes, signature: str | None) -> str:
    """Verify and apply one delivery; raises ``InvalidWebhook`` (nothing stored) when forged."""
    return apply(stripe_gateway.verify_webhook(payload, signature))

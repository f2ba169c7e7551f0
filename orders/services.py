"""Checkout, payment sessions, cancellation and refunds.

``start_checkout`` turns the session's cart into a pending order whose lines
snapshot what is bought, in one transaction, from database prices only.
``payment_session`` creates (or re-reads) the order's Stripe PaymentIntent for
exactly ``total_minor``, with an idempotency key derived from the order id.
The order becomes ``paid`` only from a verified webhook (``orders.webhooks``).
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction

from catalog.models import format_money
from orders import state, stripe_gateway
from orders.cart import CartSummary
from orders.exceptions import (
    CheckoutUnavailable,
    CurrencyMismatch,
    DesignNotOrderable,
    EmptyCart,
    NoShippingRate,
    RefundNotAllowed,
)
from orders.models import EventKind, Order, OrderEvent, OrderLine, OrderStatus
from orders.selectors import shipping_rate_for
from orders.snapshots import spec_snapshot

log = logging.getLogger(__name__)

PAYABLE = (OrderStatus.PENDING_PAYMENT, OrderStatus.FAILED)
REFUNDABLE = (OrderStatus.PAID, OrderStatus.IN_PRODUCTION, OrderStatus.SHIPPED)


@dataclass(frozen=True)
class ShippingDetails:
    email: str
    name: str
    line1: str
    city: str
    postal_code: str
    country: str
    line2: str = ""


@dataclass(frozen=True)
class PaymentSession:
    """What the payment page needs to let Stripe.js confirm the card."""

    order: Order
    client_secret: str
    publishable_key: str
    js_url: str


def _matches(order: Order, cart: CartSummary, details: ShippingDetails, rate_id: int) -> bool:
    """Is ``order`` exactly what checking out ``cart`` to ``details`` would create now?"""
    wanted = sorted(
        (str(line.design.pk), line.quantity, line.unit_price_minor) for line in cart.lines
    )
    have = sorted(
        (str(line.design_id), line.quantity, line.unit_price_minor) for line in order.lines.all()
    )
    return (
        wanted == have
        and order.shipping_rate_id == rate_id
        and order.currency == cart.currency
        and (
            order.email,
            order.ship_name,
            order.ship_line1,
            order.ship_line2,
            order.ship_city,
            order.ship_postal_code,
            order.ship_country,
        )
        == (
            details.email,
            details.name,
            details.line1,
            details.line2,
            details.city,
            details.postal_code,
            details.country,
        )
    )


def checkout_key(*, session_key: str, cart: CartSummary, cart_revision: str) -> str:
    """The idempotency key of checking out this cart: one per session, cart revision and content.

    Concurrent or repeated submissions of one unchanged cart compute the same key;
    ``Order.checkout_key`` is unique, so the database lets exactly one of them
    create the order (no check-then-act).
    """
    content = ",".join(sorted(f"{line.design.pk}x{line.quantity}" for line in cart.lines))
    raw = f"{session_key}|{cart_revision}|{content}"
    return hashlib.sha256(raw.encode()).hexdigest()


def _create_order(
    *, cart: CartSummary, details: ShippingDetails, rate, session_key: str, user, key: str
) -> Order:  # type: ignore[no-untyped-def]
    order = Order.objects.create(
        owner_session=session_key,
        user=user if user is not None and user.is_authenticated else None,
        checkout_key=key,
        email=details.email,
        ship_name=details.name,
        ship_line1=details.line1,
        ship_line2=details.line2,
        ship_city=details.city,
        ship_postal_code=details.postal_code,
        ship_country=details.country,
        shipping_rate=rate,
        currency=cart.currency,
        subtotal_minor=cart.subtotal_minor,
        shipping_minor=rate.amount_minor,
        total_minor=cart.subtotal_minor + rate.amount_minor,
    )
    OrderLine.objects.bulk_create(
        [
            OrderLine(
                order=order,
                design=line.design,
                quantity=line.quantity,
                product_title=line.design.variant.product.title,
                variant_name=line.design.variant.name,
                sku=line.design.variant.sku,
                unit_price_minor=line.unit_price_minor,
                print_spec=spec_snapshot(line.design.variant.print_spec),
                style_name=line.design.job.style.name,
            )
            for line in cart.lines
        ]
    )
    OrderEvent.objects.create(
        order=order, kind=EventKind.CREATED, to_status=order.status, note=f"{len(cart.lines)} lines"
    )
    return order


def start_checkout(
    *,
    cart: CartSummary,
    details: ShippingDetails,
    session_key: str,
    user=None,  # type: ignore[no-untyped-def]
    previous_order_id: int | None = None,
    cart_revision: str = "",
) -> Order:
    """Create the pending order for ``cart``, or return the one this cart already has.

    ``cart`` must come from ``orders.cart.price`` (database prices). One cart
    (session + revision + content) holds at most one order at a time through the
    unique ``Order.checkout_key``: a repeated or concurrent submission gets the
    existing order; a submission with different details (address, country)
    takes the key over and the replaced order is abandoned. A paid order keeps
    its cart's key, so an already bought cart is never charged again. A
    different previous order of this session that is still unpaid is abandoned.
    """
    if cart.is_empty:
        raise EmptyCart()
    if cart.problems:
        raise DesignNotOrderable(cart.problems[0])
    rate = shipping_rate_for(details.country)
    if rate is None:
        raise NoShippingRate(details.country)
    if rate.currency.upper() != cart.currency:
        raise CurrencyMismatch(
            f"Shipping to {details.country} is priced in {rate.currency}, "
            f"but the shop charges in {cart.currency}."
        )
    key = checkout_key(session_key=session_key, cart=cart, cart_revision=cart_revision)
    for _attempt in range(5):
        holder = Order.objects.filter(checkout_key=key).prefetch_related("lines").first()
        if holder is not None and (
            holder.status not in PAYABLE + (OrderStatus.CANCELLED,)
            or _matches(holder, cart, details, rate.pk)
        ):
            return holder  # the same submission again, or this cart is already paid for
        try:
            with transaction.atomic():
                if holder is not None:
                    released = Order.objects.filter(pk=holder.pk, checkout_key=key).update(
                        checkout_key=None
                    )
                    if not released:  # another submission changed it first: look again
                        continue
                order = _create_order(
                    cart=cart,
                    details=details,
                    rate=rate,
                    session_key=session_key,
                    user=user,
                    key=key,
                )
        except IntegrityError:
            continue  # a concurrent submission created the order first: return that one
        break
    else:
        raise CheckoutUnavailable("Your checkout is being submitted elsewhere; please try again.")
    replaced = [holder.pk] if holder is not None else []
    if previous_order_id and previous_order_id != order.pk:
        replaced.append(previous_order_id)
    for stale in Order.objects.filter(
        pk__in=replaced, owner_session=session_key, status__in=PAYABLE
    ):
        abandon(stale, note=f"Replaced by order {order.number} at checkout.")
    return order


def payment_session(order: Order) -> PaymentSession:
    """Create the order's PaymentIntent once (idempotency key from our ids), or re-read it."""
    if order.status not in PAYABLE:
        raise CheckoutUnavailable(f"Order {order.number} is {order.get_status_display().lower()}.")
    if order.payment_intent_id:
        intent = stripe_gateway.retrieve_payment_intent(order.payment_intent_id)
    else:
        intent = stripe_gateway.create_payment_intent(
            amount_minor=order.total_minor,
            currency=order.currency,
            metadata={"order_id": str(order.pk), "order_number": order.number},
            idempotency_key=f"retrocel-order-{order.pk}-payment-intent",
        )
        Order.objects.filter(pk=order.pk, payment_intent_id__isnull=True).update(
            payment_intent_id=intent.id
        )
        order.refresh_from_db(fields=["payment_intent_id"])
        if order.payment_intent_id != intent.id:  # a concurrent request stored its own first
            intent = stripe_gateway.retrieve_payment_intent(order.payment_intent_id)
        else:
            OrderEvent.objects.create(
                order=order, kind=EventKind.PAYMENT_INTENT_CREATED, note=intent.id
            )
    if intent.amount_minor != order.total_minor or intent.currency != order.currency:
        log.error("order %s: intent %s amount differs", order.number, intent.id)
        raise CheckoutUnavailable(
            "This payment no longer matches the order; please check out again."
        )
    if intent.status in ("succeeded", "processing"):
        raise CheckoutUnavailable(f"Order {order.number} has already been paid.")
    if intent.status == "canceled":
        raise CheckoutUnavailable(f"Order {order.number} was cancelled; please check out again.")
    return PaymentSession(
        order=order,
        client_secret=intent.client_secret,
        publishable_key=settings.STRIPE_PUBLISHABLE_KEY,
        js_url=settings.STRIPE_JS_URL,
    )


def abandon(order: Order, *, note: str = "", actor=None) -> None:  # type: ignore[no-untyped-def]
    """Give up an unpaid order: cancel its PaymentIntent (the webhook then cancels the order).

    Without an intent there is nothing Stripe could still charge, so the order
    is cancelled at once. A failure to reach Stripe is logged: the intent can
    still be paid, and its webhook would then mark the order paid.
    """
    if order.status not in PAYABLE:
        return
    if not order.payment_intent_id:
        state.transition(order, OrderStatus.CANCELLED, actor=actor, note=note)
        return
    try:
        stripe_gateway.cancel_payment_intent(
            order.payment_intent_id, idempotency_key=f"retrocel-order-{order.pk}-cancel"
        )
    except stripe_gateway.GatewayError as exc:
        log.warning("order %s: could not cancel %s: %s", order.number, order.payment_intent_id, exc)
        return
    OrderEvent.objects.create(order=order, kind=EventKind.CANCEL_REQUESTED, actor=actor, note=note)


def refund(*, order: Order, amount_minor: int, actor=None, reason: str = "") -> OrderEvent:  # type: ignore[no-untyped-def]
    """Ask Stripe to refund ``amount_minor`` (partial or full) of a paid order.

    The order's ``refunded_minor`` and status change only when Stripe's
    ``charge.refunded`` webhook arrives. The idempotency key is the id of the
    audit row written first, so a retried request cannot refund twice.
    """
    with transaction.atomic():
        locked = state.lock(order.pk)
        if locked.status not in REFUNDABLE or not locked.payment_intent_id:
            raise RefundNotAllowed(
                f"Order {locked.number} is {locked.get_status_display().lower()}; "
                "only paid orders can be refunded."
            )
        if amount_minor <= 0:
            raise RefundNotAllowed("Enter an amount greater than zero.")
        if amount_minor > locked.refundable_minor:
            raise RefundNotAllowed(
                f"At most {format_money(locked.refundable_minor, locked.currency)} is left "
                "to refund on this order."
            )
        request = OrderEvent.objects.create(
            order=locked,
            kind=EventKind.REFUND_REQUESTED,
            actor=actor,
            note=f"{amount_minor} {reason}".strip(),
        )
    try:
        result = stripe_gateway.create_refund(
            payment_intent_id=locked.payment_intent_id,
            amount_minor=amount_minor,
            metadata={"order_id": str(locked.pk), "order_event_id": str(request.pk)},
            idempotency_key=f"retrocel-order-{locked.pk}-refund-{request.pk}",
        )
    except stripe_gateway.GatewayError as exc:
        OrderEvent.objects.create(
            order=locked, kind=EventKind.REFUND_FAILED, actor=actor, note=str(exc)
        )
        raise RefundNotAllowed(f"Stripe refused the refund: {exc}")
    request.note = f"{amount_minor} {result.id} {reason}".strip()
    request.save(update_fields=["note"])
    return request

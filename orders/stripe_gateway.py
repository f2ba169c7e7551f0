"""The only module that imports ``stripe``: small typed functions around the SDK.

Settings are read at call time. With ``STRIPE_API_BASE`` set (development and
tests) every call goes to the local emulator; empty, to Stripe itself. The
rest of the code sees only the dataclasses and errors defined here.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import stripe
from django.conf import settings


class GatewayError(Exception):
    """Stripe refused or could not be reached; the message is safe to show."""


class InvalidWebhook(Exception):
    """The webhook's signature is missing, wrong or stale, or its body is not an event."""


@dataclass(frozen=True)
class Intent:
    id: str
    amount_minor: int
    currency: str  # upper case ISO code, as we store it
    status: str
    client_secret: str
    metadata: dict[str, str]


@dataclass(frozen=True)
class Refund:
    id: str
    amount_minor: int
    status: str


@dataclass(frozen=True)
class WebhookEvent:
    id: str
    type: str
    object: dict[str, Any]
    payload: dict[str, Any]


@lru_cache(maxsize=4)
def _client_for(api_key: str, api_base: str) -> stripe.StripeClient:
    base = {"api": api_base} if api_base else None
    return stripe.StripeClient(api_key, base_addresses=base, max_network_retries=2)


def _client() -> stripe.StripeClient:
    return _client_for(settings.STRIPE_SECRET_KEY, settings.STRIPE_API_BASE)


def _intent(obj: Any) -> Intent:
    return Intent(
        id=obj.id,
        amount_minor=int(obj.amount),
        currency=str(obj.currency).upper(),
        status=obj.status,
        client_secret=obj.client_secret,
        metadata=obj.metadata.to_dict() if obj.metadata else {},
    )


def _error(exc: stripe.StripeError) -> GatewayError:
    return GatewayError(exc.user_message or "The payment provider could not be reached.")


def create_payment_intent(
    *, amount_minor: int, currency: str, metadata: dict[str, str], idempotency_key: str
) -> Intent:
    try:
        obj = _client().v1.payment_intents.create(
            params={
                "amount": amount_minor,
                "currency": currency.lower(),
                "metadata": metadata,
                "payment_method_types": ["card"],
            },
            options={"idempotency_key": idempotency_key},
        )
    except stripe.StripeError as exc:
        raise _error(exc)
    return _intent(obj)


def retrieve_payment_intent(intent_id: str) -> Intent:
    try:
        return _intent(_client().v1.payment_intents.retrieve(intent_id))
    except stripe.StripeError as exc:
        raise _error(exc)


def cancel_payment_intent(intent_id: str, *, idempotency_key: str) -> Intent:
    try:
        obj = _client().v1.payment_intents.cancel(
            intent_id, options={"idempotency_key": idempotency_key}
        )
    except stripe.StripeError as exc:
        raise _error(exc)
    return _intent(obj)


def create_refund(
    *, payment_intent_id: str, amount_minor: int, metadata: dict[str, str], idempotency_key: str
) -> Refund:
    try:
        obj = _client().v1.refunds.create(
            params={
                "payment_intent": payment_intent_id,
                "amount": amount_minor,
                "metadata": metadata,
            },
            options={"idempotency_key": idempotency_key},
        )
    except stripe.StripeError as exc:
        raise _error(exc)
    return Refund(id=obj.id, amount_minor=int(obj.amount), status=obj.status)


def _signed_at(signature: str) -> int:
    """The ``t=`` timestamp of a ``Stripe-Signature`` header (already verified by the SDK)."""
    for part in signature.split(","):
        name, _, value = part.strip().partition("=")
        if name == "t" and value.isdigit():
            return int(value)
    raise InvalidWebhook("The Stripe-Signature header has no timestamp.")


def verify_webhook(payload: bytes, signature: str | None) -> WebhookEvent:
    """Check ``Stripe-Signature`` against our secret, refuse stale and future events, then parse.

    The SDK only refuses old timestamps; a signature dated beyond
    ``STRIPE_WEBHOOK_FUTURE_SKEW`` seconds ahead of our clock is refused too, so
    a leaked signing secret cannot mint events that stay valid for long.
    """
    if not signature:
        raise InvalidWebhook("The Stripe-Signature header is missing.")
    try:
        stripe.WebhookSignature.verify_header(
            payload.decode("utf-8"),
            signature,
            settings.STRIPE_WEBHOOK_SECRET,
            settings.STRIPE_WEBHOOK_TOLERANCE,
        )
    except (stripe.SignatureVerificationError, UnicodeDecodeError, ValueError) as exc:
        raise InvalidWebhook(f"The signature does not verify: {exc}")
    ahead = _signed_at(signature) - int(time.time())
    if ahead > settings.STRIPE_WEBHOOK_FUTURE_SKEW:
        raise InvalidWebhook(
            f"The signature is dated {ahead} s in the future "
            f"(at most {settings.STRIPE_WEBHOOK_FUTURE_SKEW} s of clock skew is accepted)."
        )
    try:
        data = json.loads(payload)
    except ValueError as exc:
        raise InvalidWebhook(f"The body is not a Stripe event: {exc}")
    if not isinstance(data, dict):
        raise InvalidWebhook("The body is not a Stripe event: expected a JSON object.")
    event_id, event_type = data.get("id"), data.get("type")
    if not isinstance(event_id, str) or not event_id or len(event_id) > 255:
        raise InvalidWebhook("The event's id must be a non-empty string.")
    if not isinstance(event_type, str) or not event_type:
        raise InvalidWebhook("The event's type must be a string.")
    obj = data.get("data", {}).get("object") if isinstance(data.get("data"), dict) else None
    if not isinstance(obj, dict):
        raise InvalidWebhook("The event's data.object must be an object.")
    return WebhookEvent(id=event_id, type=event_type, object=obj, payload=data)

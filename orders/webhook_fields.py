"""Typed reads of the fields our webhook handlers use from a Stripe event's ``data.object``.

A signed event is still data from outside: every field a handler reads goes
through one of these, and anything of the wrong shape raises ``InvalidWebhook``
with the field's path, so the endpoint answers 400 and the handler's
transaction (event record included) rolls back with nothing changed.
"""

from __future__ import annotations

from typing import Any

from orders.stripe_gateway import InvalidWebhook

_MAX_TEXT = 500


def text(obj: dict[str, Any], name: str, *, required: bool = False) -> str | None:
    value = obj.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value) or len(value) > _MAX_TEXT:
        raise InvalidWebhook(
            f"data.object.{name} must be a string of at most {_MAX_TEXT} characters."
        )
    return value


def whole_number(obj: dict[str, Any], name: str) -> int:
    """A non-negative integer; JSON booleans and numeric strings are refused."""
    value = obj.get(name, 0)
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidWebhook(
            f"data.object.{name} must be a whole number of at least 0, not {value!r:.40}."
        )
    return value


def mapping(obj: dict[str, Any], name: str) -> dict[str, Any]:
    value = obj.get(name)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InvalidWebhook(f"data.object.{name} must be an object, not {type(value).__name__}.")
    return value


def order_id(metadata: dict[str, Any]) -> int | None:
    """Our order id from ``metadata.order_id`` (we write it as a string of digits)."""
    value = metadata.get("order_id")
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)) or not str(value).isdigit():
        raise InvalidWebhook("data.object.metadata.order_id must be a string of digits.")
    return int(value)

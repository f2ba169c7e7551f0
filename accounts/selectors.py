"""What the account page (and the data zip) shows: the shopper's uploads, designs, clips,
orders and published entries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from catalog.models import format_money
from orders.models import Order
from showcase.models import Entry
from showcase.selectors import entries_of
from styling.models import ClipRender, Design, Upload
from styling.selectors import Owner, clip_renders_for, designs_for, uploads_for


@dataclass(frozen=True)
class OrderRow:
    order: Order
    total: str
    tracking: list[str]  # "carrier number" per shipped line that has one


def account_uploads(user: Any) -> list[Upload]:
    """Every upload the shopper owns, photo or clip, oldest first, whatever became of it (never
    styled, failed, styled many times): the data zip holds all they gave us, not only what a
    design or a finished clip reaches."""
    owned = uploads_for(Owner(session="", user_id=user.pk))
    return list(owned.select_related("clip").order_by("created_at", "pk"))


def account_designs(user: Any) -> list[Design]:
    return list(designs_for(Owner(session="", user_id=user.pk)))


def account_clips(user: Any) -> list[ClipRender]:
    """The shopper's finished clips, oldest first (the data zip's order)."""
    return list(clip_renders_for(Owner(session="", user_id=user.pk)).order_by("job__created_at"))


def account_orders(user: Any) -> list[OrderRow]:
    rows = []
    for order in Order.objects.filter(user=user).prefetch_related("lines"):
        tracking = [
            f"{line.carrier} {line.tracking_number}".strip()
            for line in order.lines.all()
            if line.tracking_number
        ]
        rows.append(OrderRow(order, format_money(order.total_minor, order.currency), tracking))
    return rows


def account_entries(user: Any) -> list[Entry]:
    return list(entries_of(user))

"""The shopping cart: design ids and quantities in the session, priced from the database.

The session holds nothing but ``{design_id: quantity}``. Every price, total
and currency is computed here from ``Variant.price_minor`` each time, so
nothing the browser sends can change what is charged.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from django.conf import settings

from catalog.models import format_money
from orders.exceptions import DesignNotOrderable
from orders.rules import check_orderable
from styling.models import Design

SESSION_KEY = "retrocel_cart"
REVISION_KEY = "retrocel_cart_revision"
MAX_QUANTITY = 20


class Cart:
    """``{design_id: quantity}`` in the session; no prices, ever."""

    def __init__(self, session) -> None:  # type: ignore[no-untyped-def]
        self.session = session

    @property
    def items(self) -> dict[str, int]:
        raw = self.session.get(SESSION_KEY) or {}
        return {str(k): int(v) for k, v in raw.items() if 0 < int(v) <= MAX_QUANTITY}

    def _save(self, items: dict[str, int]) -> None:
        self.session[SESSION_KEY] = items
        # A new revision on every change: checkout derives its idempotency key from it, so an
        # unchanged cart submitted twice (or twenty times at once) maps to the same order.
        self.session[REVISION_KEY] = uuid.uuid4().hex
        self.session.modified = True

    @property
    def revision(self) -> str:
        """Changes whenever the cart does; stable while the cart is not touched."""
        return str(self.session.get(REVISION_KEY) or "")

    def add(self, design: Design, quantity: int = 1) -> int:
        items = self.items
        items[str(design.pk)] = min(items.get(str(design.pk), 0) + quantity, MAX_QUANTITY)
        self._save(items)
        return items[str(design.pk)]

    def set_quantity(self, design_id: str, quantity: int) -> None:
        items = self.items
        if str(design_id) in items:
            items[str(design_id)] = quantity
            self._save(items)

    def remove(self, design_id: str) -> bool:
        items = self.items
        found = items.pop(str(design_id), None) is not None
        self._save(items)
        return found

    def clear(self) -> None:
        self._save({})

    def __len__(self) -> int:
        return sum(self.items.values())


@dataclass(frozen=True)
class CartLine:
    design: Design
    quantity: int
    unit_price_minor: int
    problem: str = ""

    @property
    def total_minor(self) -> int:
        return self.unit_price_minor * self.quantity

    @property
    def total_display(self) -> str:
        return format_money(self.total_minor, self.design.variant.currency)


@dataclass(frozen=True)
class CartSummary:
    lines: list[CartLine]
    currency: str
    subtotal_minor: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.lines

    @property
    def subtotal_display(self) -> str:
        return format_money(self.subtotal_minor, self.currency)

    @property
    def quantity(self) -> int:
        return sum(line.quantity for line in self.lines)


def price(items: dict[str, int], designs) -> CartSummary:  # type: ignore[no-untyped-def]
    """Price ``items`` against ``designs`` (an owner-scoped queryset); unknown ids are dropped."""
    currency = settings.SHOP_CURRENCY
    by_id = {str(d.pk): d for d in designs.filter(pk__in=list(items))}
    lines: list[CartLine] = []
    problems: list[str] = []
    for design_id, quantity in items.items():
        design = by_id.get(design_id)
        if design is None:
            continue
        try:
            check_orderable(design, currency=currency)
            problem = ""
        except DesignNotOrderable as exc:
            problem = str(exc)
            problems.append(problem)
        lines.append(CartLine(design, quantity, design.variant.price_minor, problem))
    lines.sort(key=lambda line: line.design.created_at)
    subtotal = sum(line.total_minor for line in lines if not line.problem)
    return CartSummary(lines=lines, currency=currency, subtotal_minor=subtotal, problems=problems)

"""Read-side queries of the vendor portal: everything a vendor's user may see, and nothing else."""

from __future__ import annotations

from django.db.models import QuerySet

from orders.models import Order, OrderLine, OrderStatus
from printing.models import Vendor

VENDOR_ORDER_FILTERS = {
    "new": OrderStatus.PAID,
    "in_production": OrderStatus.IN_PRODUCTION,
    "shipped": OrderStatus.SHIPPED,
}


def vendors_for(user) -> QuerySet[Vendor]:  # type: ignore[no-untyped-def]
    """Active vendors ``user`` signs in for (``Vendor.users``); none for anonymous users."""
    if user is None or not user.is_authenticated:
        return Vendor.objects.none()
    return Vendor.objects.filter(users=user, is_active=True)


def lines_for_vendor(user) -> QuerySet[OrderLine]:  # type: ignore[no-untyped-def]
    """Lines routed to the user's vendors, once their order is ready for production.

    An order reaches its vendor only when every line has a print file that
    passed preflight (``Order.ready_for_production_at``).
    """
    return OrderLine.objects.filter(
        printfile__vendor__in=vendors_for(user), order__ready_for_production_at__isnull=False
    ).select_related("order", "printfile__vendor")


def orders_for_vendor(user, status: str | None = None) -> QuerySet[Order]:  # type: ignore[no-untyped-def]
    """Orders with at least one of the user's lines, newest first; ``status`` is a filter key."""
    orders = Order.objects.filter(pk__in=lines_for_vendor(user).values("order_id")).order_by(
        "-ready_for_production_at", "-pk"
    )
    if status in VENDOR_ORDER_FILTERS:
        orders = orders.filter(status=VENDOR_ORDER_FILTERS[status])
    return orders


def vendor_order(user, number: str) -> Order | None:  # type: ignore[no-untyped-def]
    """The order ``number`` if the user's vendors have lines in it, else None (-> 404)."""
    return orders_for_vendor(user).filter(number=number).first()


def vendor_line(user, number: str, line_id: int) -> OrderLine | None:  # type: ignore[no-untyped-def]
    """One of the user's lines in order ``number``, else None (-> 404)."""
    return lines_for_vendor(user).filter(order__number=number, pk=line_id).first()

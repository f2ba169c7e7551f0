"""Hand-off from payment to print: what happens once an order is paid.

``orders.state`` sends ``orders.signals.order_paid`` after the commit that
made the order ``paid`` (exactly once per order: the state machine allows that
move once); ``PrintingConfig.ready`` connects ``on_order_paid`` to it, so
orders never imports this app.
"""

from __future__ import annotations

from django.db import transaction

from orders.models import EventKind, OrderEvent


def on_order_paid(order_id: int, **_: object) -> None:
    """Record that print files were requested and enqueue their rendering after commit."""
    from printing.tasks import render_order_print_files

    with transaction.atomic():
        OrderEvent.objects.create(order_id=order_id, kind=EventKind.PRINT_REQUESTED)
        transaction.on_commit(lambda: render_order_print_files.delay(order_id))

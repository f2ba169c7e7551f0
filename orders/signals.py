"""Hooks other apps attach to at start-up; orders sends them and never imports their receivers.

``order_paid`` is how printing learns that an order was paid: ``printing``
depends on ``orders``, never the other way round, so the state machine sends
a signal (after the commit that made the move) instead of calling into the
print pipeline.
"""

from __future__ import annotations

from django.dispatch import Signal

# Sent once per order, after the commit that made it ``paid``; keyword argument ``order_id``.
order_paid = Signal()

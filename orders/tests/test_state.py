"""The order state machine: one table, one function, an audit row per move."""

from __future__ import annotations

import pytest

from orders import state
from orders.exceptions import InvalidTransition
from orders.models import LineStatus, OrderEvent, OrderStatus
from orders.tests.factories import OrderFactory, OrderLineFactory

pytestmark = pytest.mark.django_db
S = OrderStatus


def test_paid_transition_saves_audits_and_requests_print_and_email_after_commit(
    django_capture_on_commit_callbacks, published_tasks
) -> None:
    # Given a pending order
    order = OrderFactory()
    # When it becomes paid
    with django_capture_on_commit_callbacks(execute=True):
        state.transition(order, S.PAID, note="Stripe pi_1")
    # Then the status, time, audit row and the two side effects happen once
    order.refresh_from_db()
    assert order.status == S.PAID
    assert order.paid_at is not None
    assert list(order.events.values_list("kind", "from_status", "to_status", "note")) == [
        ("status", S.PENDING_PAYMENT, S.PAID, "Stripe pi_1"),
        ("print_requested", "", "", ""),
    ]
    assert sorted(published_tasks) == [
        ("orders.send_order_confirmation", [order.pk]),
        ("printing.render_order_print_files", [order.pk]),
    ]


def test_side_effects_wait_for_the_commit(django_capture_on_commit_callbacks) -> None:
    order = OrderFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        state.transition(order, S.PAID)
    assert len(callbacks) == 1
    assert not OrderEvent.objects.filter(kind="print_requested").exists()


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (S.PENDING_PAYMENT, S.SHIPPED),
        (S.PENDING_PAYMENT, S.REFUNDED),
        (S.PAID, S.PENDING_PAYMENT),
        (S.PAID, S.FAILED),
        (S.CANCELLED, S.PAID),
        (S.REFUNDED, S.PAID),
        (S.SHIPPED, S.IN_PRODUCTION),
    ],
)
def test_disallowed_moves_raise_and_change_nothing(start: str, target: str) -> None:
    order = OrderFactory(status=start)
    with pytest.raises(InvalidTransition, match=f"cannot become {target}"):
        state.transition(order, target)
    order.refresh_from_db()
    assert order.status == start
    assert not order.events.exists()


def test_failed_order_can_still_be_paid_by_a_retry() -> None:
    order = OrderFactory(status=S.FAILED)
    state.transition(order, S.PAID)
    assert order.status == S.PAID


def test_line_moves_derive_the_order_status() -> None:
    # Given a paid order with two lines
    order = OrderFactory(status=S.PAID)
    first, second = OrderLineFactory(order=order), OrderLineFactory(order=order)
    # When the first line goes into production, the order does too
    state.set_line_status(first, LineStatus.IN_PRODUCTION)
    order.refresh_from_db()
    assert order.status == S.IN_PRODUCTION
    # When one line ships, the order is still in production
    state.set_line_status(first, LineStatus.SHIPPED, carrier="DHL", tracking_number="JD01")
    order.refresh_from_db()
    assert order.status == S.IN_PRODUCTION
    # When the last line ships, the order has shipped
    state.set_line_status(second, LineStatus.IN_PRODUCTION)
    state.set_line_status(second, LineStatus.SHIPPED, carrier="UPS", tracking_number="1Z")
    order.refresh_from_db()
    first.refresh_from_db()
    assert order.status == S.SHIPPED
    assert (first.carrier, first.tracking_number) == ("DHL", "JD01")
    assert list(order.events.filter(kind="status").values_list("to_status", flat=True)) == [
        S.IN_PRODUCTION,
        S.SHIPPED,
    ]
    assert order.events.filter(kind="line_status").count() == 4


def test_line_of_an_unpaid_order_cannot_move() -> None:
    line = OrderLineFactory()
    with pytest.raises(InvalidTransition):
        state.set_line_status(line, LineStatus.IN_PRODUCTION)
    line.refresh_from_db()
    assert line.status == LineStatus.PENDING


def test_line_cannot_skip_production() -> None:
    line = OrderLineFactory(order=OrderFactory(status=S.PAID))
    with pytest.raises(InvalidTransition):
        state.set_line_status(line, LineStatus.SHIPPED)
    line.refresh_from_db()
    assert line.status == LineStatus.PENDING

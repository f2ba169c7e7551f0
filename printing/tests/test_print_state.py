"""The print-file state machine: one table, one function, an audit row per move, one readiness rule."""

from __future__ import annotations

import pytest

from orders.tests.factories import OrderLineFactory
from printing import state
from printing.models import PrintFile, PrintFileEvent, PrintStatus
from printing.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
P = PrintStatus


def test_a_move_in_the_table_saves_its_fields_and_audits_who_and_why() -> None:
    # Given a line whose print file has not started
    print_file = state.for_line(OrderLineFactory())
    admin = UserFactory(username="ops")
    # When it starts rendering and then fails
    state.transition(print_file, P.RENDERING, actor=admin, note="Re-render requested")
    state.transition(print_file, P.FAILED, note="Preflight failed: bleed", error="Preflight failed")
    # Then the row and the caller's object say failed, with the error
    assert print_file.status == P.FAILED
    fresh = PrintFile.objects.get(pk=print_file.pk)
    assert (fresh.status, fresh.error) == (P.FAILED, "Preflight failed")
    # And each move has its audit row, in order
    assert list(
        PrintFileEvent.objects.filter(print_file=fresh).values_list(
            "from_status", "to_status", "actor__username", "note"
        )
    ) == [
        (P.NOT_STARTED, P.RENDERING, "ops", "Re-render requested"),
        (P.RENDERING, P.FAILED, None, "Preflight failed: bleed"),
    ]


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (P.NOT_STARTED, P.READY),
        (P.NOT_STARTED, P.FAILED),
        (P.READY, P.FAILED),
        (P.READY, P.RENDERING),
        (P.RERENDERING, P.FAILED),
        (P.RERENDERING, P.RERENDERING),
        (P.FAILED, P.READY),
    ],
)
def test_a_move_outside_the_table_is_refused_and_changes_nothing(current: str, target: str) -> None:
    print_file = PrintFile.objects.create(line=OrderLineFactory(), status=current)
    with pytest.raises(state.InvalidPrintTransition, match="cannot become"):
        state.transition(print_file, target, error="should not be saved")
    fresh = PrintFile.objects.get(pk=print_file.pk)
    assert (fresh.status, fresh.error) == (current, "")
    assert not PrintFileEvent.objects.exists()


def test_transition_sets_only_the_fields_that_go_with_a_status() -> None:
    print_file = state.for_line(OrderLineFactory())
    with pytest.raises(TypeError, match="vendor"):
        state.transition(print_file, P.RENDERING, vendor=None)
    assert PrintFile.objects.get(pk=print_file.pk).status == P.NOT_STARTED


@pytest.mark.parametrize(
    ("status", "name", "passed", "ready"),
    [
        (P.READY, "print/A/a.pdf", True, True),
        (P.RERENDERING, "print/A/a.pdf", True, True),  # the previous good file stays in place
        (P.READY, "print/A/a.pdf", False, False),
        (P.READY, "", True, False),
        (P.FAILED, "print/A/a.pdf", True, False),
        (P.RENDERING, "print/A/a.pdf", True, False),
    ],
)
def test_file_is_ready_only_with_a_file_that_passed_preflight(
    status: str, name: str, passed: bool, ready: bool
) -> None:
    print_file = PrintFile(
        line=OrderLineFactory(), status=status, file=name, preflight={"passed": passed}
    )
    assert state.file_is_ready(print_file) is ready
    assert print_file.is_ready is ready
    assert state.file_is_ready(None) is False

"""The print-file state machine: one table of allowed moves and the one function that makes them.

Nothing else assigns ``PrintFile.status``. ``transition`` locks the print
file's row, checks the table, saves the status with the fields that go with
it, and writes a ``PrintFileEvent`` audit row; the pipeline sends its emails
once the move is made. ``file_is_ready`` is the one answer to "may this line's file
go to the vendor?".

A re-render of a ready file moves it to ``rerendering``: the previous good
file stays in place (and downloadable) until the new one passes preflight;
a re-render that fails goes back to ``ready`` with the old file and the reason.
"""

from __future__ import annotations

from django.db import transaction

from orders.exceptions import OrdersError
from orders.models import OrderLine
from printing.models import PrintFile, PrintFileEvent, PrintStatus

P = PrintStatus

TRANSITIONS: dict[str, frozenset[str]] = {
    P.NOT_STARTED: frozenset({P.RENDERING}),
    P.RENDERING: frozenset({P.READY, P.FAILED}),
    P.FAILED: frozenset({P.RENDERING}),
    P.READY: frozenset({P.RERENDERING}),
    # Back to ready either way: with the new file, or with the previous one and the reason.
    P.RERENDERING: frozenset({P.READY}),
}

# A render is running for files in these states (its steps do work only then).
IN_FLIGHT: frozenset[str] = frozenset({P.RENDERING, P.RERENDERING})
# A file that passed preflight is in place in these states.
HAS_GOOD_FILE: frozenset[str] = frozenset({P.READY, P.RERENDERING})

# Fields a transition may set together with the status (what the render produced, or why not).
FIELDS = frozenset({"file", "error", "preflight", "sha256", "rendered_at"})


class InvalidPrintTransition(OrdersError):
    def __init__(self, line_id: int, current: str, target: str) -> None:
        super().__init__(
            f"The print file of line {line_id} is {PrintStatus(current).label.lower()}; "
            f"it cannot become {PrintStatus(target).label.lower()}."
        )
        self.current = current
        self.target = target


def file_is_ready(print_file: PrintFile | None) -> bool:
    """Whether the line's print file may go to the vendor: a file that passed preflight."""
    return bool(
        print_file is not None
        and print_file.status in HAS_GOOD_FILE
        and print_file.file
        and (print_file.preflight or {}).get("passed")
    )


def for_line(line: OrderLine | int) -> PrintFile:
    """The line's print file, created (``not_started``) the first time it is asked for."""
    line_id = line if isinstance(line, int) else line.pk
    print_file, _ = PrintFile.objects.get_or_create(line_id=line_id)
    return print_file


def can_transition(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, frozenset())


def transition(
    print_file: PrintFile,
    to: str,
    *,
    actor=None,  # type: ignore[no-untyped-def]
    note: str = "",
    **fields: object,
) -> PrintFile:
    """Move ``print_file`` to ``to`` (setting ``fields`` with it) or raise; returns the fresh row.

    The caller's object is updated too, so it never shows a stale status.
    """
    unknown = set(fields) - FIELDS
    if unknown:
        raise TypeError(f"transition cannot set {sorted(unknown)}")
    with transaction.atomic():
        locked = PrintFile.objects.select_for_update().get(pk=print_file.pk)
        current = locked.status
        if not can_transition(current, to):
            raise InvalidPrintTransition(locked.pk, current, to)
        locked.status = to
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.save(update_fields=["status", *fields])
        PrintFileEvent.objects.create(
            print_file=locked, from_status=current, to_status=to, actor=actor, note=note[:2000]
        )
    print_file.status = locked.status
    for name in fields:
        setattr(print_file, name, getattr(locked, name))
    return locked

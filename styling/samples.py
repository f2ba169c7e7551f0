"""The state machine of a style's sample previews: the one place that changes ``samples_status``.

``none`` → ``queued`` (an edit or the seed queues them) → ``running`` (the samples task) →
``done`` / ``failed``, or back to ``queued`` when the style was edited while they ran.
Every move is a compare-and-set on the row, so a task that finishes after a newer run
has already written its result cannot overwrite it.
"""

from __future__ import annotations

from typing import Any

from styling.models import SamplesStatus, Style

S = SamplesStatus
TRANSITIONS: dict[str, set[str]] = {
    S.NONE: {S.QUEUED, S.RUNNING},
    S.QUEUED: {S.QUEUED, S.RUNNING, S.DONE, S.FAILED},
    S.RUNNING: {S.QUEUED, S.RUNNING, S.DONE, S.FAILED},
    S.DONE: {S.QUEUED, S.RUNNING},
    S.FAILED: {S.QUEUED, S.RUNNING},
}


def set_samples_status(style_id: int, to: str, **fields: Any) -> bool:
    """Move the style's samples to ``to`` (saving ``fields`` with it) when the table allows it.

    Returns False, writing nothing, when the row's current status may not move to ``to``
    (or the style is gone).
    """
    allowed_from = [status for status, targets in TRANSITIONS.items() if to in targets]
    rows = Style.objects.filter(pk=style_id, samples_status__in=allowed_from)
    return bool(rows.update(samples_status=to, **fields))

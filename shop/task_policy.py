"""One retry policy for every Celery task: transient vs permanent errors, backoff, time limits.

Tasks declare ``base=PolicyTask`` and, where they differ from the defaults, their own
``transient`` / ``permanent`` exception tuples, ``max_retries`` and ``backoff_base_s``
as decorator options. A transient error (storage or network I/O, a locked or unreachable
database, a media store down or slow, the process or a GPU out of memory) is retried after ``backoff_base_s * 2**retries`` seconds
while retries are left; anything else, or a transient error once retries run out, is the
task's to handle (it marks its row failed) or propagates. Per-task time limits come from
``settings.TASK_TIME_LIMITS`` (name → (soft, hard) seconds); a task not listed
there runs under the global ``CELERY_TASK_SOFT_TIME_LIMIT`` / ``CELERY_TASK_TIME_LIMIT``.

:func:`is_transient` is the rule itself, for code that sorts its own errors inside a task (the
styling workers, photo and clip, which re-queue their job rather than let the task retry blind).
"""

from __future__ import annotations

import logging
from typing import Any, ClassVar

from celery import Celery, Task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import OperationalError

from shop.media import store_unavailable

log = logging.getLogger(__name__)

#: Worth retrying by default: I/O hiccups, a locked or unreachable database, and memory that
#: ran out (another job's may be free by the retry, as with a GPU's, ``_cuda_out_of_memory``).
TRANSIENT: tuple[type[BaseException], ...] = (
    OSError,
    OperationalError,
    ConnectionError,
    TimeoutError,
    MemoryError,
)
#: Never worth retrying, even where a subclass of a transient error: a missing file stays
#: missing, and a task that ran out of time would run out of time again.
PERMANENT: tuple[type[BaseException], ...] = (FileNotFoundError, SoftTimeLimitExceeded)


def _cuda_out_of_memory(exc: BaseException) -> bool:
    try:
        import torch

        return isinstance(exc, torch.OutOfMemoryError)
    except (ImportError, AttributeError):
        return False


def is_transient(
    exc: BaseException,
    *,
    transient: tuple[type[BaseException], ...] = TRANSIENT,
    permanent: tuple[type[BaseException], ...] = PERMANENT,
) -> bool:
    """Whether a retry may fix ``exc``: the one rule, for tasks and for the workers they call.

    A media store that is down or slow counts first (boto's errors are no ``OSError``s, and the
    store's error may be the cause of another); then ``permanent`` wins over ``transient``,
    since a missing file is an ``OSError`` too.
    """
    if store_unavailable(exc):
        return True
    if isinstance(exc, permanent):
        return False
    return isinstance(exc, transient) or _cuda_out_of_memory(exc)


class PolicyTask(Task):
    """Base class of the project's tasks (see the module docstring)."""

    abstract = True
    transient: ClassVar[tuple[type[BaseException], ...]] = TRANSIENT
    permanent: ClassVar[tuple[type[BaseException], ...]] = PERMANENT
    max_retries = 4
    backoff_base_s: ClassVar[float] = 15

    @classmethod
    def on_bound(cls, app: Celery) -> None:
        """Take this task's time limits from settings, when it has its own."""
        from django.conf import settings

        limits = getattr(settings, "TASK_TIME_LIMITS", {}).get(cls.name)
        if limits is not None:
            cls.soft_time_limit, cls.time_limit = limits

    def is_transient(self, exc: BaseException) -> bool:
        """:func:`is_transient` with this task's own ``transient`` / ``permanent`` tuples."""
        return is_transient(exc, transient=self.transient, permanent=self.permanent)

    def backoff(self) -> float:
        """Seconds before the next try: ``backoff_base_s``, doubling with every retry."""
        return self.backoff_base_s * 2**self.request.retries

    def retry_if_transient(self, exc: BaseException) -> None:
        """Raise Celery's ``Retry`` when ``exc`` is transient and retries are left; else return."""
        if self.is_transient(exc) and self.request.retries < self.max_retries:
            countdown = self.backoff()
            log.warning(
                "%s%s: transient %r, retry in %ss", self.name, self.request.args, exc, countdown
            )
            raise self.retry(exc=exc, countdown=countdown)


class AutoRetryTask(PolicyTask):
    """A :class:`PolicyTask` whose transient errors are retried around the whole body."""

    abstract = True

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().__call__(*args, **kwargs)
        except Exception as exc:
            self.retry_if_transient(exc)
            raise

"""Typed errors of the styling journey; every ``message`` can be shown to a shopper as is."""

from __future__ import annotations


class StylingError(Exception):
    """Base class: ``message`` is written for the shopper."""

    code = "styling_error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class UploadRejected(StylingError):
    """The photo (or the crop) cannot be used; ``code`` is ml.imageio's or ``bad_crop``."""

    code = "upload_rejected"


class StyleNotAvailable(StylingError):
    """The style is switched off (or was never published) and cannot be run."""

    code = "style_not_available"


class StyleNotOrderable(StylingError):
    """The licence gate (``styling.rules.not_orderable_reason``) refused a design of this style."""

    code = "style_not_orderable"


class TooManyJobs(StylingError):
    """The shopper already has ``STYLING_MAX_ACTIVE_JOBS`` styles queued or running."""

    code = "too_many_jobs"


class JobNotReady(StylingError):
    """A design needs a finished styling job."""

    code = "job_not_ready"


class VariantNotAvailable(StylingError):
    """The product or the variant is not on sale."""

    code = "variant_not_available"


class PrintQualityTooLow(StylingError):
    """At this size the design would print below the product's minimum resolution."""

    code = "print_quality_too_low"

    def __init__(self, message: str, *, dpi: int, min_dpi: int) -> None:
        super().__init__(message)
        self.dpi = dpi
        self.min_dpi = min_dpi


class TransientStylingError(Exception):
    """A failure worth retrying (database busy, out of memory); the job is back in ``queued``."""


class JobSuperseded(Exception):
    """This worker no longer owns the job (the watchdog re-queued it); stop quietly."""

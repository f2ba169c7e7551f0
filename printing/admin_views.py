"""Printing in the Wagtail admin: the order inspector's "Print files" section and re-render.

The section comes into ``orders``' inspector through its hook
(``orders.admin_views.INSPECT_SECTIONS_HOOK``); each line shows its vendor,
print-file status, the reason of the last failure and its preflight checks.
Re-render (per order or per line) is a POST to ``rerender_view``, audited
with the admin as actor; ``pipeline.rerender`` refuses shipped lines and
says why.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from orders.admin_views import InspectorSection
from orders.models import LineStatus, Order, OrderLine
from printing import pipeline, state
from printing.models import PrintFile, PrintStatus

RERENDER_PERMISSION = "printing.change_printfile"
SECTION_ANCHOR = "print-files"


def inspect_url(order: Order) -> str:
    """Where admins see an order's print files and re-render them (the failure email links it)."""
    return f"{reverse('orders_order:inspect', args=[order.pk])}#{SECTION_ANCHOR}"


@dataclass(frozen=True)
class LineRow:
    line: OrderLine
    print_file: PrintFile | None
    status: str
    ready: bool
    can_rerender: bool


def _row(line: OrderLine, *, allowed: bool) -> LineRow:
    print_file = getattr(line, "printfile", None)
    status = print_file.get_status_display() if print_file else PrintStatus.NOT_STARTED.label
    busy = print_file is not None and print_file.status in state.IN_FLIGHT
    return LineRow(
        line=line,
        print_file=print_file,
        status=status,
        ready=state.file_is_ready(print_file),
        can_rerender=allowed and not busy and line.status != LineStatus.SHIPPED,
    )


def order_section(request, order: Order) -> InspectorSection:  # type: ignore[no-untyped-def]
    """The inspector's "Print files" block: per line status, preflight and re-render buttons."""
    allowed = order.status in pipeline.RENDERABLE_STATUSES and request.user.has_perm(
        RERENDER_PERMISSION
    )
    lines = order.lines.select_related("printfile__vendor").order_by("pk")
    rows = [_row(line, allowed=allowed) for line in lines]
    return InspectorSection(
        "printing/admin/order_print_files.html",
        {
            "rows": rows,
            "anchor": SECTION_ANCHOR,
            "rerender_url": reverse("printing_rerender", args=[order.pk]),
            "can_rerender_order": any(row.can_rerender for row in rows),
            "ready_for_production_at": order.ready_for_production_at,
        },
    )


@require_POST
def rerender_view(request, pk: int):  # type: ignore[no-untyped-def]
    """Re-render the order's print files (or one line's, ``line`` in the POST)."""
    if not request.user.has_perm(RERENDER_PERMISSION):
        raise PermissionDenied
    order = get_object_or_404(Order, pk=pk)
    line = request.POST.get("line", "")
    if line and not line.isdigit():
        messages.error(request, f"“{line}” is not a line of order {order.number}.")
        return redirect(inspect_url(order))
    try:
        plan = pipeline.rerender(order, actor=request.user, line_ids=[int(line)] if line else None)
    except (pipeline.PrintFileError, state.InvalidPrintTransition) as exc:
        messages.error(request, f"Not re-rendered: {exc}")
    else:
        what = f"line {line}" if line else f"{len(plan.queued)} line(s)"
        messages.success(
            request,
            f"Re-rendering the print file of {what}. A file that is ready stays in place "
            "until its replacement passes preflight.",
        )
    return redirect(inspect_url(order))

"""Vendor portal views: sign-in required, a vendor's users only, 404 for anyone else's orders.

Thin: each view checks access through ``printing.selectors``, calls one
service, and turns domain errors into messages.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from pathlib import PurePosixPath

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from orders.exceptions import OrdersError
from orders.models import EventKind, LineStatus
from printing import selectors
from printing.portal import services, zips
from printing.portal.forms import LineStatusForm
from printing.state import file_is_ready

FILTERS = [("", "All"), ("new", "New"), ("in_production", "In production"), ("shipped", "Shipped")]


def vendor_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Anonymous -> sign in; signed in but no vendor's user -> 403; else the view."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:  # type: ignore[no-untyped-def]
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not selectors.vendors_for(request.user).exists():
            return render(request, "printing/portal/forbidden.html", status=403)
        return view(request, *args, **kwargs)

    return wrapped


@require_GET
@vendor_required
def order_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status and status not in selectors.VENDOR_ORDER_FILTERS:
        messages.error(request, f"There is no status filter called “{status}”; showing all orders.")
        status = ""
    orders = selectors.orders_for_vendor(request.user, status or None)
    lines = selectors.lines_for_vendor(request.user).filter(order__in=orders)
    per_order: dict[int, list] = {}
    for line in lines:
        per_order.setdefault(line.order_id, []).append(line)
    rows = [(order, per_order.get(order.pk, [])) for order in orders]
    return render(
        request,
        "printing/portal/order_list.html",
        {
            "rows": rows,
            "filters": FILTERS,
            "status": status,
            "vendors": selectors.vendors_for(request.user),
        },
    )


@require_GET
@vendor_required
def order_detail(request: HttpRequest, number: str) -> HttpResponse:
    order = selectors.vendor_order(request.user, number)
    if order is None:
        raise Http404("No such order for your vendor account.")
    lines = list(selectors.lines_for_vendor(request.user).filter(order=order).order_by("pk"))
    return render(
        request,
        "printing/portal/order_detail.html",
        {
            "order": order,
            "lines": lines,
            "events": _history(order, lines, request.user),
            "LineStatus": LineStatus,
            "zip_ready": all(_downloadable(line) for line in lines),
        },
    )


def _history(order, lines, user):  # type: ignore[no-untyped-def]
    """Audit rows this vendor may see: its lines, the order's status, its own zip downloads."""
    vendor_users = selectors.vendors_for(user).values("users")
    return order.events.filter(
        Q(line__in=lines)
        | Q(line__isnull=True, kind__in=[EventKind.STATUS, EventKind.READY_FOR_PRODUCTION])
        | Q(line__isnull=True, kind=EventKind.DOWNLOAD_ZIP, actor__in=vendor_users)
    ).select_related("actor", "line")


def _downloadable(line) -> bool:  # type: ignore[no-untyped-def]
    return file_is_ready(getattr(line, "printfile", None))


@require_GET
@vendor_required
def line_pdf(request: HttpRequest, number: str, line_id: int) -> FileResponse:
    line = selectors.vendor_line(request.user, number, line_id)
    if line is None or not _downloadable(line):
        raise Http404("No such print file for your vendor account.")
    file = line.printfile.file
    filename = PurePosixPath(file.name).name
    services.record_download(user=request.user, order=line.order, line=line, filename=filename)
    return FileResponse(
        file.storage.open(file.name, "rb"),
        as_attachment=True,
        filename=filename,
        content_type="application/pdf",
    )


@require_GET
@vendor_required
def order_zip(request: HttpRequest, number: str) -> StreamingHttpResponse:
    order = selectors.vendor_order(request.user, number)
    if order is None:
        raise Http404("No such order for your vendor account.")
    lines = list(selectors.lines_for_vendor(request.user).filter(order=order).order_by("pk"))
    if not lines or not all(_downloadable(line) for line in lines):
        raise Http404("This order's print files are not all ready.")
    stream = zips.order_zip(order, lines)
    filename = zips.zip_name(order)
    services.record_download(user=request.user, order=order, line=None, filename=filename)
    response = StreamingHttpResponse(stream, content_type="application/zip")
    response["Content-Length"] = str(len(stream))
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_POST
@vendor_required
def line_status(request: HttpRequest, number: str, line_id: int) -> HttpResponse:
    line = selectors.vendor_line(request.user, number, line_id)
    if line is None:
        raise Http404("No such line for your vendor account.")
    form = LineStatusForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("vendor_portal:order", number=number)
    try:
        if form.cleaned_data["to"] == LineStatus.IN_PRODUCTION:
            services.mark_in_production(user=request.user, line=line)
            messages.success(request, f"Line {line.pk} is in production.")
        else:
            services.mark_shipped(
                user=request.user,
                line=line,
                carrier=form.cleaned_data["carrier"],
                tracking_number=form.cleaned_data["tracking_number"],
            )
            messages.success(request, f"Line {line.pk} is marked shipped; the shopper is emailed.")
    except OrdersError as exc:
        messages.error(request, str(exc))
    return redirect("vendor_portal:order", number=number)

"""Print-file pipeline: route lines to vendors, upscale, compose_print_canvas, write PDF, preflight.

Read top to bottom, this is the journey of a paid order's print files::

    render_order(order_id)                      default queue (called by a task)
      route every line to its product's vendor
      for each line not yet ready: chain(
          gpu_upscale_line(line_id)   -> upscale_line(line_id)     queue gpu
          write_line_pdf(line_id)     -> write_line_pdf(line_id)   queue default
      )
    write_line_pdf ends with mark_order_ready_if_complete(order_id):
      every line ready + preflight passed + routed -> Order.ready_for_production_at,
      an audit row, and one email per vendor with a link to the portal.

Every step re-reads its rows, writes to deterministic paths and can be run
again: the same line gives the same PDF bytes. Each line's ``PrintFile`` moves
only through ``printing.state.transition``; an admin re-render
(``rerender``) keeps the previous good file until the new one passes.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any

from celery import chain
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from PIL import Image

from catalog.models import Product
from orders.models import EventKind, LineStatus, Order, OrderEvent, OrderLine, OrderStatus
from orders.snapshots import SnapshotError, SpecSnapshot
from printing import state
from printing.compose import (
    Placement,
    PlacementError,
    compose_print_canvas,
    placement_from_json,
    upscale_target,
)
from printing.models import PrintFile, PrintStatus, ProductRoute, Vendor, print_file_path
from printing.pdf import TicketInfo, write_print_pdf
from printing.preflight import preflight_pdf
from styling import engine
from styling.placement import print_dpi, print_render
from styling.print_source import PrintSourceError, render_print_raster
from styling.uploads import source_size

log = logging.getLogger(__name__)

# Orders whose print files may be (re)rendered: paid and everything after it short of refunds.
RENDERABLE_STATUSES = {OrderStatus.PAID, OrderStatus.IN_PRODUCTION, OrderStatus.SHIPPED}
UPSCALED_NAME = "line-{line_id}-upscaled.png"
PDF_NAME = "{number}-line-{line_id}-{sku}.pdf"
MAX_ERROR = 300
# The most pixels an upscaled image may have (~3x an 18x24 in poster at 300 DPI): a bound on
# worker memory. Orderable designs stay far below it (styling gates them by effective DPI).
MAX_UPSCALED_PIXELS = 120_000_000


class PrintFileError(Exception):
    """A line whose print file cannot be made; retrying will not help (says why)."""


@dataclass(frozen=True)
class RenderPlan:
    """What ``render_order`` decided: lines sent to render and lines left as they were."""

    order_id: int
    queued: tuple[int, ...]
    already_ready: tuple[int, ...]
    unrouted: tuple[int, ...]


# --- Routing ------------------------------------------------------------------------------------


def route_line(line: OrderLine) -> Vendor | None:
    """The vendor the line's product is routed to (admin-editable ``ProductRoute``)."""
    product: Product = line.design.variant.product
    route = ProductRoute.objects.select_related("vendor").filter(product=product).first()
    return route.vendor if route and route.vendor.is_active else None


# --- Order level --------------------------------------------------------------------------------


def render_order(
    order_id: int,
    *,
    force: bool = False,
    line_ids: frozenset[int] | None = None,
    actor=None,  # type: ignore[no-untyped-def]
) -> RenderPlan:
    """Route every line of a paid order and start one print chain per line not yet ready.

    ``force`` re-renders lines that are already ready (an admin re-render,
    see ``rerender``), limited to ``line_ids`` when given. The chains are
    enqueued after commit.
    """
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        if order.status not in RENDERABLE_STATUSES:
            raise PrintFileError(
                f"Order {order.number} is {order.get_status_display().lower()}; "
                "only paid orders get print files."
            )
        queued, ready, unrouted = [], [], []
        lines = list(
            order.lines.select_for_update()
            .select_related("design__variant__product")
            .order_by("pk")
        )
        for line in lines:
            if line_ids is not None and line.pk not in line_ids:
                continue
            print_file = state.for_line(line)
            vendor = route_line(line)
            if vendor is None:
                unrouted.append(line.pk)
            elif print_file.vendor_id is None:
                PrintFile.objects.filter(pk=print_file.pk).update(vendor=vendor)
                OrderEvent.objects.create(
                    order=order, line=line, kind=EventKind.ROUTED, note=f"Routed to {vendor.name}"
                )
            if print_file.status == PrintStatus.READY and not force:
                ready.append(line.pk)
                continue
            if print_file.status not in state.IN_FLIGHT:  # a repeated task re-queues in-flight ones
                to = (
                    PrintStatus.RERENDERING
                    if print_file.status == PrintStatus.READY
                    else (PrintStatus.RENDERING)
                )
                note = "Re-render requested from the admin." if force else ""
                state.transition(print_file, to, actor=actor, note=note, error="")
            queued.append(line.pk)
        if unrouted:
            products = sorted({line.product_title for line in lines if line.pk in unrouted})
            message = "No active vendor is routed for: " + ", ".join(products)
            OrderEvent.objects.create(order=order, kind=EventKind.ROUTING_FAILED, note=message)
            transaction.on_commit(partial(_notify_admins_routing, order_id, message))
        for line_id in queued:
            transaction.on_commit(partial(enqueue_line_chain, line_id))
    return RenderPlan(order_id, tuple(queued), tuple(ready), tuple(unrouted))


def enqueue_line_chain(line_id: int) -> None:
    """Upscale on the gpu queue, then compose + PDF + preflight on default."""
    from printing.tasks import gpu_upscale_line, write_line_pdf_task
    from printing.watchdog import mark_enqueued

    mark_enqueued(line_id)
    chain(gpu_upscale_line.si(line_id), write_line_pdf_task.si(line_id)).apply_async()


def order_is_ready(order: Order) -> tuple[bool, list[str]]:
    """Whether every line has a print file that passed preflight and a vendor; else why not."""
    reasons = []
    lines = list(order.lines.select_related("printfile"))
    if not lines:
        reasons.append("the order has no lines")
    for line in lines:
        print_file = getattr(line, "printfile", None)
        if not state.file_is_ready(print_file):
            status = (
                print_file.get_status_display() if print_file else PrintStatus.NOT_STARTED.label
            )
            reasons.append(f"line {line.pk} print file is {status}")
        if print_file is None or print_file.vendor_id is None:
            reasons.append(f"line {line.pk} has no vendor")
    return not reasons, reasons


def mark_order_ready_if_complete(order_id: int) -> bool:
    """Set ``ready_for_production_at`` once every line is ready; notify each vendor once.

    Returns True when this call made the order ready.
    """
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        if order.ready_for_production_at is not None:
            return False
        ready, _ = order_is_ready(order)
        if not ready:
            return False
        order.ready_for_production_at = timezone.now()
        order.save(update_fields=["ready_for_production_at"])
        OrderEvent.objects.create(
            order=order, kind=EventKind.READY_FOR_PRODUCTION, note="Every line has a print file."
        )
        vendor_ids = sorted(set(order.lines.values_list("printfile__vendor_id", flat=True)))
        for vendor_id in vendor_ids:
            transaction.on_commit(partial(enqueue_vendor_notification, order_id, vendor_id))
    return True


def enqueue_vendor_notification(order_id: int, vendor_id: int) -> None:
    from printing.tasks import notify_vendor_task

    notify_vendor_task.delay(order_id, vendor_id)


def _notify_admins_routing(order_id: int, message: str) -> None:
    from printing.emails import notify_admins_print_failure

    order = Order.objects.get(pk=order_id)
    notify_admins_print_failure(order=order, line=None, error=message)


# --- Line level: upscale (gpu) --------------------------------------------------------------------


def _line(line_id: int) -> OrderLine:
    return OrderLine.objects.select_related(
        "order",
        "design__job__upload",
        "design__job__style",
        "design__variant__product",
        "printfile__vendor",
    ).get(pk=line_id)


def _spec(line: OrderLine) -> SpecSnapshot:
    try:
        return SpecSnapshot.from_json(line.print_spec)
    except SnapshotError as exc:
        raise PrintFileError(str(exc)) from exc


def _placement(line: OrderLine) -> Placement:
    try:
        return placement_from_json(line.design.placement)
    except PlacementError as exc:
        raise PrintFileError(str(exc)) from exc


def _line_spec(line: OrderLine, placement: Placement) -> SpecSnapshot:
    """The line's spec snapshot with the resolution this line renders at (``render_dpi``).

    That is the recommendation when the original photo has the pixels for it, else what
    its crop reaches after RDN (``styling.placement.print_dpi``): the figure the badge
    showed, so the PDF carries what the shopper was promised. Never below the spec's
    minimum: a line from before the tiers (or a hand-made one) still gets a file that
    passes preflight, enlarged past x4 by Lanczos as the pipeline always did.
    """
    spec = _spec(line)
    dpi = print_dpi(
        source_size(line.design.job.upload),
        spec,
        placement,
        target_dpi=spec.recommended_dpi or spec.min_dpi,
        max_sr_scale=settings.STYLING_MAX_SR_SCALE,
    )
    return replace(spec, render_dpi=max(dpi, spec.min_dpi))


def _original_bytes(line: OrderLine) -> bytes:
    original = line.design.job.upload.original
    if not original or not original.storage.exists(original.name):
        raise PrintFileError(
            f"The original photo of design {line.design_id} is no longer stored; "
            "it cannot be printed at full size."
        )
    with original.open("rb") as fh:
        return fh.read()


def style_identity(line: OrderLine) -> dict[str, object]:
    """What the print render's look depends on: the style version and the job's options."""
    job = line.design.job
    style = job.style
    return {
        "style": style.pk,
        "kind": style.kind,
        "builtin": style.builtin,
        "architecture": style.architecture,
        "weights": style.weights_sha256,
        "reference": style.reference_image.name if style.reference_image else "",
        "params": style.params,
        "strength": job.strength,
        "preserve_color": job.preserve_color,
        "crop": job.upload.crop,
        # Cel styles draw their print at print size (issue 19), others are enlarged: a
        # print rendered before that change is rendered again.
        "composition": "print-size-v1" if engine.composes_at_print_size(style) else "raster",
    }


def upscaler_weights() -> Path:
    """The RDN weights file the pipeline uses (``PRINT_UPSCALER_WEIGHTS`` or the shipped one)."""
    from ml.sr import SHIPPED_WEIGHTS

    return Path(settings.PRINT_UPSCALER_WEIGHTS or SHIPPED_WEIGHTS)


def upscale_key(
    source: bytes, style: dict[str, object], spec: SpecSnapshot, placement: Placement, target
) -> str:
    """Digest of everything the upscaled image depends on."""
    path = upscaler_weights()
    weights = path.read_bytes() if path.exists() else b""
    parts = {
        "source": hashlib.sha256(source).hexdigest(),
        "style": style,
        "sr_min_factor": settings.PRINT_SR_MIN_FACTOR,
        "weights": hashlib.sha256(weights).hexdigest(),
        "spec": repr(spec),
        "placement": repr(placement),
        "target": list(target),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def upscale_line(line_id: int) -> bool:
    """Render the line's picture for print at its exact placed size.

    The style re-runs on the original upload's crop at the pixels the placed size needs at
    the line's render DPI, capped by the crop's own pixels (``styling.print_source``). Cel
    styles then draw their regions and ink at the placed size directly (smooth borders, no
    enlarged staircase); other styles are enlarged: RDN covers only the remaining factor
    (at most x4, and only above ``PRINT_SR_MIN_FACTOR``) and Lanczos lands on the exact
    placed size. Returns False without work when the stored
    image already matches its inputs. Raises ``PrintFileError`` for a line that can never
    print.
    """
    from ml.sr import load_rdn
    from ml.weights import WeightsRejected

    line = _line(line_id)
    print_file = line.printfile
    if print_file.status not in state.IN_FLIGHT:
        log.info("Line %s is %s, not rendering: nothing to upscale", line_id, print_file.status)
        return False
    placement = _placement(line)
    spec = _line_spec(line, placement)
    job = line.design.job
    plan = print_render(
        source_size(job.upload),
        spec,
        placement,
        target_dpi=spec.recommended_dpi or spec.min_dpi,
        max_sr_scale=settings.STYLING_MAX_SR_SCALE,
        max_style_pixels=settings.PRINT_STYLE_MAX_PIXELS,
    )
    try:
        target = upscale_target(plan.style_px, spec, placement)
    except PlacementError as exc:
        raise PrintFileError(str(exc)) from exc
    if target[0] * target[1] > MAX_UPSCALED_PIXELS:
        raise PrintFileError(
            f"The placement needs the image upscaled to {target[0]}x{target[1]} px, more than "
            f"the {MAX_UPSCALED_PIXELS // 1_000_000} MP the print workers allow; zoom out."
        )
    key = upscale_key(_original_bytes(line), style_identity(line), spec, placement, target)
    upscaled = print_file.upscaled_image
    if print_file.upscale_key == key and upscaled and upscaled.storage.exists(upscaled.name):
        return False
    model: list[Any] = []  # RDN, loaded only when something is enlarged

    def upscale(image: Image.Image, size: tuple[int, int]) -> Any:
        if not model:
            model.append(load_rdn(upscaler_weights()))
        return enlarge(image, size, model=model[0])

    try:
        result = render_print_raster(
            job,
            spec,
            placement,
            size=target,
            target_dpi=spec.recommended_dpi or spec.min_dpi,
            max_sr_scale=settings.STYLING_MAX_SR_SCALE,
            enlarge=upscale,
        )
    except PrintSourceError as exc:
        raise PrintFileError(str(exc)) from exc
    except WeightsRejected as exc:
        raise PrintFileError(f"The upscaler cannot load its weights: {exc}") from exc
    buffer = io.BytesIO()
    result.image.save(buffer, "PNG", compress_level=1)
    name = _save_deterministic(line, UPSCALED_NAME.format(line_id=line.pk), buffer.getvalue())
    PrintFile.objects.filter(pk=line.pk).update(
        upscaled_image=name, upscale_key=key, upscale_factor=result.sr_factor
    )
    return True


def enlarge(image: Image.Image, target: tuple[int, int], *, model: Any) -> Any:
    """``image`` to exactly ``target``: RDN when the factor left exceeds ``PRINT_SR_MIN_FACTOR``,
    else Lanczos alone (returns ``ml.sr.UpscaleResult``)."""
    from ml.sr import UpscaleResult, upscale_to

    factor = max(target[0] / image.width, target[1] / image.height)
    if factor > settings.PRINT_SR_MIN_FACTOR:
        return upscale_to(image, *target, model=model, max_scale=settings.STYLING_MAX_SR_SCALE)
    resized = image if image.size == target else image.resize(target, Image.Resampling.LANCZOS)
    return UpscaleResult(image=resized, effective_scale=1.0, passes=0)


# --- Line level: compose + PDF + preflight (default) --------------------------------------------


def ticket_for(line: OrderLine) -> TicketInfo:
    order = line.order
    ids = list(order.lines.order_by("pk").values_list("pk", flat=True))
    ship_to = tuple(
        part
        for part in (
            order.ship_name,
            order.ship_line1,
            order.ship_line2,
            f"{order.ship_postal_code} {order.ship_city}",
            order.ship_country,
        )
        if part
    )
    return TicketInfo(
        order_number=order.number,
        line_id=line.pk,
        line_position=ids.index(line.pk) + 1,
        line_count=len(ids),
        sku=line.sku,
        product_title=line.product_title,
        variant_name=line.variant_name,
        style_name=line.style_name,
        quantity=line.quantity,
        ship_to=ship_to,
        vendor_name=line.printfile.vendor.name if line.printfile.vendor else "unrouted",
        issued_at=order.paid_at or order.created_at,
    )


def render_line_pdf(line: OrderLine) -> tuple[bytes, dict]:
    """Compose the upscaled image and write the PDF; returns (pdf bytes, preflight JSON)."""
    placement = _placement(line)
    spec = _line_spec(line, placement)
    print_file = line.printfile
    if not print_file.upscaled_image:
        raise PrintFileError(f"Line {line.pk} has no upscaled image yet.")
    with print_file.upscaled_image.open("rb") as fh:
        upscaled = Image.open(io.BytesIO(fh.read()))
        upscaled.load()
    try:
        canvas = compose_print_canvas(upscaled, spec, placement)
    except PlacementError as exc:
        raise PrintFileError(str(exc)) from exc
    del upscaled
    data = write_print_pdf(canvas, spec, ticket_for(line))
    del canvas
    result = preflight_pdf(data, spec).as_json()
    if print_file.upscale_factor:
        # What the RDN really added, next to the pixel ppi the preflight measured.
        result["upscale_factor"] = print_file.upscale_factor
    return data, result


def write_line_pdf(line_id: int) -> bool:
    """Write the line's PDF and preflight it; returns True when the line is now ready.

    A failed preflight leaves the line ``failed`` with the reasons (the file
    is kept for inspection but never reaches the vendor). In a re-render the
    new file replaces the previous one only once it passed; otherwise the
    previous file stays and the line says why the new one was not kept.
    """
    line = _line(line_id)
    print_file = line.printfile
    if print_file.status not in state.IN_FLIGHT:
        log.info("Line %s is %s, not rendering: no PDF to write", line_id, print_file.status)
        return False
    data, preflight = render_line_pdf(line)
    passed = bool(preflight["passed"])
    failures = [f"{c['name']}: {c['detail']}" for c in preflight["checks"] if not c["passed"]]
    error = "" if passed else ("Preflight failed: " + "; ".join(failures))[:MAX_ERROR]
    if not passed and print_file.status == PrintStatus.RERENDERING:
        _keep_previous_file(line, error)
        return False
    name = _save_deterministic(
        line, PDF_NAME.format(number=line.order.number, line_id=line.pk, sku=_safe(line.sku)), data
    )
    sha256 = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        state.transition(
            print_file,
            PrintStatus.READY if passed else PrintStatus.FAILED,
            note=f"{name} sha256 {sha256[:12]}" if passed else error,
            file=name,
            sha256=sha256,
            rendered_at=timezone.now(),
            preflight=preflight,
            error=error,
        )
        OrderEvent.objects.create(
            order_id=line.order_id,
            line=line,
            kind=EventKind.PRINT_FILE_READY if passed else "preflight_failed",
            note=f"{name} sha256 {sha256[:12]}" if passed else error,
        )
    if not passed:
        from printing.emails import notify_admins_print_failure

        notify_admins_print_failure(order=line.order, line=line, error=error)
        return False
    mark_order_ready_if_complete(line.order_id)
    return True


def _keep_previous_file(line: OrderLine, reason: str) -> None:
    """A re-render failed: back to ``ready`` with the previous file, saying why (audited, mailed)."""
    from printing.emails import notify_admins_print_failure

    error = f"Re-render failed; the previous file is kept. {reason}"[:MAX_ERROR]
    with transaction.atomic():
        state.transition(line.printfile, PrintStatus.READY, note=error, error=error)
        OrderEvent.objects.create(
            order_id=line.order_id, line=line, kind=EventKind.RERENDER_FAILED, note=error
        )
    notify_admins_print_failure(order=line.order, line=line, error=error)


def mark_line_failed(line_id: int, error: str) -> None:
    """Record a final failure on the line (after retries) and tell the admins.

    A failed re-render keeps the previous good file (``ready``, with the reason).
    """
    from printing.emails import notify_admins_print_failure

    line = OrderLine.objects.select_related("order", "printfile").get(pk=line_id)
    print_file = line.printfile
    if print_file.status == PrintStatus.RERENDERING:
        _keep_previous_file(line, error)
        return
    if print_file.status != PrintStatus.RENDERING:
        log.warning("Line %s is %s; not marking it failed (%s)", line_id, print_file.status, error)
        return
    with transaction.atomic():
        state.transition(print_file, PrintStatus.FAILED, note=error, error=error[:MAX_ERROR])
        OrderEvent.objects.create(
            order=line.order, line=line, kind=EventKind.PRINT_FAILED, note=print_file.error
        )
    notify_admins_print_failure(order=line.order, line=line, error=error)


# --- Admin re-render --------------------------------------------------------------------------------


def rerender(order: Order, *, actor, line_ids: list[int] | None = None) -> RenderPlan:  # type: ignore[no-untyped-def]
    """Re-render the print files of ``order`` (all lines, or ``line_ids``), from the admin.

    Refused (``PrintFileError``, saying why) for shipped lines and for lines
    whose file is already being rendered. Ready files stay in place until
    their replacement passes preflight. Audited on the order with the actor.
    """
    lines = list(order.lines.select_related("printfile").order_by("pk"))
    if line_ids is not None:
        wanted = set(line_ids)
        lines = [line for line in lines if line.pk in wanted]
        if len(lines) != len(wanted):
            raise PrintFileError(f"Order {order.number} has no line {sorted(wanted)[0]}.")
    shipped = [line.pk for line in lines if line.status == LineStatus.SHIPPED]
    if shipped:
        raise PrintFileError(
            f"Line {', '.join(map(str, shipped))} has shipped; its print file cannot be re-rendered."
        )
    busy = [
        line.pk
        for line in lines
        if getattr(line, "printfile", None) is not None and line.printfile.status in state.IN_FLIGHT
    ]
    if busy:
        raise PrintFileError(
            f"Line {', '.join(map(str, busy))} is being rendered already; wait for it to finish."
        )
    if not lines:
        raise PrintFileError(f"Order {order.number} has no lines to re-render.")
    with transaction.atomic():
        plan = render_order(
            order.pk, force=True, line_ids=frozenset(line.pk for line in lines), actor=actor
        )
        OrderEvent.objects.create(
            order=order,
            kind=EventKind.RERENDER_REQUESTED,
            actor=actor,
            note="Lines " + ", ".join(str(pk) for pk in plan.queued),
        )
    return plan


def _safe(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in text)[:40] or "item"


def _save_deterministic(line: OrderLine, filename: str, data: bytes) -> str:
    """Save under ``print/<order number>/<filename>``, replacing what was there.

    Through a temporary key (``shop.media.save_committed``): the name holds the previous
    file until the new one is completely stored, then the new one, never a partial one.
    """
    from django.core.files.base import ContentFile

    from shop.media import save_committed

    print_file = line.printfile
    name = print_file_path(print_file, filename)
    return save_committed(print_file.file.storage, name, ContentFile(data), replace=True)

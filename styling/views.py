"""Views of the shopper's styling journey: thin, owner-scoped, errors turned into messages.

Every row is looked up through ``styling.selectors`` (owner-scoped); someone else's upload,
job or design is a 404, exactly like one that does not exist. Private files are streamed
from here and nowhere else, through ``styling.file_responses`` (a file the store lost is a
404 too, never a 500).
"""

from __future__ import annotations

import io
import json
import uuid

from django.contrib import messages
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods
from PIL import Image

from ml.motion import is_clip
from styling import clips, hooks, rules, selectors, uploads
from styling.designs import create_design, print_quality, result_size
from styling.engine import upload_limits
from styling.exceptions import StylingError, UploadRejected
from styling.file_responses import PRIVATE_CACHE, field_response, open_field
from styling.forms import (
    ACCEPT_ATTR,
    PlacementForm,
    StyleChoiceForm,
    UploadForm,
    accepted_formats_text,
)
from styling.jobs import dispatch
from styling.jobs.state import STAGE_LABELS
from styling.models import ClipRender, JobStatus, StylingJob
from styling.placement import Placement, overlay_geometry
from styling.previews import render_preview

SESSION_VARIANT_KEY = "styling_variant"
#: Thumbnails in a clip's frame scrubber.
THUMBNAILS = 12


def _owner(request: HttpRequest) -> selectors.Owner | None:
    return selectors.for_owner(request)


# --- Upload --------------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    limits = upload_limits()
    bound = (request.POST, request.FILES) if request.method == "POST" else ()
    form = UploadForm(*bound, max_bytes=limits.max_bytes)
    variants = list(selectors.variants_on_sale())
    chosen = request.POST.get("variant") or request.GET.get("variant") or ""
    if request.method == "POST" and form.is_valid():
        photo = form.cleaned_data["photo"]
        try:
            data = photo.read(limits.max_bytes + 1)
            owner = selectors.owner_from_request(request, create=True)
            if is_clip(data):  # GIF/WebP/PNG with several frames, MP4/WebM/MOV
                created = clips.create_clip_upload(
                    owner=owner, data=data, filename=photo.name or "clip"
                )
            else:
                created = uploads.create_upload(
                    owner=owner,
                    data=data,
                    filename=photo.name or "photo",
                    crop=form.crop_box(),
                )
        except UploadRejected as exc:
            form.add_error("photo", exc.message)
        else:
            if chosen.isdigit() and any(v.pk == int(chosen) for v in variants):
                request.session[SESSION_VARIANT_KEY] = int(chosen)
            target = reverse("styling:choose_style", kwargs={"pk": created.pk})
            style = request.GET.get("style", "")  # "make your own in this style" (gallery)
            return redirect(f"{target}?style={style}" if style.isdigit() else target)
    return render(
        request,
        "styling/upload.html",
        {
            "form": form,
            "limits": limits,
            "max_mb": limits.max_bytes // 2**20,
            "max_megapixels": f"{limits.max_pixels / 1e6:g}",
            "formats": accepted_formats_text(),
            "clip_limits": clips.clip_limits(),
            "accept": ACCEPT_ATTR,
            "variants": variants,
            "chosen_variant": chosen,
        },
        status=400 if form.errors else 200,
    )


@require_GET
def upload_image(request: HttpRequest, pk: uuid.UUID) -> FileResponse:
    item = get_object_or_404(selectors.uploads_for(_owner(request)), pk=pk)
    return field_response(item.image, content_type="image/png")


@require_GET
def upload_original(request: HttpRequest, pk: uuid.UUID) -> FileResponse:
    item = get_object_or_404(selectors.uploads_for(_owner(request)), pk=pk)
    ext = item.original.name.rsplit(".", 1)[-1]
    return field_response(
        item.original,
        content_type=uploads.original_content_type(item.original.name),
        filename=f"original.{ext}",
    )


# --- Style ---------------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
def choose_style(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    item = get_object_or_404(selectors.uploads_for(_owner(request)), pk=pk)
    styles = selectors.enabled_styles()
    initial = {"strength": 1.0}
    if request.GET.get("style"):
        initial["style"] = request.GET["style"]
    bound = (request.POST,) if request.method == "POST" else ()
    form = StyleChoiceForm(*bound, styles=styles, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            job = dispatch.start_job(
                upload=item,
                style=form.cleaned_data["style"],
                strength=form.cleaned_data["strength"],
                preserve_color=form.cleaned_data["preserve_color"],
            )
        except StylingError as exc:
            form.add_error("style", exc.message)
        else:
            return redirect("styling:job", pk=job.pk)
    return render(
        request,
        "styling/choose_style.html",
        {"upload": item, "form": form, "styles": styles},
        status=400 if form.errors else 200,
    )


# --- Job: progress and result ----------------------------------------------------------------------
def _progress_context(job: StylingJob) -> dict[str, object]:
    return {
        "job": job,
        "stage_label": STAGE_LABELS.get(job.stage, job.stage or "Starting"),
        "active": job.status in (JobStatus.QUEUED, JobStatus.RUNNING),
    }


@require_GET
def job_detail(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    job = selectors.owned_job(request, pk)
    context = _progress_context(job)
    if job.status == JobStatus.DONE:
        context["orderable_error"] = _orderable_error(job)
        context.update(_clip_context(job))
        if "clip_render" in context:
            context["result_links"] = hooks.clip_result_links(request, job)
    return render(request, "styling/job.html", context)


def _clip_context(job: StylingJob) -> dict[str, object]:
    """A finished clip's result: its render and the scrubber's thumbnail frames."""
    render_row = ClipRender.objects.filter(job=job).first()
    if render_row is None:
        return {}
    n = render_row.frames
    step = max(1, n // THUMBNAILS)
    return {"clip_render": render_row, "thumb_frames": list(range(0, n, step))[:THUMBNAILS]}


def _orderable_error(job: StylingJob) -> str:
    return rules.not_orderable_reason(job.style) or ""


@require_GET
def job_progress(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """Polled by htmx every ~700 ms: the progress fragment; when done, redirect to the result."""
    job = selectors.owned_job(request, pk)
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse(
            {
                "status": job.status,
                "stage": job.stage,
                "progress": job.progress,
                "error": job.error_message,
            }
        )
    response = render(request, "styling/_job_progress.html", _progress_context(job))
    if job.status == JobStatus.DONE:
        response["HX-Redirect"] = reverse("styling:job", kwargs={"pk": job.pk})
    elif job.status == JobStatus.FAILED:
        response.status_code = 286  # htmx: stop polling
    return response


@require_GET
def job_result(request: HttpRequest, pk: uuid.UUID) -> FileResponse:
    job = selectors.owned_job(request, pk)
    if job.status != JobStatus.DONE:
        raise Http404("Not ready")
    return field_response(job.result, content_type="image/png")


@require_GET
def job_download(request: HttpRequest, pk: uuid.UUID, fmt: str) -> HttpResponse:
    job = selectors.owned_job(request, pk)
    if job.status != JobStatus.DONE or fmt not in ("png", "jpg"):
        raise Http404("Not ready")
    name = f"retrocel-{job.style.slug}-{job.pk.hex[:8]}"
    if fmt == "png":
        return field_response(job.result, content_type="image/png", filename=f"{name}.png")
    with open_field(job.result) as fh, Image.open(fh) as im:
        buf = io.BytesIO()
        im.convert("RGB").save(buf, "JPEG", quality=92, optimize=True)
    response = HttpResponse(buf.getvalue(), content_type="image/jpeg")
    response["Content-Disposition"] = f'attachment; filename="{name}.jpg"'
    response["Cache-Control"] = PRIVATE_CACHE
    return response


# --- Placement and designs ------------------------------------------------------------------------
def _variant_options(variants: list) -> list[dict[str, object]]:
    return [
        {
            "id": v.pk,
            "product": v.product.title,
            "name": v.name,
            "price": v.price_display,
            "min_dpi": v.print_spec.min_dpi,
            "recommended_dpi": v.print_spec.recommended_dpi,
            "trim_mm": [float(v.print_spec.trim_width_mm), float(v.print_spec.trim_height_mm)],
            "geometry": overlay_geometry(v.print_spec),
        }
        for v in variants
    ]


@require_http_methods(["GET", "POST"])
def place(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    job = selectors.owned_job(request, pk)
    if job.status != JobStatus.DONE:
        return redirect("styling:job", pk=job.pk)
    if ClipRender.objects.filter(job=job).exists():  # a clip is printed one picked frame at a time
        messages.info(request, "Pick the frame to print first.")
        return redirect("styling:job", pk=job.pk)
    variants_qs = selectors.variants_on_sale()
    variants = list(variants_qs)
    default_variant = request.GET.get("variant") or request.session.get(SESSION_VARIANT_KEY)
    initial = {"scale": 1.0, "offset_x": 0.0, "offset_y": 0.0}
    if default_variant:
        initial["variant"] = default_variant
    bound = (request.POST,) if request.method == "POST" else ()
    form = PlacementForm(*bound, variants=variants_qs, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            design = create_design(
                job=job,
                variant=form.cleaned_data["variant"],
                placement=form.cleaned_data["placement"],
            )
        except StylingError as exc:
            form.add_error(None, exc.message)
        else:
            next_url = hooks.design_added(request, design)
            if next_url is None:
                messages.success(request, "Saved to your designs.")
            return redirect(next_url or reverse("styling:designs"))
    width, height = result_size(job)
    return render(
        request,
        "styling/place.html",
        {
            "job": job,
            "form": form,
            "variants": variants,
            "variant_data": _variant_options(variants),
            "image_size": [width, height],
            "orderable_error": _orderable_error(job),
        },
        status=400 if form.errors else 200,
    )


def _placement_query(request: HttpRequest) -> PlacementForm:
    return PlacementForm(request.GET, variants=selectors.variants_on_sale())


@require_GET
def place_preview(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """The live mockup for a placement (``?variant=&scale=&offset_x=&offset_y=``)."""
    job = selectors.owned_job(request, pk)
    form = _placement_query(request)
    if job.status != JobStatus.DONE or not form.is_valid():
        return HttpResponseBadRequest(json.dumps(form.errors), content_type="application/json")
    with open_field(job.result) as fh, Image.open(fh) as im:
        preview = render_preview(
            im.convert("RGB"),
            form.cleaned_data["variant"].print_spec,
            form.cleaned_data["placement"],
        )
    buf = io.BytesIO()
    preview.image.save(buf, "PNG")
    response = HttpResponse(buf.getvalue(), content_type="image/png")
    response["Cache-Control"] = PRIVATE_CACHE
    response["X-Mockup"] = "catalog" if preview.is_mockup else "flat"
    return response


@require_GET
def place_quality(request: HttpRequest, pk: uuid.UUID) -> JsonResponse:
    """The print-quality badge for a placement, as JSON."""
    job = selectors.owned_job(request, pk)
    form = _placement_query(request)
    if job.status != JobStatus.DONE or not form.is_valid():
        return JsonResponse({"errors": form.errors}, status=400)
    quality = print_quality(job, form.cleaned_data["variant"], form.cleaned_data["placement"])
    return JsonResponse(
        {
            "dpi": quality.dpi,
            "min_dpi": quality.min_dpi,
            "recommended_dpi": quality.recommended_dpi,
            "tier": str(quality.tier),
            "tier_label": quality.tier_label,
            "ok": quality.ok,
            "max_scale": round(quality.max_scale, 4),
            "message": quality.message,
            "fits": [f"{o.product} {o.name}" for o in quality.fits],
        }
    )


@require_GET
def designs(request: HttpRequest) -> HttpResponse:
    return render(
        request, "styling/designs.html", {"designs": selectors.designs_for(_owner(request))}
    )


@require_GET
def design_detail(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    design = get_object_or_404(selectors.designs_for(_owner(request)), pk=pk)
    return render(
        request,
        "styling/design.html",
        {"design": design, "placement": Placement.from_mapping(design.placement)},
    )


@require_GET
def design_mockup(request: HttpRequest, pk: uuid.UUID) -> FileResponse:
    design = get_object_or_404(selectors.designs_for(_owner(request)), pk=pk)
    return field_response(design.mockup, content_type="image/png")

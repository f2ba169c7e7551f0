"""Views of a clip's result: its animations, downloads, frames and the frame picker.

Owner-scoped like every styling view (someone else's job is a 404); files are
streamed from private storage here and nowhere else, through ``styling.file_responses``
(a file the store lost is a 404 too).
"""

from __future__ import annotations

import io
import uuid

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_GET, require_POST
from PIL import Image

from styling import clips, selectors
from styling.clip_files import frame_name
from styling.exceptions import StylingError
from styling.file_responses import PRIVATE_CACHE, field_response, open_stored, stored_file_response
from styling.models import ClipRender, JobStatus, StylingJob

CONTENT_TYPES = {"gif": "image/gif", "webp": "image/webp", "mp4": "video/mp4"}
THUMB_SIDE = 160


def _render(job: StylingJob) -> ClipRender:
    render = ClipRender.objects.filter(job=job).first()
    if job.status != JobStatus.DONE or render is None:
        raise Http404("Not ready")
    return render


@require_GET
def clip_before(request: HttpRequest, pk: uuid.UUID) -> FileResponse:
    """The uploaded clip at the working size (MP4, no sound), for the before/after."""
    item = get_object_or_404(selectors.uploads_for(selectors.for_owner(request)), pk=pk)
    if not hasattr(item, "clip"):
        raise Http404("Not a clip")
    return field_response(item.clip.before, content_type="video/mp4")


@require_GET
def clip_file(request: HttpRequest, pk: uuid.UUID, fmt: str) -> FileResponse:
    """The styled clip as GIF, WebP or MP4; ``?download`` makes it an attachment."""
    job = selectors.owned_job(request, pk)
    render = _render(job)
    if fmt not in CONTENT_TYPES:
        raise Http404("No such format")
    filename = None
    if "download" in request.GET:
        filename = f"retrocel-{job.style.slug}-{job.pk.hex[:8]}.{fmt}"
    return field_response(getattr(render, fmt), content_type=CONTENT_TYPES[fmt], filename=filename)


@require_GET
def clip_frame(request: HttpRequest, pk: uuid.UUID, index: int) -> HttpResponse:
    """Styled frame ``index`` (PNG), or with ``?thumb`` a small JPEG for the scrubber."""
    job = selectors.owned_job(request, pk)
    render = _render(job)
    if not 0 <= index < render.frames:
        raise Http404("No such frame")
    storage = render.gif.storage
    name = frame_name(job, index)
    if "thumb" not in request.GET:
        return stored_file_response(storage, name, content_type="image/png")
    with open_stored(storage, name) as fh, Image.open(fh) as im:
        im = im.convert("RGB")
        im.thumbnail((THUMB_SIDE, THUMB_SIDE), Image.Resampling.LANCZOS)
        buf = io.BytesIO()
        im.save(buf, "JPEG", quality=80)
    response = HttpResponse(buf.getvalue(), content_type="image/jpeg")
    response["Cache-Control"] = PRIVATE_CACHE
    return response


@require_POST
def pick_frame(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """The chosen frame becomes a photo styled the same way; its job page carries on."""
    job = selectors.owned_job(request, pk)
    raw = request.POST.get("frame", "")
    if not raw.isdigit():
        messages.error(request, "Please pick a frame first.")
        return redirect("styling:job", pk=job.pk)
    owner = selectors.owner_from_request(request, create=True)
    try:
        frame_job = clips.pick_frame(owner=owner, job=job, index=int(raw))
    except StylingError as exc:
        messages.error(request, exc.message)
        return redirect("styling:job", pk=job.pk)
    return redirect("styling:job", pk=frame_job.pk)

"""Gallery views: thin; visibility from ``showcase.selectors``, writes through ``services``.

Images (and a clip entry's styled MP4) are streamed from private storage here only after the
entry was found visible, so a private, unpublished or hidden entry's picture, mockup, video and
wallpapers are 404 like its page. The original photo or clip has no URL here at all.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from PIL import Image

from shop import pagecache
from showcase import selectors, services, wallpapers
from showcase.exceptions import GalleryError
from showcase.forms import PublishForm, ReportForm
from showcase.models import Entry, GalleryPage
from styling.file_responses import field_response, open_field
from styling.hooks import ResultLink
from styling.models import Style, StylingJob

PER_PAGE = 24
# Short, so an unpublished or hidden entry's images leave shared caches soon.
PUBLIC_CACHE = "public, max-age=300"
PRIVATE_CACHE = "private, no-store"


def listing_context(request: HttpRequest) -> dict[str, Any]:
    """The gallery grid for ``request``'s sort, style and page (a fixed number of queries)."""
    sort = request.GET.get("sort", "new")
    sort = sort if sort in selectors.SORTS else "new"
    style = request.GET.get("style", "")
    paginator = Paginator(selectors.public_entries(sort=sort, style_slug=style), PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    entries = list(page.object_list)
    liked = selectors.liked_ids(request.user, [e.pk for e in entries])
    return {
        "entries": [{"entry": e, "liked": e.pk in liked} for e in entries],
        "page_obj": page,
        "sort": sort,
        "style": style,
        "styles": list(Style.objects.filter(gallery_entries__isnull=False).distinct()),
    }


@require_GET
@pagecache.cache_for_anonymous(query=("sort", "style", "page"), scopes=(pagecache.LIKES,))
def gallery(request: HttpRequest) -> HttpResponse:
    """``/gallery/``: the editors' ``GalleryPage`` when there is a live one, else a plain title."""
    page = GalleryPage.objects.live().first()
    context = {"page": page, "gallery_title": page.title if page else "Gallery"}
    context.update(listing_context(request))
    return render(request, "showcase/gallery.html", context)


def _visible(request: HttpRequest, pk: uuid.UUID) -> Entry:
    entry = selectors.visible_entry(pk, request.user)
    if entry is None:
        raise Http404("No such gallery entry.")
    return entry


@require_GET
def entry_detail(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """The share page: Open Graph and Twitter card tags, copy-link and native share buttons."""
    entry = _visible(request, pk)
    is_owner = request.user.is_authenticated and entry.owner_id == request.user.pk
    return render(
        request,
        "showcase/entry.html",
        {
            "entry": entry,
            "is_owner": is_owner,
            "liked": bool(selectors.liked_ids(request.user, [entry.pk])),
            "share_url": request.build_absolute_uri(reverse("showcase:entry", args=[entry.pk])),
            "image_url": request.build_absolute_uri(reverse("showcase:image", args=[entry.pk])),
            "video_url": (
                request.build_absolute_uri(reverse("showcase:video", args=[entry.pk]))
                if entry.is_clip
                else ""
            ),
            # Wallpapers are cut from a still picture: a clip's page offers none.
            "presets": [] if entry.is_clip else wallpapers.PRESETS.values(),
            "report_form": ReportForm(),
        },
    )


def _stream(entry: Entry, field: Any, content_type: str) -> FileResponse:
    """``field`` of a visible entry; a file the store lost is a 404 (``styling.file_responses``)."""
    cache_control = PUBLIC_CACHE if entry.is_public else PRIVATE_CACHE
    return field_response(field, content_type=content_type, cache_control=cache_control)


@require_GET
def entry_image(request: HttpRequest, pk: uuid.UUID) -> FileResponse:
    """The styled picture; for a clip, its first styled frame (the video's poster)."""
    entry = _visible(request, pk)
    return _stream(entry, entry.job.result, "image/png")


@require_GET
def entry_mockup(request: HttpRequest, pk: uuid.UUID) -> FileResponse:
    entry = _visible(request, pk)
    if entry.is_clip:
        raise Http404("A clip has no product mockup.")
    return _stream(entry, entry.design.mockup, "image/png")


@require_GET
def entry_video(request: HttpRequest, pk: uuid.UUID) -> FileResponse:
    """A clip entry's styled MP4 (H.264): what its card and share page play, muted, looping."""
    entry = _visible(request, pk)
    if not entry.is_clip:
        raise Http404("Not a clip.")
    return _stream(entry, entry.clip.mp4, "video/mp4")


@require_GET
def entry_wallpaper(request: HttpRequest, pk: uuid.UUID, preset: str) -> HttpResponse:
    entry = _visible(request, pk)
    if entry.is_clip:
        raise Http404("A clip has no wallpapers.")
    chosen = wallpapers.PRESETS.get(preset)
    if chosen is None or not entry.job.result:
        raise Http404("No such wallpaper size.")
    with open_field(entry.job.result) as fh, Image.open(fh) as image:
        data = wallpapers.render(image, chosen)
    response = HttpResponse(data, content_type="image/jpeg")
    response["Content-Disposition"] = f'attachment; filename="retrocel-{chosen.slug}.jpg"'
    response["Cache-Control"] = PUBLIC_CACHE if entry.is_public else PRIVATE_CACHE
    return response


@login_required
@require_http_methods(["GET", "POST"])
def publish(request: HttpRequest, design_id: uuid.UUID) -> HttpResponse:
    try:
        design = services.own_design(user=request.user, design_id=design_id)
    except GalleryError:
        raise Http404("No such design.")
    return _publish_page(
        request,
        existing=Entry.objects.filter(design=design).first(),
        write=lambda title, caption: services.publish(
            user=request.user, design=design, title=title, caption=caption
        ),
        context={"design": design},
    )


@login_required
@require_http_methods(["GET", "POST"])
def publish_clip(request: HttpRequest, job_id: uuid.UUID) -> HttpResponse:
    """Publish a styled clip: the same form as a design, with the clip playing as the preview."""
    try:
        job = services.own_clip_job(user=request.user, job_id=job_id)
    except GalleryError:
        raise Http404("No such clip.")
    return _publish_page(
        request,
        existing=Entry.objects.filter(clip__job=job).first(),
        write=lambda title, caption: services.publish_clip(
            user=request.user, job=job, title=title, caption=caption
        ),
        context={"clip_job": job},
    )


def _publish_page(
    request: HttpRequest,
    *,
    existing: Entry | None,
    write: Callable[[str, str], Entry],
    context: dict[str, Any],
) -> HttpResponse:
    initial = {"title": existing.title, "caption": existing.caption} if existing else {}
    form = PublishForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            entry = write(form.cleaned_data["title"], form.cleaned_data["caption"])
        except GalleryError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Published: anyone with the link can see it now.")
            return redirect("showcase:entry", pk=entry.pk)
    return render(
        request,
        "showcase/publish.html",
        {
            **context,
            "form": form,
            "existing": existing,
            "verified": services.has_verified_email(request.user),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def unpublish(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    entry = _visible(request, pk)
    try:
        services.unpublish(user=request.user, entry=entry)
    except GalleryError:
        raise Http404("No such gallery entry.")
    messages.success(request, f"“{entry.title}” is private again.")
    return redirect("accounts:home")


@require_POST
def like(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    entry = _visible(request, pk)
    if not request.user.is_authenticated:
        return redirect(f"{reverse('account_login')}?next={entry_path(entry)}")
    try:
        if request.POST.get("action") == "unlike":
            services.unlike(user=request.user, entry=entry)
        else:
            services.like(user=request.user, entry=entry)
    except GalleryError as exc:
        messages.error(request, exc.message)
    return redirect(entry_path(entry))


@require_POST
def report(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    entry = _visible(request, pk)
    form = ReportForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Please pick a reason for your report.")
        return redirect(entry_path(entry))
    services.report(
        entry=entry,
        reporter=request.user,
        reason=form.cleaned_data["reason"],
        details=form.cleaned_data["details"],
    )
    messages.success(request, "Thank you: our moderators will look at it.")
    return redirect(entry_path(entry))


def entry_path(entry: Entry) -> str:
    return reverse("showcase:entry", args=[entry.pk])


def clip_result_links(request: HttpRequest, job: StylingJob) -> list[ResultLink]:
    """The finished clip page's gallery button (``styling.hooks``): publish it, or open its
    entry when it is public already. Anonymous shoppers are asked to sign in by the view."""
    entry = Entry.objects.filter(clip__job=job).first()
    if entry is not None and entry.is_public and request.user.is_authenticated:
        return [ResultLink("gallery-entry", "In the gallery", entry_path(entry))]
    url = reverse("showcase:publish_clip", args=[job.pk])
    return [ResultLink("publish-clip", "Publish to the gallery", url)]

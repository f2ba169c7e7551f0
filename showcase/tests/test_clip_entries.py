"""Styled clips in the gallery: the owner publishes a finished clip, everyone sees it play
(its styled MP4, the first frame as poster), nobody else can publish it or fetch it while it
is not public, and likes, unpublishing and the data export work as for designs."""

from __future__ import annotations

import io

import pytest
from django.core import mail
from django.test import Client

from ml.motion import decode_clip
from showcase import services
from showcase.exceptions import NotAllowed, NotPublishable
from showcase.models import Entry, Like
from showcase.tests.clip_entries import FRAMES, SIZE, finished_clip_job
from showcase.tests.conftest import client_for
from showcase.tests.factories import EntryFactory, ShopperFactory
from styling.models import JobStatus

pytestmark = pytest.mark.django_db

VISITORS = ["owner", "other", "anonymous", "admin"]


def body(response) -> bytes:  # type: ignore[no-untyped-def]
    return b"".join(response.streaming_content)


def publish(client: Client, job, title: str = "Sunrise run"):  # type: ignore[no-untyped-def]
    return client.post(f"/gallery/publish/clip/{job.pk}/", {"title": title, "caption": ""})


def test_the_owner_publishes_a_clip_and_everyone_sees_it_play(visitors, owner) -> None:  # type: ignore[no-untyped-def]
    job = finished_clip_job(owner)
    form = visitors["owner"].get(f"/gallery/publish/clip/{job.pk}/").content.decode()
    assert f'src="/create/jobs/{job.pk}/clip.mp4"' in form  # the owner's private preview
    response = publish(visitors["owner"], job)
    entry = Entry.objects.get()
    assert response.status_code == 302 and response.url == f"/gallery/{entry.pk}/"
    assert (entry.clip.job, entry.design, entry.style, entry.owner) == (job, None, job.style, owner)

    grid = visitors["anonymous"].get("/gallery/").content.decode()
    assert (
        f'<video class="gallery-video" src="/gallery/{entry.pk}/clip.mp4" '
        f'poster="/gallery/{entry.pk}/image.png"'
    ) in grid
    assert "autoplay muted loop playsinline" in grid and "Moving picture" in grid
    page = visitors["anonymous"].get(f"/gallery/{entry.pk}/").content.decode()
    assert 'id="entry-video"' in page and f"{FRAMES} frames, 1.0 s" in page
    assert (
        f'<meta property="og:video" content="http://testserver/gallery/{entry.pk}/clip.mp4">'
        in page
    )
    assert f"/create/jobs/{job.pk}" not in page and "/original" not in page  # nothing private

    video = visitors["anonymous"].get(f"/gallery/{entry.pk}/clip.mp4")
    assert (video["Content-Type"], video["Cache-Control"]) == ("video/mp4", "public, max-age=300")
    played = decode_clip(body(video))
    assert (len(played.frames), played.size, played.has_audio) == (FRAMES, SIZE, False)
    poster = visitors["anonymous"].get(f"/gallery/{entry.pk}/image.png")
    assert poster["Content-Type"] == "image/png"
    assert visitors["anonymous"].get(f"/gallery/{entry.pk}/mockup.png").status_code == 404


@pytest.mark.parametrize(
    ("who", "status"), [("owner", 200), ("other", 404), ("anonymous", 302), ("admin", 404)]
)
def test_only_the_clips_owner_can_publish_it(visitors, owner, who: str, status: int) -> None:  # type: ignore[no-untyped-def]
    job = finished_clip_job(owner)
    assert visitors[who].get(f"/gallery/publish/clip/{job.pk}/").status_code == status
    posted = publish(visitors[who], job, title="Mine now")
    assert Entry.objects.exists() is (who == "owner")
    if who == "anonymous":
        assert posted.url.startswith(f"/accounts/login/?next=/gallery/publish/clip/{job.pk}/")
    with pytest.raises(NotAllowed, match="That clip is not yours"):
        services.publish_clip(user=ShopperFactory(), job=job, title="Stolen")


@pytest.mark.parametrize("who", VISITORS)
def test_an_unpublished_clip_is_404_to_everyone_but_its_owner_and_admins(
    visitors, owner, who: str
) -> None:  # type: ignore[no-untyped-def]
    job = finished_clip_job(owner)
    # Before publishing there is no gallery URL; the styling URL is the owner's alone.
    styled = visitors[who].get(f"/create/jobs/{job.pk}/clip.mp4")
    assert styled.status_code == (200 if who == "owner" else 404)
    publish(visitors["owner"], job)
    entry = Entry.objects.get()
    assert visitors["owner"].post(f"/gallery/{entry.pk}/unpublish/").status_code == 302
    video = visitors[who].get(f"/gallery/{entry.pk}/clip.mp4")
    allowed = who in ("owner", "admin")
    assert video.status_code == (200 if allowed else 404)
    if allowed:
        assert video["Cache-Control"] == "private, no-store"
    assert visitors[who].get(f"/gallery/{entry.pk}/").status_code == (200 if allowed else 404)
    assert entry.title not in visitors[who].get("/gallery/").content.decode()


def test_a_clip_that_is_not_styled_yet_cannot_be_published(owner) -> None:  # type: ignore[no-untyped-def]
    job = finished_clip_job(owner, status=JobStatus.RUNNING, result=None)
    response = publish(client_for(owner), job)
    assert response.status_code == 400
    assert "This clip has no finished styled video to show yet." in response.content.decode()
    assert not Entry.objects.exists()
    with pytest.raises(NotPublishable):
        services.publish_clip(user=owner, job=job, title="Too soon")


def test_an_unverified_owner_is_asked_to_verify_first(owner) -> None:  # type: ignore[no-untyped-def]
    shopper = ShopperFactory(verified=False)
    job = finished_clip_job(shopper)
    response = publish(client_for(shopper), job)
    assert "Please verify your e-mail address before publishing." in response.content.decode()
    assert not Entry.objects.exists()


def test_likes_and_the_clip_page_buttons(visitors, owner) -> None:  # type: ignore[no-untyped-def]
    job = finished_clip_job(owner)
    result = visitors["owner"].get(f"/create/jobs/{job.pk}/").content.decode()
    assert f'id="publish-clip" href="/gallery/publish/clip/{job.pk}/"' in result
    publish(visitors["owner"], job)
    entry = Entry.objects.get()
    for _ in range(2):
        visitors["other"].post(f"/gallery/{entry.pk}/like/")
    entry.refresh_from_db()
    assert entry.like_count == Like.objects.filter(entry=entry).count() == 1
    result = visitors["owner"].get(f"/create/jobs/{job.pk}/").content.decode()
    assert f'id="gallery-entry" href="/gallery/{entry.pk}/"' in result
    owner_page = visitors["owner"].get(f"/gallery/{entry.pk}/").content.decode()
    assert f'href="/create/jobs/{job.pk}/#frame-picker">Pick a frame for a product' in owner_page


def test_the_account_page_and_export_know_clip_entries(visitors, owner) -> None:  # type: ignore[no-untyped-def]
    import json
    import zipfile

    job = finished_clip_job(owner)
    publish(visitors["owner"], job)
    entry = Entry.objects.get()
    visitors["owner"].post(f"/gallery/{entry.pk}/unpublish/")
    home = visitors["owner"].get("/accounts/").content.decode()
    assert f'href="/gallery/publish/clip/{job.pk}/">Publish again' in home
    data = visitors["owner"].get("/accounts/my-data.zip")
    with zipfile.ZipFile(io.BytesIO(body(data))) as archive:
        gallery = json.loads(archive.read("gallery.json"))
    assert [(g["design"], g["clip"]) for g in gallery] == [(None, str(job.pk))]


def test_deleting_the_clip_job_removes_its_entry(owner) -> None:  # type: ignore[no-untyped-def]
    job = finished_clip_job(owner)
    services.publish_clip(user=owner, job=job, title="Gone soon")
    job.delete()
    assert not Entry.objects.exists()


def test_a_clip_file_the_store_lost_is_a_404_page_not_a_500(visitors, owner) -> None:  # type: ignore[no-untyped-def]
    job = finished_clip_job(owner)
    publish(visitors["owner"], job)
    entry = Entry.objects.get()
    for url, field in (
        (f"/gallery/{entry.pk}/clip.mp4", job.clip_render.mp4),
        (f"/gallery/{entry.pk}/image.png", job.result),
    ):
        assert visitors["anonymous"].get(url).status_code == 200
        field.storage.delete(field.name)
        response = visitors["anonymous"].get(url)
        assert response.status_code == 404 and "Page not found" in response.content.decode()


def test_a_clip_share_page_offers_what_fits_a_clip(visitors, owner) -> None:  # type: ignore[no-untyped-def]
    # Given a published clip and a published photo design
    publish(visitors["owner"], finished_clip_job(owner))
    clip = Entry.objects.get()
    photo = EntryFactory(title="A still")
    # A visitor on the clip's page is offered no wallpapers (a photo design's feature) and
    # reports a clip; the wallpaper address is not there for a clip either
    page = visitors["other"].get(f"/gallery/{clip.pk}/").content.decode()
    assert "Wallpapers" not in page and "/wallpaper/" not in page
    assert "Report this clip" in page and "design" not in page.lower()
    assert visitors["other"].get(f"/gallery/{clip.pk}/wallpaper/phone.jpg").status_code == 404
    # with reasons that fit a video: never "a photo that is not theirs" for a clip
    assert "Uses a photo or video that is not theirs" in page
    assert "a photo that is not theirs" not in page
    # while the photo design's page keeps both
    page = visitors["other"].get(f"/gallery/{photo.pk}/").content.decode()
    assert "Wallpapers" in page and f"/gallery/{photo.pk}/wallpaper/phone.jpg" in page
    assert "Report this design" in page
    wallpaper = visitors["other"].get(f"/gallery/{photo.pk}/wallpaper/phone.jpg")
    assert (wallpaper.status_code, wallpaper["Content-Type"]) == (200, "image/jpeg")


def test_moderators_see_a_clip_labelled_and_playing_and_its_owner_is_told_of_a_clip(
    visitors, owner, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    publish(visitors["owner"], finished_clip_job(owner), title="Sunrise run")
    clip = Entry.objects.get()
    EntryFactory(title="A still")
    admin = visitors["admin"]
    listing = admin.get("/cms/gallery/entries/")
    kinds = {e.title: e.kind_label for e in listing.context["object_list"]}
    assert kinds == {"Sunrise run": "Clip", "A still": "Photo design"}
    cells = " ".join(listing.content.decode().split())  # the "Kind" column's cells
    assert "> Kind </th>" in cells and "> Clip </td>" in cells and "> Photo design </td>" in cells
    edit = admin.get(f"/cms/gallery/entries/edit/{clip.pk}/").content.decode()
    assert f"A clip (moving picture): {FRAMES} frames, 1.0 s" in edit
    assert f'src="/gallery/{clip.pk}/clip.mp4" poster="/gallery/{clip.pk}/image.png"' in edit
    assert f'<img src="/gallery/{clip.pk}/image.png"' not in edit
    # Hidden: the owner's e-mail speaks of their clip, with nothing to order
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(
            f"/cms/gallery/entries/edit/{clip.pk}/", {"is_hidden": "on", "moderation_note": ""}
        )
    (message,) = mail.outbox
    assert 'hid your clip "Sunrise run"' in message.body
    assert "design" not in message.body and "order" not in message.body

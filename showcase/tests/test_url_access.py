"""Every gallery URL for the entry's owner, another shopper, an anonymous visitor and an admin.

A public entry is readable by all; an unpublished or hidden one is 404 to everyone but its
owner and admins, on its page, picture, mockup and wallpaper URLs alike. Writes are checked
for their side effect (or its absence), not only their status code.
"""

from __future__ import annotations

import pytest

from showcase.models import Entry, Like, Report
from showcase.tests.factories import EntryFactory

pytestmark = pytest.mark.django_db

VISITORS = ["owner", "other", "anonymous", "admin"]
READ_URLS = {
    "page": "/gallery/{pk}/",
    "image": "/gallery/{pk}/image.png",
    "mockup": "/gallery/{pk}/mockup.png",
    "wallpaper": "/gallery/{pk}/wallpaper/phone.jpg",
}


def make_entry(owner, state: str) -> Entry:  # type: ignore[no-untyped-def]
    return EntryFactory(
        owner=owner, is_published=state != "unpublished", is_hidden=state == "hidden"
    )


@pytest.mark.parametrize("url", READ_URLS.values(), ids=READ_URLS.keys())
@pytest.mark.parametrize("state", ["public", "unpublished", "hidden"])
@pytest.mark.parametrize("who", VISITORS)
def test_reading_an_entry(visitors, owner, who: str, state: str, url: str) -> None:  # type: ignore[no-untyped-def]
    entry = make_entry(owner, state)
    response = visitors[who].get(url.format(pk=entry.pk))
    allowed = state == "public" or who in ("owner", "admin")
    assert response.status_code == (200 if allowed else 404)
    if allowed and url.endswith(".png"):
        assert response["Content-Type"] == "image/png"
        cache = response["Cache-Control"]
        assert cache == ("public, max-age=300" if state == "public" else "private, no-store")


@pytest.mark.parametrize("who", VISITORS)
def test_the_gallery_lists_only_public_entries_for_everyone(visitors, owner, who: str) -> None:  # type: ignore[no-untyped-def]
    public, unpublished, hidden = (
        make_entry(owner, s) for s in ("public", "unpublished", "hidden")
    )
    body = visitors[who].get("/gallery/").content.decode()
    assert public.title in body
    assert unpublished.title not in body and hidden.title not in body


def test_the_original_photo_has_no_gallery_url(visitors, owner) -> None:  # type: ignore[no-untyped-def]
    entry = make_entry(owner, "public")
    page = visitors["anonymous"].get(f"/gallery/{entry.pk}/").content.decode()
    upload = entry.design.job.upload
    assert str(upload.pk) not in page and "/original" not in page
    assert visitors["anonymous"].get(f"/create/uploads/{upload.pk}/original").status_code == 404


@pytest.mark.parametrize(
    ("who", "status", "form"),
    [("owner", 200, True), ("other", 404, False), ("anonymous", 302, False), ("admin", 404, False)],
)
def test_the_publish_form_is_only_for_the_designs_owner(
    visitors, owner, who: str, status: int, form: bool
) -> None:  # type: ignore[no-untyped-def]
    from showcase.tests.factories import design_of

    design = design_of(owner)
    response = visitors[who].get(f"/gallery/publish/{design.pk}/")
    assert response.status_code == status
    if who == "anonymous":
        assert response.url.startswith("/accounts/login/?next=/gallery/publish/")
    posted = visitors[who].post(f"/gallery/publish/{design.pk}/", {"title": "Mine now"})
    assert Entry.objects.filter(design=design).exists() is form
    if form:
        assert posted.status_code == 302


@pytest.mark.parametrize(
    ("who", "unpublished"),
    [("owner", True), ("other", False), ("anonymous", False), ("admin", False)],
)
def test_only_the_owner_unpublishes(visitors, owner, who: str, unpublished: bool) -> None:  # type: ignore[no-untyped-def]
    entry = make_entry(owner, "public")
    response = visitors[who].post(f"/gallery/{entry.pk}/unpublish/")
    entry.refresh_from_db()
    assert entry.is_published is not unpublished
    expected = {"owner": 302, "other": 404, "anonymous": 302, "admin": 404}[who]
    assert response.status_code == expected


@pytest.mark.parametrize("who", VISITORS)
def test_likes_are_for_signed_in_shoppers_once(visitors, owner, who: str) -> None:  # type: ignore[no-untyped-def]
    entry = make_entry(owner, "public")
    for _ in range(2):
        response = visitors[who].post(f"/gallery/{entry.pk}/like/")
        assert response.status_code == 302
    entry.refresh_from_db()
    signed_in = who != "anonymous"
    assert entry.like_count == Like.objects.filter(entry=entry).count() == int(signed_in)
    if not signed_in:
        assert response.url.startswith("/accounts/login/")


@pytest.mark.parametrize("state", ["unpublished", "hidden"])
@pytest.mark.parametrize("who", ["other", "anonymous"])
def test_no_likes_or_reports_on_entries_others_cannot_see(
    visitors, owner, who: str, state: str
) -> None:  # type: ignore[no-untyped-def]
    entry = make_entry(owner, state)
    assert visitors[who].post(f"/gallery/{entry.pk}/like/").status_code == 404
    assert visitors[who].post(f"/gallery/{entry.pk}/report/", {"reason": "spam"}).status_code == 404
    assert not Like.objects.exists() and not Report.objects.exists()


@pytest.mark.parametrize("who", VISITORS)
def test_anyone_can_report_a_public_entry(visitors, owner, who: str) -> None:  # type: ignore[no-untyped-def]
    entry = make_entry(owner, "public")
    response = visitors[who].post(
        f"/gallery/{entry.pk}/report/", {"reason": "not_theirs", "details": "my photo"}
    )
    assert response.status_code == 302
    report = Report.objects.get()
    assert (report.entry, report.reason, report.details) == (entry, "not_theirs", "my photo")
    assert (report.reporter is None) is (who == "anonymous")


def test_a_report_without_a_reason_is_refused_with_a_message(visitors, owner) -> None:  # type: ignore[no-untyped-def]
    entry = make_entry(owner, "public")
    response = visitors["anonymous"].post(
        f"/gallery/{entry.pk}/report/", {"reason": "bogus"}, follow=True
    )
    assert "Please pick a reason for your report." in response.content.decode()
    assert not Report.objects.exists()


@pytest.mark.parametrize("who", VISITORS)
def test_an_unknown_entry_is_404_everywhere(visitors, who: str) -> None:  # type: ignore[no-untyped-def]
    missing = "00000000-0000-0000-0000-000000000000"
    for url in READ_URLS.values():
        assert visitors[who].get(url.format(pk=missing)).status_code == 404
    assert visitors[who].get(f"/gallery/{missing}/wallpaper/no-such-size.jpg").status_code == 404

"""Headless Chromium under the CSP watch: a signed-in owner publishes a styled clip from its
result page; an anonymous browser sees it playing in the gallery and on its share page (no
wallpapers, "Report this clip" with reasons that fit a video, and a report sent); after
unpublishing, its video is 404. A moderator sees a clip entry labelled and playing in Wagtail.
Screenshots of the gallery card at desktop and phone width (390 px), the share page, its report
form and the moderation pages go to ``test-artifacts/clip-gallery/``."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

from devkit.browser import CHROMIUM, chromium, wagtail_login
from showcase import services
from showcase.models import Entry, Report, ReportReason
from showcase.tests.clip_entries import SIZE, finished_clip_job
from showcase.tests.factories import PASSWORD, EntryFactory, ShopperFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts" / "clip-gallery"

PLAYING = (
    "sel => { const v = document.querySelector(sel);"
    " return v && v.readyState >= 2 && !v.paused && v.muted && v.loop && v.currentTime > 0.3; }"
)


def new_page(first, width: int = 1280, height: int = 900):  # type: ignore[no-untyped-def]
    """A fresh context (its own cookies) under the same CSP watch, recording script errors."""
    context = first.browser.new_context(viewport={"width": width, "height": height})
    first.csp.attach(context)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.on(
        "response", lambda r: page.errors.append(f"{r.status} {r.url}") if r.status >= 400 else None
    )
    return page


@pytest.fixture
def browser_ready(monkeypatch):  # type: ignore[no-untyped-def]
    """Chromium present (else skip), Playwright's sync API beside Django, a folder for shots."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed")
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_an_owner_publishes_a_clip_and_an_anonymous_browser_sees_it_play(
    live_server, browser_ready, wagtail_root
) -> None:  # type: ignore[no-untyped-def]
    owner_user = ShopperFactory(email="mika@example.com")
    job = finished_clip_job(owner_user)
    EntryFactory(title="A still neighbour")  # a photo entry beside it in the grid
    base = live_server.url

    with chromium(viewport={"width": 1280, "height": 900}) as browser:
        # 1. The owner signs in, opens the finished clip and publishes it
        owner = new_page(browser)
        owner.goto(f"{base}/accounts/login/?next=/create/jobs/{job.pk}/")
        owner.fill('input[name="login"]', "mika@example.com")
        owner.fill('input[name="password"]', PASSWORD)
        owner.click('button[type="submit"]')
        owner.wait_for_url(f"**/create/jobs/{job.pk}/")
        owner.click("#publish-clip")
        owner.wait_for_url(f"**/gallery/publish/clip/{job.pk}/")
        owner.wait_for_function(PLAYING, arg="#publish-preview", timeout=20_000)
        owner.fill('input[name="title"]', "Sunrise run")
        owner.fill('textarea[name="caption"]', "Eight frames of a morning, inked.")
        shot(owner, "01-publish-form")
        owner.click("#publish-submit")
        entry = Entry.objects.get(clip__job=job)
        owner.wait_for_url(f"**/gallery/{entry.pk}/")
        owner.wait_for_function(PLAYING, arg="#entry-video", timeout=20_000)
        assert owner.is_visible("#unpublish") and owner.is_visible("#put-on-product")

        # 2. An anonymous browser: the card plays in the grid (desktop), poster = first frame
        anon = new_page(browser)
        anon.goto(f"{base}/gallery/")
        card = anon.locator(".gallery-card", has_text="Sunrise run")
        assert card.count() == 1 and "Moving picture" in card.inner_text()
        video = f'.gallery-card video[src="/gallery/{entry.pk}/clip.mp4"]'
        anon.wait_for_function(PLAYING, arg=video, timeout=20_000)
        assert anon.eval_on_selector(video, "v => [v.videoWidth, v.videoHeight]") == list(SIZE)
        assert anon.get_attribute(video, "poster") == f"/gallery/{entry.pk}/image.png"
        first = card.screenshot()
        anon.wait_for_timeout(500)
        assert card.screenshot() != first, "the gallery card does not move"
        card.screenshot(path=str(ARTIFACTS / "02-card-desktop.png"))
        shot(anon, "03-gallery-desktop")

        # 3. ...and at phone width
        phone = new_page(browser, width=390, height=844)
        phone.goto(f"{base}/gallery/")
        phone.wait_for_function(PLAYING, arg=video, timeout=20_000)
        assert phone.evaluate("() => document.documentElement.scrollWidth") <= 390
        phone.locator(".gallery-card", has_text="Sunrise run").screenshot(
            path=str(ARTIFACTS / "04-card-phone.png")
        )
        shot(phone, "05-gallery-phone")

        # 4. Its share page plays it too, and tells link previews about the video
        card.locator("a").first.click()
        anon.wait_for_url(f"**/gallery/{entry.pk}/")
        anon.wait_for_function(PLAYING, arg="#entry-video", timeout=20_000)
        og_video = anon.get_attribute('meta[property="og:video"]', "content")
        assert og_video == f"{base}/gallery/{entry.pk}/clip.mp4"
        assert not anon.is_visible("#unpublish") and not anon.is_visible("#put-on-product")
        # ...offering what fits a clip: no wallpapers (cut from a still), a report of a clip
        assert (
            anon.locator(".wallpapers").count() == 0
            and anon.locator("text=Wallpapers").count() == 0
        )
        assert anon.inner_text(".report summary") == "Report this clip"
        anon.click(".report summary")
        assert anon.is_visible('.report select[name="reason"]')
        shot(anon, "06-share-page")
        # ...whose reasons fit a video (never "a photo that is not theirs"), and a report is sent
        reasons = anon.locator('.report select[name="reason"] option').all_inner_texts()
        assert "Uses a photo or video that is not theirs" in reasons, reasons
        assert not [r for r in reasons if "a photo that" in r], reasons
        anon.select_option('.report select[name="reason"]', ReportReason.NOT_THEIRS)
        anon.fill('.report textarea[name="details"]', "That is my video")
        # (the list drawn open, so the screenshot shows every reason)
        anon.eval_on_selector('.report select[name="reason"]', "s => { s.size = s.length; }")
        anon.locator(".report").screenshot(path=str(ARTIFACTS / "06b-report-form.png"))
        anon.click('.report button[type="submit"]')
        anon.wait_for_selector("text=Thank you: our moderators will look at it.")
        sent = Report.objects.get(entry=entry)
        assert (sent.reason, sent.details) == (ReportReason.NOT_THEIRS, "That is my video")
        served = anon.request.get(f"{base}/gallery/{entry.pk}/clip.mp4")
        assert (served.status, served.headers["content-type"]) == (200, "video/mp4")

        # 5. Likes work as for photos: the anonymous visitor is sent to sign in, the owner likes
        owner.goto(f"{base}/gallery/{entry.pk}/")
        owner.click("#like-button")
        owner.wait_for_selector('#like-button[aria-pressed="true"]')
        assert owner.inner_text("#like-count") == "1"

        # 6. The owner unpublishes: the video is gone for the anonymous browser
        owner.click("#unpublish")
        owner.wait_for_url(f"{base}/accounts/")
        assert anon.request.get(f"{base}/gallery/{entry.pk}/clip.mp4").status == 404
        assert anon.request.get(f"{base}/gallery/{entry.pk}/").status == 404
        anon.goto(f"{base}/gallery/")
        assert anon.locator(".gallery-card", has_text="Sunrise run").count() == 0

        for page in (owner, anon, phone):
            assert [e for e in page.errors if "/favicon.ico" not in e] == [], page.errors


def test_a_moderator_sees_a_clip_entry_labelled_and_playing(
    live_server, browser_ready, wagtail_root
) -> None:  # type: ignore[no-untyped-def]
    owner_user = ShopperFactory()
    entry = services.publish_clip(
        user=owner_user, job=finished_clip_job(owner_user), title="Sunrise run", caption=""
    )
    Report.objects.create(entry=entry, reason=ReportReason.NOT_THEIRS, details="My video")
    EntryFactory(title="A still neighbour")
    get_user_model().objects.create_superuser("boss", "boss@example.com", "pw-boss-42")
    base = live_server.url

    with chromium(viewport={"width": 1280, "height": 900}) as browser:
        admin = new_page(browser)
        wagtail_login(admin, base, "boss", "pw-boss-42")
        admin.goto(f"{base}/cms/gallery/entries/")
        row = admin.locator("tr", has_text="Sunrise run")
        assert "Clip" in row.inner_text() and "Photo design" not in row.inner_text()
        assert "Photo design" in admin.locator("tr", has_text="A still neighbour").inner_text()
        shot(admin, "07-moderation-list")
        admin.goto(f"{base}/cms/gallery/entries/edit/{entry.pk}/")
        assert admin.locator("text=A clip (moving picture): 8 frames, 1.0 s").count() == 1
        video = f'video[src="/gallery/{entry.pk}/clip.mp4"]'
        admin.wait_for_function(PLAYING, arg=video, timeout=20_000)
        assert admin.locator(f'img[src="/gallery/{entry.pk}/image.png"]').count() == 0
        assert "Uses a photo or video that is not theirs: “My video”" in admin.content()
        shot(admin, "08-moderation-clip")
        assert [e for e in admin.errors if "/favicon.ico" not in e] == [], admin.errors

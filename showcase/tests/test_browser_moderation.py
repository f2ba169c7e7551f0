"""Headless Chromium: the home page's featured designs, the gallery, and a moderator hiding an
entry in Wagtail (the owner is e-mailed; the entry is 404 to visitors). Screenshots go to
``test-artifacts/gallery/``."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.files.base import ContentFile

from devkit.browser import CHROMIUM, chromium, wagtail_login
from shop.seed import seed_site
from showcase.models import Report, ReportReason
from showcase.seed import seed_gallery
from showcase.tests.factories import EntryFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts" / "gallery"
PHOTOS = ["bsd68/101085.png", "bsd68/119082.png", "bsd68/12084.png"]


def test_home_gallery_and_moderation(
    live_server, shared_data: Path, monkeypatch, wagtail_root
) -> None:  # type: ignore[no-untyped-def]
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed")
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    seed_gallery(seed_site())
    entries = []
    for i, name in enumerate(PHOTOS):
        entry = EntryFactory(title=f"Shared photo {i + 1}")
        styled = (shared_data / "photos" / name).read_bytes()
        entry.design.job.result.save("styled.png", ContentFile(styled), save=True)
        entries.append(entry)
    target = entries[0]
    Report.objects.create(entry=target, reason=ReportReason.PERSONAL, details="That is my house")
    get_user_model().objects.create_superuser("boss", "boss@example.com", "pw-boss-42")
    base = live_server.url

    with chromium(viewport={"width": 1280, "height": 900}) as context:
        visitor = context.new_page()
        visitor.goto(f"{base}/")
        block = visitor.locator("text=Fresh from the gallery")
        assert block.count() == 1
        for entry in entries:
            assert visitor.locator(f'img[src="/gallery/{entry.pk}/image.png"]').count() == 1
        visitor.screenshot(path=str(ARTIFACTS / "home-featured.png"), full_page=True)

        admin_context = context.browser.new_context(viewport={"width": 1280, "height": 900})
        context.csp.attach(admin_context)
        admin = admin_context.new_page()
        wagtail_login(admin, base, "boss", "pw-boss-42")
        admin.goto(f"{base}/cms/gallery/entries/")
        admin.screenshot(path=str(ARTIFACTS / "admin-entries.png"), full_page=True)
        admin.goto(f"{base}/cms/gallery/reports/")
        assert "That is my house" in admin.content()
        admin.screenshot(path=str(ARTIFACTS / "admin-reports.png"), full_page=True)
        admin.goto(f"{base}/cms/gallery/entries/edit/{target.pk}/")
        admin.check("input[name=is_hidden]")
        admin.fill("input[name=moderation_note]", "Shows someone's house without consent.")
        admin.screenshot(path=str(ARTIFACTS / "admin-hide.png"), full_page=True)
        admin.get_by_role("button", name="Save").click()
        admin.wait_for_url(f"{base}/cms/gallery/entries/")

    target.refresh_from_db()
    assert target.is_hidden
    assert [m.to for m in mail.outbox] == [[target.owner.email]]
    assert "Shows someone's house without consent." in mail.outbox[0].body

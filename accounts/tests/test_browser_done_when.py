"""Issue 15's "Done when", clicked through in headless Chromium against a live server and a real
Celery worker: sign up -> verify by the mailed link -> style a photo -> publish -> an anonymous
browser sees it in /gallery/ and on its share page with the right meta tags -> the owner
unpublishes -> 404 for the anonymous browser; and a shopper who styled anonymously, then signed
up, finds that design under their account. Screenshots go to ``test-artifacts/accounts-journey/``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail

from catalog.models import Variant
from catalog.tests.factories import seeded_mug
from devkit.browser import CHROMIUM, chromium
from showcase.models import Entry
from showcase.tests.factories import PASSWORD
from styling.models import Design
from styling.tests.factories import StyleFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.worker,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts" / "accounts-journey"
PHOTO = "photos/sun80/canyon_sun_aokgdiugvxssbqyl.jpg"  # 1024 x 682
CONFIRM_PATH = re.compile(r"https?://[^/\s]+(/accounts/confirm-email/[^/\s]+/)")


@pytest.fixture
def mug() -> Variant:
    return seeded_mug()


@pytest.fixture
def browser(monkeypatch):  # type: ignore[no-untyped-def]
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed")
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with chromium(viewport={"width": 1280, "height": 900}) as context:
        yield context  # each new_page gets its own context; the CSP watch covers them all


def new_page(first):  # type: ignore[no-untyped-def]
    """A fresh browser context (its own cookies), under the same CSP watch, recording script errors."""
    context = first.browser.new_context(viewport={"width": 1280, "height": 900})
    first.csp.attach(context)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    return page


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def sign_up_and_verify(page, base: str, email: str, name: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/accounts/signup/")
    page.fill('input[name="email"]', email)
    page.fill('input[name="password1"]', PASSWORD)
    page.fill('input[name="password2"]', PASSWORD)
    shot(page, f"{name}-signup")
    page.click('main button[type="submit"]')
    page.wait_for_url("**/accounts/confirm-email/")
    assert "Verify Your Email Address" in page.content() or "verification" in page.content()
    shot(page, f"{name}-verification-sent")
    (message,) = [m for m in mail.outbox if email in m.to]
    path = CONFIRM_PATH.search(message.body).group(1)
    page.goto(f"{base}{path}")
    shot(page, f"{name}-confirm")
    page.click('main button[type="submit"]')
    page.wait_for_url(f"{base}/accounts/")


def style_and_add(page, base: str, photo: Path, mug: Variant) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/create/")
    page.set_input_files('input[type="file"]', str(photo))
    page.wait_for_selector(".cropper-container .cropper-crop-box")
    page.select_option("#aspect", str(mug.pk))
    page.click("#upload-submit")
    page.wait_for_url("**/create/uploads/*/")
    page.check('input[name="style"] >> nth=0')
    page.click("text=Style my photo")
    page.wait_for_url("**/create/jobs/*/")
    page.wait_for_selector("#compare", timeout=240_000)
    page.click("#place-link")
    page.wait_for_url("**/place/")
    page.select_option('select[name="variant"]', str(mug.pk))
    page.wait_for_selector("#quality.is-ok", timeout=30_000)
    page.click("#add-design")
    page.wait_for_url("**/cart/")


def images_loaded(page) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_function(
        "() => Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)"
    )


def meta(page, attr: str, name: str) -> str:  # type: ignore[no-untyped-def]
    return page.locator(f'meta[{attr}="{name}"]').get_attribute("content")


def test_sign_up_verify_style_publish_share_unpublish(
    live_server, celery_worker, shared_data: Path, browser, mug: Variant
) -> None:  # type: ignore[no-untyped-def]
    base = live_server.url
    StyleFactory(name="Retro cel", summary="90s cel animation: flat paint and ink lines.")

    # 1. Sign up, verify by the mailed link: signed in on the account page
    owner = new_page(browser)
    sign_up_and_verify(owner, base, "kiki@example.com", "01")
    assert "Signed in as" in owner.content() and "kiki@example.com" in owner.content()

    # 2. Style a photo and put it on a mug
    style_and_add(owner, base, shared_data / PHOTO, mug)
    design = Design.objects.get()

    # 3. Publish from the account page
    owner.goto(f"{base}/accounts/")
    images_loaded(owner)
    shot(owner, "02-account")
    owner.click(".publish-link")
    owner.wait_for_url(f"**/gallery/publish/{design.pk}/")
    owner.fill('input[name="title"]', "Canyon at golden hour")
    owner.fill('textarea[name="caption"]', "My road trip, hand-inked <3")
    shot(owner, "03-publish")
    owner.click("#publish-submit")
    entry = Entry.objects.get()
    owner.wait_for_url(f"**/gallery/{entry.pk}/")
    images_loaded(owner)
    assert owner.is_visible("#put-on-product") and owner.is_visible("#unpublish")
    shot(owner, "04-owner-share-page")

    # 4. An anonymous browser sees it in the gallery and on its share page, with its meta tags
    anon = new_page(browser)
    anon.goto(f"{base}/gallery/")
    images_loaded(anon)
    card = anon.locator(".gallery-card", has_text="Canyon at golden hour")
    assert card.count() == 1 and "Retro cel" in card.inner_text()
    assert anon.locator("script:not([src])").count() == 0  # CSP-ready: no inline scripts
    shot(anon, "05-anonymous-gallery")
    card.locator("a").first.click()
    anon.wait_for_url(f"**/gallery/{entry.pk}/")
    images_loaded(anon)
    share = f"{base}/gallery/{entry.pk}/"
    assert meta(anon, "property", "og:title") == "Canyon at golden hour"
    assert meta(anon, "property", "og:description") == "My road trip, hand-inked <3"
    assert meta(anon, "property", "og:url") == share
    assert meta(anon, "property", "og:image") == f"{share}image.png"
    assert meta(anon, "name", "twitter:card") == "summary_large_image"
    assert meta(anon, "name", "twitter:image") == f"{share}image.png"
    assert anon.input_value("#share-url") == share
    assert anon.locator("script:not([src])").count() == 0
    assert not anon.is_visible("#unpublish") and not anon.is_visible("#put-on-product")
    assert anon.get_attribute("#make-your-own", "href") == f"/create/?style={entry.style_id}"
    shot(anon, "06-anonymous-share-page")
    image = anon.request.get(f"{share}image.png")
    assert image.status == 200 and image.headers["content-type"] == "image/png"
    wallpaper = anon.request.get(f"{share}wallpaper/desktop.jpg")
    assert wallpaper.status == 200 and wallpaper.headers["content-type"] == "image/jpeg"

    # 5. The owner unpublishes: 404 for the anonymous browser, page and picture alike
    owner.click("#unpublish")
    owner.wait_for_url(f"{base}/accounts/")
    assert "is private again" in owner.content()
    assert anon.goto(share).status == 404
    shot(anon, "07-anonymous-404-after-unpublish")
    assert anon.request.get(f"{share}image.png").status == 404
    assert anon.request.get(f"{share}wallpaper/phone.jpg").status == 404
    anon.goto(f"{base}/gallery/")
    assert "Canyon at golden hour" not in anon.content()
    assert owner.errors == [] and anon.errors == []  # type: ignore[attr-defined]


def test_a_shopper_who_styled_anonymously_finds_the_design_after_signing_up(
    live_server, celery_worker, shared_data: Path, browser, mug: Variant
) -> None:  # type: ignore[no-untyped-def]
    base = live_server.url
    StyleFactory(name="Retro cel")
    page = new_page(browser)
    style_and_add(page, base, shared_data / PHOTO, mug)
    design = Design.objects.get()
    assert design.job.upload.owner_user_id is None
    sign_up_and_verify(page, base, "jiji@example.com", "10")
    mine = page.locator("#my-designs")
    assert mine.locator(f'img[src="/create/designs/{design.pk}/mockup.png"]').count() == 1
    images_loaded(page)
    shot(page, "11-account-after-sign-up")
    design.refresh_from_db()
    assert Design.objects.select_related("job__upload").get().job.upload.owner_user.email == (
        "jiji@example.com"
    )
    # The cart came along too
    page.goto(f"{base}/cart/")
    assert "Ceramic mug" in page.content()
    assert page.errors == []  # type: ignore[attr-defined]

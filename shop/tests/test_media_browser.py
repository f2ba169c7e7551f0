"""What a shopper sees when the media store is down: Chromium submits a photo, gets the
"try again" page, and (the store back) sends the same photo again successfully.

Screenshots: ``test-artifacts/store-down/``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings

from devkit.browser import CHROMIUM, chromium
from devkit.s3 import unreachable_storages
from styling.models import Upload

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts" / "store-down"
PHOTO = "photos/bsd68/101085.png"


def test_the_shopper_is_asked_to_try_again_and_the_resubmitted_photo_is_kept(
    live_server, shared_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed")
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with chromium(viewport={"width": 1100, "height": 800}) as context:
        page = context.new_page()
        page.goto(f"{live_server.url}/create/")
        page.set_input_files('input[type="file"]', str(shared_data / PHOTO))
        page.wait_for_selector(".cropper-container .cropper-crop-box")
        # When the store goes down just as the photo is sent
        with override_settings(STORAGES=unreachable_storages(), MEDIA_STORE_ATTEMPTS=1):
            with page.expect_navigation():
                page.click("#upload-submit")
            page.wait_for_selector("#store-unavailable")
            page.screenshot(path=str(ARTIFACTS / "01-try-again.png"), full_page=True)
            # Then the page says what happened and that nothing was saved, with a way back
            assert "Please try again in a moment" in page.inner_text("h1")
            assert "nothing was saved" in page.inner_text("#store-unavailable")
        assert Upload.objects.count() == 0
        # When the store is back and the shopper follows "Try again" and sends the photo again
        with page.expect_navigation():
            page.click("#retry")
        assert page.url == f"{live_server.url}/create/"
        page.set_input_files('input[type="file"]', str(shared_data / PHOTO))
        page.wait_for_selector(".cropper-container .cropper-crop-box")
        page.click("#upload-submit")
        page.wait_for_url("**/create/uploads/*/")
        page.screenshot(path=str(ARTIFACTS / "02-resubmitted.png"), full_page=True)
    # Then the upload is stored, once
    upload = Upload.objects.get()
    with upload.original.open("rb") as fh:
        assert fh.read() == (shared_data / PHOTO).read_bytes()

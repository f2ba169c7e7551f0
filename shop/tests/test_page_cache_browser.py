"""Headless Chromium on pages replayed from the page cache: the stored CSP still governs them
(``chromium()`` fails the test on any violation), their scripts and styles still run, and
they look like the rendered page. Screenshots go to ``test-artifacts/pagecache/``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.test.testcases import LiveServerThread

from catalog.services import refresh_variant_mockups
from devkit.browser import CHROMIUM, chromium
from styling import curation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts" / "pagecache"


@pytest.fixture
def cached_server(page_cache) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """A live server started after the page cache was switched on (pytest-django's
    ``live_server`` is per session, built before a test's settings apply)."""
    thread = LiveServerThread("127.0.0.1", StaticFilesHandler, port=0)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    yield f"http://127.0.0.1:{thread.port}"
    thread.terminate()


def test_cached_pages_render_under_the_csp(cached_server: str, storefront, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed")
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    assert curation.generate_samples(style_id=storefront.style.pk) == "done"  # palette plot
    refresh_variant_mockups()  # the product page's hero
    with chromium(viewport={"width": 1280, "height": 900}) as context:
        page = context.new_page()
        for name, path in [("styles", "/styles/"), ("product", "/products/poster/"),
                           ("gallery", "/gallery/"), ("home", "/")]:  # fmt: skip
            first = page.goto(cached_server + path)
            assert first.status == 200 and first.headers.get("x-page-cache") == "miss", path
            page.wait_for_load_state("load")
            second = page.goto(cached_server + path)
            assert second.headers.get("x-page-cache") == "hit", path
            assert (
                second.headers["content-security-policy"]
                == first.headers["content-security-policy"]
            )
            page.wait_for_load_state("load")
            # our stylesheet applied (a strict CSP refuses inline styles, not our own files)
            assert (
                page.evaluate(
                    "() => getComputedStyle(document.querySelector('.site-header')).display"
                )
                != "inline"
            )
            if name == "styles":
                # plotly (our static file, CSP-safe build) drew the palette on the replayed page
                page.wait_for_function(
                    "() => document.querySelector('.palette-plot .main-svg') !== null"
                )
            page.screenshot(path=str(ARTIFACTS / f"{name}-hit.png"), full_page=True)

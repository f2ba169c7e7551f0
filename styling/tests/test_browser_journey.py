"""Headless Chromium clicks through the whole journey against a live server and a real worker.

upload -> crop (locked to the mug) -> style -> live progress -> before/after -> place on a mug
-> add. A screenshot of every step goes to ``test-artifacts/styling-journey/``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from catalog.models import Variant
from catalog.tests.factories import seeded_mug
from devkit.browser import CHROMIUM, chromium
from styling.models import Design, StylingJob
from styling.tests.factories import StyleFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.worker,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts" / "styling-journey"
PHOTO = "photos/sun80/canyon_sun_aokgdiugvxssbqyl.jpg"  # 1024 x 682


@pytest.fixture
def mug() -> Variant:
    return seeded_mug()


@pytest.fixture
def browser_page(monkeypatch):
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed")
    # Playwright's sync API runs an event loop in this thread; the ORM calls in between are
    # ordinary blocking calls on the test thread.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("*.png"):
        old.unlink()
    with chromium(viewport={"width": 1280, "height": 900}) as context:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on(
            "console",
            lambda msg: (
                errors.append(f"{msg.text} {msg.location}") if msg.type == "error" else None
            ),
        )
        page.on(
            "response",
            lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None,
        )
        page.errors = errors  # type: ignore[attr-defined]
        yield page


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_upload_crop_style_progress_compare_place_add(
    live_server, celery_worker, shared_data: Path, browser_page, mug: Variant
) -> None:
    page = browser_page
    StyleFactory(name="Retro cel", summary="90s cel animation: flat paint and ink lines.")
    StyleFactory(name="Paprika", licence="CC BY-NC 4.0", commercial_use_allowed=False, sort_order=1)

    # 1. Upload page: limits are shown before anything is uploaded
    page.goto(f"{live_server.url}/create/")
    assert "up to 20 MB and 40 megapixels" in page.inner_text("#limits")
    shot(page, "01-upload")

    # 2. Pick a photo, lock the crop to the mug
    page.set_input_files('input[type="file"]', str(shared_data / PHOTO))
    page.wait_for_selector(".cropper-container .cropper-crop-box")
    page.select_option("#aspect", str(mug.pk))
    page.wait_for_timeout(300)
    crop_w, crop_h = (int(v) for v in page.inner_text("#crop-size").replace(" px", "").split(" × "))
    spec = mug.print_spec
    assert crop_w / crop_h == pytest.approx(
        float(spec.bleed_width_mm / spec.bleed_height_mm), rel=0.01
    )
    shot(page, "02-crop")
    page.click("#upload-submit")
    page.wait_for_url("**/create/uploads/*/")

    # 3. Style picker: both styles, the licence gate visible; set the strength
    assert "Preview only – its licence does not allow prints" in page.content()
    page.check('input[name="style"] >> nth=0')
    page.fill('input[name="strength"]', "0.9")
    assert page.inner_text("#strength-value") == "90%"
    shot(page, "03-style")
    page.click("text=Style my photo")

    # 4. Live progress, polled by htmx, until the page turns into the result
    page.wait_for_url("**/create/jobs/*/")
    page.wait_for_selector("#job-progress progress")
    shot(page, "04-progress")
    page.wait_for_selector("#compare", timeout=240_000)
    job = StylingJob.objects.get()
    assert job.status == "done" and job.strength == 0.9

    # 5. Before/after: drag the slider
    # Predicates are functions, not bare expressions: Playwright evals bare expressions in the
    # page, which the CSP (no 'unsafe-eval') refuses.
    page.wait_for_function(
        "() => document.querySelector('#compare-after img').complete && "
        "document.querySelector('#compare-after img').naturalWidth > 0"
    )
    box = page.locator("#compare").bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.5, steps=5)
    page.mouse.up()
    clip = page.eval_on_selector("#compare-after", "el => el.style.clipPath")
    assert clip.startswith(("inset(0px 0px 0px 3", "inset(0 0 0 3")), clip
    shot(page, "05-before-after")

    # 6. Placement editor on the mug: the badge says the print is sharp; drag the picture
    page.click("#place-link")
    page.wait_for_url("**/place/")
    page.select_option('select[name="variant"]', str(mug.pk))
    page.wait_for_selector("#quality.is-ok", timeout=30_000)
    editor = page.locator("#placement-editor").bounding_box()
    cx, cy = editor["x"] + editor["width"] / 2, editor["y"] + editor["height"] / 2
    page.mouse.move(cx, cy)
    page.mouse.down()
    page.mouse.move(cx + editor["width"] * 0.05, cy, steps=5)
    page.mouse.up()
    offset_x = float(page.input_value('input[name="offset_x"]'))
    assert offset_x == pytest.approx(0.05, abs=0.01)
    page.wait_for_function(
        "() => { const m = document.getElementById('mockup');"
        " return m.complete && m.naturalWidth > 0 && m.src.includes('offset_x=0.0'); }",
        timeout=30_000,
    )
    page.wait_for_selector("#quality.is-ok", timeout=30_000)
    quality = page.inner_text("#quality")
    assert "300 DPI at print size — sharp (this product needs 150; 300 or more is sharp)" in quality
    assert quality.startswith("300 DPI · sharp")  # the tier chip: number and tier
    assert page.locator(".overlay-mask").count() == len(spec.masks)
    shot(page, "06-placement")

    # 7. Add: a Design with the mug, the placement and the DPI the badge showed
    page.click("#add-design")
    page.wait_for_url("**/cart/")
    assert "Added to your cart (1 × Ceramic mug – 11 oz)" in page.content()
    shot(page, "07-cart")
    page.goto(f"{live_server.url}/create/designs/")
    page.wait_for_function(
        "() => Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)"
    )
    shot(page, "08-my-designs")
    design = Design.objects.get()
    assert design.variant == mug and design.job == job
    assert design.placement["offset_x"] == pytest.approx(offset_x)
    assert quality.startswith(f"{design.effective_dpi} DPI")
    # The site has no favicon yet (base.html): Chromium's automatic request is not ours.
    assert [e for e in page.errors if "/favicon.ico" not in e] == []  # type: ignore[attr-defined]

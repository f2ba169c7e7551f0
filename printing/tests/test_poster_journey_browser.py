"""Issue 12's journey in headless Chromium: full-size posters from the shopper's photo.

A 12-megapixel photo on the 18 x 24 in poster gets the *sharp* badge. The 768x1024 beach
photo, cropped to the poster, gets *good* at 100 %, is bought through the Stripe emulator,
and the real worker renders its print file from the original upload: the PDF's one image
covers the whole bleed box at >= the spec's minimum (``pdfimages -list``, ``pdfinfo -box``).
Screenshots of the badges and a render of the PDF go to ``test-artifacts/poster-journey/``.
"""

from __future__ import annotations

import time
from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image, ImageOps

from catalog.models import PrintSpec, Product, ProductKind, Variant
from catalog.seed import SPECS
from devkit.browser import chromium
from orders.models import Order, OrderStatus
from orders.snapshots import SpecSnapshot
from orders.tests.factories import ShippingRateFactory
from printing.models import PrintFile, PrintStatus, ProductRoute
from printing.tests import poppler
from printing.tests.factories import VendorFactory
from styling.models import StylingJob
from styling.tests.factories import StyleFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.worker,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    # Two style jobs, a checkout and a print render (style + RDN x4) on a shared CPU.
    pytest.mark.timeout(2700),
]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "poster-journey"
BEACH = "photos/sun80/beach_sun_bgtlposotyokcsdg.jpg"  # 768 x 1024
PRINT_TIMEOUT_S = 1500  # the worker re-runs the style on the original and RDN x4 on a CPU


@pytest.fixture
def poster() -> Variant:
    """The shop's real 18 x 24 in poster spec (``catalog.seed``), without drawing its mockup."""
    seed = next(s for s in SPECS if s.name == "Poster 18 x 24 in")
    spec = PrintSpec.objects.create(
        name=seed.name,
        trim_width_mm=seed.width_mm.quantize(Decimal("0.01")),
        trim_height_mm=seed.height_mm.quantize(Decimal("0.01")),
        bleed_mm=seed.bleed_mm,
        safe_margin_mm=seed.safe_mm,
        min_dpi=seed.min_dpi,
        recommended_dpi=seed.recommended_dpi,
        mockup=seed.mockup,
        source=seed.source,
    )
    product = Product.objects.create(title="Art poster", slug="poster", kind=ProductKind.POSTER)
    ProductRoute.objects.create(product=product, vendor=VendorFactory())
    return Variant.objects.create(
        product=product, name="18 x 24 in", sku="PST-18X24", print_spec=spec, price_minor=3200
    )


def twelve_megapixel(shared_data: Path, folder: Path) -> Path:
    """A shared photo enlarged to 3024x4032: the pixels of a 12-MP phone photo."""
    path = folder / "phone-12mp.jpg"
    with Image.open(shared_data / BEACH) as im:
        ImageOps.fit(im.convert("RGB"), (3024, 4032), Image.Resampling.LANCZOS).save(
            path, "JPEG", quality=90
        )
    return path


def style_and_place(page, base: str, photo: Path, poster: Variant) -> tuple[int, int]:
    """Upload ``photo`` cropped to the poster, style it, open the placement editor on the poster.

    Returns the crop's pixel size as the upload page showed it.
    """
    page.goto(f"{base}/create/")
    page.set_input_files('input[type="file"]', str(photo))
    page.wait_for_selector(".cropper-container .cropper-crop-box")
    page.select_option("#aspect", str(poster.pk))
    page.wait_for_timeout(300)
    crop = tuple(int(v) for v in page.inner_text("#crop-size").replace(" px", "").split(" × "))
    # A 12-MP upload is decoded, cropped and stored before the redirect: slow on a busy CPU.
    page.click("#upload-submit", no_wait_after=True)
    page.wait_for_url("**/create/uploads/*/", timeout=300_000)
    page.check('input[name="style"] >> nth=0')
    page.click("text=Style my photo")
    page.wait_for_url("**/create/jobs/*/")
    page.wait_for_selector("#compare", timeout=300_000)
    page.click("#place-link")
    page.wait_for_url("**/place/")
    page.select_option('select[name="variant"]', str(poster.pk))
    page.wait_for_function(
        "() => { const m = document.getElementById('mockup');"
        " return m.complete && m.naturalWidth > 0 && m.src.includes('variant='); }"
    )
    return crop  # type: ignore[return-value]


def test_posters_print_full_size_from_the_original(
    live_server, celery_worker, emulator_webhooks, shared_data: Path, poster, monkeypatch, tmp_path
) -> None:
    from playwright.sync_api import expect

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    StyleFactory(name="Retro cel", summary="90s cel animation: flat paint and ink lines.")
    ShippingRateFactory()
    spec = poster.print_spec
    assert (spec.min_dpi, spec.recommended_dpi) == (150, 300)

    with chromium(viewport={"width": 1280, "height": 900}) as context:
        page = context.new_page()
        page.set_default_timeout(120_000)

        # A 12-megapixel photo fills the 18 x 24 in poster sharply (300 DPI, the recommendation)
        crop = style_and_place(
            page, live_server.url, twelve_megapixel(shared_data, tmp_path), poster
        )
        assert crop[0] == 3024
        page.wait_for_selector("#quality.tier-sharp", timeout=30_000)
        badge = page.inner_text("#quality")
        assert badge.startswith("300 DPI · sharp 300 DPI at print size — sharp"), badge
        page.locator(".place-preview-col").screenshot(
            path=str(ARTIFACTS / "1-badge-12mp-sharp.png")
        )

        # The beach photo, cropped to the poster, is *good* at 100 % and can be added
        crop = style_and_place(page, live_server.url, shared_data / BEACH, poster)
        assert crop[0] == 768 and crop[1] in (1020, 1021)
        page.wait_for_selector("#quality.tier-good", timeout=30_000)
        badge = page.inner_text("#quality")
        assert badge == (
            "168 DPI · good 168 DPI at print size — good (this product needs 150; "
            "300 would be sharp)."
        ), badge
        assert page.inner_text("#scale-value") == "100%"
        expect(page.locator("#add-design")).to_be_enabled()
        page.locator(".place-preview-col").screenshot(
            path=str(ARTIFACTS / "2-badge-beach-good.png")
        )
        page.click("#add-design")
        page.wait_for_url("**/cart/")

        # ... and bought through the Stripe emulator
        page.get_by_role("link", name="Checkout").click()
        page.locator("#id_email").fill("kiki@example.com")
        page.locator("#id_name").fill("Kiki Delivery")
        page.locator("#id_line1").fill("1 Bakery Lane")
        page.locator("#id_city").fill("Koriko")
        page.locator("#id_postal_code").fill("12345")
        page.locator("#id_country").fill("us")
        page.get_by_role("button", name="Continue to payment").click()
        card = page.locator("#card-element")
        card.get_by_placeholder("number").fill("4242424242424242")
        card.get_by_placeholder("exp_month").fill("12")
        card.get_by_placeholder("exp_year").fill("34")
        card.get_by_placeholder("cvc").fill("123")
        card.get_by_placeholder("postal_code").fill("12345")
        page.get_by_role("button", name="Pay $37.00").click()
        expect(page.get_by_test_id("order-status")).to_have_attribute(
            "data-status", "paid", timeout=60_000
        )
        page.screenshot(path=str(ARTIFACTS / "3-order-paid.png"), full_page=True)

    # The worker renders the print file from the original upload (style + RDN + PDF)
    order = Order.objects.get()
    assert order.status == OrderStatus.PAID
    line = order.lines.get()
    beach_job = StylingJob.objects.get(upload__original_filename="beach_sun_bgtlposotyokcsdg.jpg")
    assert line.design.job == beach_job and line.design.effective_dpi == 168
    deadline = time.monotonic() + PRINT_TIMEOUT_S
    print_file = None
    while time.monotonic() < deadline:
        print_file = PrintFile.objects.filter(line=line).first()
        if print_file and print_file.status in (PrintStatus.READY, PrintStatus.FAILED):
            break
        time.sleep(2)
    assert print_file is not None and print_file.status == PrintStatus.READY, print_file
    assert print_file.error == "", print_file.error
    data = print_file.file.read()
    snap = SpecSnapshot.from_json(line.print_spec)
    assert (snap.min_dpi, snap.recommended_dpi) == (150, 300)
    assert print_file.upscale_factor == 1.0  # retro-cel composes at print size (issue 19): no RDN

    # pdfimages: one artwork image at 168 ppi (the badge's figure, >= the 150 minimum) ...
    images = [row for row in poppler.pdf_images(data) if row["page"] == "1"]
    assert len(images) == 1
    assert int(images[0]["x-ppi"]) >= 168 and int(images[0]["y-ppi"]) >= 168
    assert (int(images[0]["width"]), int(images[0]["height"])) == snap.canvas_pixels(168)
    # ... that covers the whole bleed box (pdfinfo -box), as the preflight measured
    bw, bh = snap.bleed_size_pt
    bleed = poppler.pdf_boxes(data)["BleedBox"]
    assert abs((bleed[2] - bleed[0]) - bw) <= 0.5 and abs((bleed[3] - bleed[1]) - bh) <= 0.5
    assert print_file.preflight["passed"] is True
    assert [c["passed"] for c in print_file.preflight["checks"] if c["name"] == "image_ppi"] == [
        True
    ]
    assert "covers the bleed box" in next(
        c["detail"] for c in print_file.preflight["checks"] if c["name"] == "image_ppi"
    )
    poppler.render_page(data, dpi=20).save(ARTIFACTS / "4-print-pdf-r20.png")

"""The journey's pages through the test client: ownership, progress, result, placement, designs."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from catalog.tests.factories import PrintSpecFactory, VariantFactory
from styling.jobs import state, worker
from styling.models import Design, StylingJob, Upload
from styling.tests.conftest import stored_files
from styling.tests.factories import StyleFactory, png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def sticker():
    """A 20 x 20 mm sticker: small enough that a 96 px picture prints at 300+ DPI."""
    spec = PrintSpecFactory(
        name="Sticker 20 mm",
        trim_width_mm=Decimal("20"),
        trim_height_mm=Decimal("20"),
        bleed_mm=Decimal("3"),
        safe_margin_mm=Decimal("2"),
        masks=[],
    )
    return VariantFactory(print_spec=spec, name="20 mm", product__title="Sticker")


def upload_via(client: Client, data: bytes | None = None) -> Upload:
    response = client.post("/create/", {"photo": SimpleUploadedFile("me.png", data or png_bytes())})
    assert response.status_code == 302
    return Upload.objects.latest("created_at")


def style_via(client: Client, upload: Upload, style, strength: str = "0.8") -> StylingJob:
    response = client.post(
        f"/create/uploads/{upload.pk}/", {"style": style.pk, "strength": strength}
    )
    job = StylingJob.objects.latest("created_at")
    assert response.status_code == 302 and response["Location"] == f"/create/jobs/{job.pk}/"
    return job


@pytest.fixture
def journey(client: Client, style, sticker):
    """Client ``client`` owns an upload, a finished job and a design on the sticker."""
    upload = upload_via(client)
    job = style_via(client, upload, style)
    worker.run_job(job_id=job.pk)
    response = client.post(
        f"/create/jobs/{job.pk}/place/",
        {"variant": sticker.pk, "scale": "1", "offset_x": "0", "offset_y": "0"},
    )
    assert response.status_code == 302 and response["Location"] == "/cart/"
    return upload, StylingJob.objects.get(pk=job.pk), Design.objects.get()


def private_urls(upload: Upload, job: StylingJob, design: Design, variant) -> list[str]:
    q = f"?variant={variant.pk}&scale=1&offset_x=0&offset_y=0"
    return [
        f"/create/uploads/{upload.pk}/",
        f"/create/uploads/{upload.pk}/photo.png",
        f"/create/uploads/{upload.pk}/original",
        f"/create/jobs/{job.pk}/",
        f"/create/jobs/{job.pk}/progress/",
        f"/create/jobs/{job.pk}/result.png",
        f"/create/jobs/{job.pk}/download.png",
        f"/create/jobs/{job.pk}/download.jpg",
        f"/create/jobs/{job.pk}/place/",
        f"/create/jobs/{job.pk}/place/preview.png{q}",
        f"/create/jobs/{job.pk}/place/quality/{q}",
        f"/create/designs/{design.pk}/",
        f"/create/designs/{design.pk}/mockup.png",
    ]


def test_the_owner_sees_everything_and_a_second_client_gets_404(
    client: Client, stranger: Client, journey, sticker
) -> None:
    upload, job, design = journey
    urls = private_urls(upload, job, design, sticker)
    assert {url: client.get(url).status_code for url in urls} == dict.fromkeys(urls, 200)
    assert {url: stranger.get(url).status_code for url in urls} == dict.fromkeys(urls, 404)
    # Writes are refused as well, and create nothing
    assert (
        stranger.post(f"/create/uploads/{upload.pk}/", {"style": job.style_id}).status_code == 404
    )
    assert (
        stranger.post(f"/create/jobs/{job.pk}/place/", {"variant": sticker.pk}).status_code == 404
    )
    assert (StylingJob.objects.count(), Design.objects.count()) == (1, 1)
    assert "No designs yet" in stranger.get("/create/designs/").content.decode()


def test_a_signed_in_user_sees_their_rows_from_another_browser(style) -> None:
    user = get_user_model().objects.create_user("mika", password="pw-123456789")
    laptop, phone = Client(), Client()
    laptop.force_login(user)
    upload = upload_via(laptop)
    assert upload.owner_user_id == user.pk
    assert phone.get(f"/create/uploads/{upload.pk}/photo.png").status_code == 404
    phone.force_login(user)
    assert phone.get(f"/create/uploads/{upload.pk}/photo.png").status_code == 200


def test_uploads_survive_signing_in_mid_journey(client: Client, style) -> None:
    upload = upload_via(client)
    assert upload.owner_session == client.session.session_key
    user = get_user_model().objects.create_user("ren", password="pw-123456789")
    client.force_login(user)  # Django gives the session a new key at sign-in
    upload.refresh_from_db()
    assert upload.owner_session == client.session.session_key
    assert upload.owner_user == user
    assert client.get(f"/create/uploads/{upload.pk}/").status_code == 200


def test_add_to_cart_puts_the_design_in_the_orders_cart(client: Client, journey) -> None:
    _upload, _job, design = journey
    assert client.session["retrocel_cart"] == {str(design.pk): 1}
    assert f"{design.variant}" in client.get("/cart/").content.decode()


def test_style_picker_shows_enabled_styles_with_the_licence_gate(client: Client) -> None:
    StyleFactory(name="Retro cel", licence="Proprietary (ours)")
    StyleFactory(name="Paprika", licence="CC BY-NC 4.0", commercial_use_allowed=False)
    StyleFactory(name="Hidden", is_enabled=False)
    upload = upload_via(client)
    html = client.get(f"/create/uploads/{upload.pk}/").content.decode()
    assert "Retro cel" in html and "Paprika" in html and "Hidden" not in html
    assert "Licence: CC BY-NC 4.0" in html
    assert html.count("Preview only – its licence does not allow prints") == 1
    assert 'type="range"' in html


def test_progress_fragment_polls_while_queued_and_stops_on_failure(client: Client, style) -> None:
    upload = upload_via(client)
    job = style_via(client, upload, style)
    queued = client.get(f"/create/jobs/{job.pk}/progress/")
    assert queued.status_code == 200
    assert 'hx-trigger="every 700ms"' in queued.content.decode()
    assert "Waiting for a free artist" in queued.content.decode()
    state.fail_job(job, state.WORKER_DIED)
    failed = client.get(f"/create/jobs/{job.pk}/progress/")
    assert failed.status_code == 286  # tells htmx to stop polling
    assert "The styling worker stopped unexpectedly; please try again." in failed.content.decode()
    assert "hx-trigger" not in failed.content.decode()


def test_progress_as_json(client: Client, style) -> None:
    job = style_via(client, upload_via(client), style)
    data = client.get(f"/create/jobs/{job.pk}/progress/", HTTP_ACCEPT="application/json").json()
    assert data == {"status": "queued", "stage": "queued", "progress": 0, "error": ""}


def test_done_job_redirects_htmx_and_shows_before_after(client: Client, journey) -> None:
    upload, job, _design = journey
    fragment = client.get(f"/create/jobs/{job.pk}/progress/")
    assert fragment["HX-Redirect"] == f"/create/jobs/{job.pk}/"
    html = client.get(f"/create/jobs/{job.pk}/").content.decode()
    assert f"/create/uploads/{upload.pk}/photo.png" in html
    assert f"/create/jobs/{job.pk}/result.png" in html
    assert 'id="compare-range"' in html
    assert "Try another style" in html and "Put it on a product" in html


def test_downloads_are_png_and_jpeg_attachments(client: Client, journey) -> None:
    _upload, job, _design = journey
    png = client.get(f"/create/jobs/{job.pk}/download.png")
    jpg = client.get(f"/create/jobs/{job.pk}/download.jpg")
    assert png["Content-Disposition"].startswith('attachment; filename="retrocel-')
    assert jpg["Content-Type"] == "image/jpeg"
    assert Image.open(io.BytesIO(b"".join(png.streaming_content))).format == "PNG"
    assert Image.open(io.BytesIO(jpg.content)).size == (96, 80)
    assert client.get(f"/create/jobs/{job.pk}/download.gif").status_code == 404


def test_design_records_variant_placement_dpi_and_mockup(journey, sticker) -> None:
    _upload, job, design = journey
    assert design.job == job and design.variant == sticker
    assert design.placement == {"scale": 1.0, "offset_x": 0.0, "offset_y": 0.0}
    # Cover fit makes the 96x80 picture 80 px = 26 mm tall, so 31.2 mm wide: 384 px / 1.228 in
    # = 312 DPI reachable; the print renders at the spec's recommended 300, so that is the figure.
    assert design.effective_dpi == 300
    assert design.quality_tier == "sharp"
    assert design.mockup.name == f"designs/{design.pk.hex}/mockup.png"


def test_quality_endpoint_explains_a_too_low_dpi(client: Client, journey) -> None:
    _upload, job, _design = journey
    mug = VariantFactory()
    data = client.get(
        f"/create/jobs/{job.pk}/place/quality/?variant={mug.pk}&scale=1&offset_x=0&offset_y=0"
    ).json()
    # The seeded 11 oz mug (228.60 mm wrap, 150 DPI minimum)
    assert data["ok"] is False and data["dpi"] == 41 and data["min_dpi"] == 150
    assert (data["tier"], data["tier_label"]) == ("too_small", "too small")
    # 41/150 of cover fit is 27.67 %, above the editor's 25 % floor: zoom advice, and what fits.
    assert (data["max_scale"], data["fits"]) == (0.2767, ["Sticker 20 mm"])
    assert data["message"] == (
        "41 DPI at print size — too small, even after 4x AI upscaling of your original photo; "
        "this product needs 150 DPI, so it would print blurry and cannot be added. "
        "Zoom out to 27% or less for this size. At 100% your photo fills: Sticker 20 mm."
    )


def test_a_design_below_the_minimum_dpi_is_refused_and_not_saved(client: Client, journey) -> None:
    _upload, job, _design = journey
    mug = VariantFactory()
    files = stored_files()
    response = client.post(
        f"/create/jobs/{job.pk}/place/",
        {"variant": mug.pk, "scale": "1", "offset_x": "0", "offset_y": "0"},
    )
    assert response.status_code == 400
    assert "41 DPI at print size — too small" in response.content.decode()
    assert Design.objects.count() == 1
    assert stored_files() == files


def test_a_non_commercial_style_can_be_previewed_but_not_added(client: Client, sticker) -> None:
    style = StyleFactory(name="Paprika", licence="CC BY-NC 4.0", commercial_use_allowed=False)
    job = style_via(client, upload_via(client), style)
    worker.run_job(job_id=job.pk)
    page = client.get(f"/create/jobs/{job.pk}/place/").content.decode()
    assert 'id="licence-gate"' in page
    response = client.post(
        f"/create/jobs/{job.pk}/place/",
        {"variant": sticker.pk, "scale": "1", "offset_x": "0", "offset_y": "0"},
    )
    assert response.status_code == 400
    assert "The Paprika style is for previews only: its licence (CC BY-NC 4.0)" in (
        response.content.decode()
    )
    assert Design.objects.count() == 0


def test_placement_preview_is_a_png_of_the_product(client: Client, journey, sticker) -> None:
    _upload, job, _design = journey
    response = client.get(
        f"/create/jobs/{job.pk}/place/preview.png?variant={sticker.pk}&scale=1.5&offset_x=0.1&offset_y=0"
    )
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert max(Image.open(io.BytesIO(response.content)).size) == 800
    bad = client.get(f"/create/jobs/{job.pk}/place/preview.png?variant={sticker.pk}&scale=9")
    assert bad.status_code == 400


def test_my_designs_lists_the_owners_designs(client: Client, journey) -> None:
    _upload, _job, design = journey
    html = client.get("/create/designs/").content.decode()
    assert f"/create/designs/{design.pk}/mockup.png" in html
    assert "300 DPI" in html

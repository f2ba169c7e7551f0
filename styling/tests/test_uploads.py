"""Uploading through the form: ml validation, crop, EXIF stripping, private storage."""

from __future__ import annotations

import io

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.utils.html import escape
from PIL import Image

from ml.testing.corpus import EXPECTED_ACCEPTED, bad_inputs, photo_like
from shop.seed import seed_site
from styling.models import Upload
from styling.tests.conftest import stored_files
from styling.tests.factories import png_bytes

pytestmark = pytest.mark.django_db

CORPUS = bad_inputs()
REJECTED = [(name, data, code) for name, data, code in CORPUS if code is not None]
ACCEPTED = [(name, data) for name, data, code in CORPUS if code is None]


def post_photo(client: Client, name: str, data: bytes, **extra: object):
    return client.post("/create/", {"photo": SimpleUploadedFile(name, data), **extra})


def jpeg_with_gps_and_orientation() -> bytes:
    """A 120x90 JPEG stored sideways (orientation 6) with a camera model and GPS position."""
    im = Image.fromarray(photo_like(120, 90))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise to display
    exif[0x0110] = "SpyCam 3000"
    exif[0x8825] = {1: "N", 2: (48.0, 51.0, 29.0), 3: "E", 4: (2.0, 17.0, 40.0)}
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=92, exif=exif.tobytes())
    return buf.getvalue()


def test_upload_page_shows_the_limits_before_uploading(client: Client) -> None:
    html = client.get("/create/").content.decode()
    assert "JPEG, PNG, WebP, GIF, TIFF or BMP · up to 20 MB and 40 megapixels" in html
    assert "each side at least 64 pixels" in html
    assert "/static/vendor/cropperjs/cropper.min.js" in html


@pytest.mark.parametrize(("name", "data", "code"), REJECTED, ids=[r[0] for r in REJECTED])
def test_every_bad_corpus_file_gets_its_message_and_nothing_is_stored(
    client: Client, name: str, data: bytes, code: str
) -> None:
    # Given a file the ml image I/O rejects
    from ml.imageio import ImageRejected, open_image

    with pytest.raises(ImageRejected) as expected:
        open_image(data)
    assert expected.value.code == code
    # When it is posted through the upload form
    response = post_photo(client, name, data)
    # Then the form shows ml's message, nothing is stored, and there is no 500
    assert response.status_code == 400
    assert response.context["form"].errors["photo"] == [expected.value.message]
    assert escape(expected.value.message) in response.content.decode()
    assert Upload.objects.count() == 0
    assert stored_files() == []


@pytest.mark.parametrize(("name", "data"), ACCEPTED, ids=[a[0] for a in ACCEPTED])
def test_awkward_but_valid_corpus_files_are_accepted_as_srgb_png(
    client: Client, name: str, data: bytes
) -> None:
    response = post_photo(client, name, data)
    assert response.status_code == 302
    upload = Upload.objects.get()
    width, height, _animated = EXPECTED_ACCEPTED[name]
    assert (upload.width, upload.height) == (width, height)
    with upload.image.open("rb") as fh, Image.open(fh) as im:
        assert (im.format, im.mode, im.size) == ("PNG", "RGB", (width, height))


def test_exif_and_gps_are_stripped_from_the_display_copy_and_orientation_applied(
    client: Client,
) -> None:
    response = post_photo(client, "holiday.jpg", jpeg_with_gps_and_orientation())
    assert response.status_code == 302
    upload = Upload.objects.get()
    with upload.image.open("rb") as fh, Image.open(fh) as im:
        assert im.size == (90, 120)  # displayed upright
        assert dict(im.getexif()) == {}
        assert set(im.info) <= {"dpi"}  # no exif, icc, text or xmp chunks
    with upload.image.open("rb") as fh:
        raw = fh.read()
    assert b"SpyCam" not in raw and b"Exif" not in raw
    # The original is kept as uploaded, privately
    with upload.original.open("rb") as fh:
        assert fh.read() == jpeg_with_gps_and_orientation()


def test_uploads_live_only_in_private_media(client: Client) -> None:
    seed_site()
    post_photo(client, "a.png", png_bytes())
    upload = Upload.objects.get()
    # In the private store (a folder or a bucket of its own), never in the public one
    private, public = storages["private"], storages["default"]
    assert private.exists(upload.original.name) and private.exists(upload.image.name)
    assert not public.exists(upload.original.name) and not public.exists(upload.image.name)
    # Nothing serves private media by URL: only the owner-checked views do
    assert client.get(f"/media/{upload.image.name}").status_code == 404
    assert client.get(f"/media/{upload.original.name}").status_code == 404
    assert client.get(f"/create/uploads/{upload.pk}/photo.png").status_code == 200


def test_the_crop_box_is_applied_in_displayed_pixels(client: Client) -> None:
    response = post_photo(
        client, "a.png", png_bytes(200, 150), crop_x=20, crop_y=10, crop_w=100, crop_h=80
    )
    assert response.status_code == 302
    upload = Upload.objects.get()
    assert (upload.width, upload.height) == (100, 80)
    assert upload.crop == {"x": 20, "y": 10, "w": 100, "h": 80}
    source = Image.open(io.BytesIO(png_bytes(200, 150))).convert("RGB")
    with upload.image.open("rb") as fh, Image.open(fh) as im:
        assert im.getpixel((0, 0)) == source.getpixel((20, 10))
        assert im.getpixel((99, 79)) == source.getpixel((119, 89))


def test_a_crop_running_off_the_image_is_clamped(client: Client) -> None:
    post_photo(client, "a.png", png_bytes(200, 150), crop_x=100, crop_y=0, crop_w=500, crop_h=500)
    assert Upload.objects.get().crop == {"x": 100, "y": 0, "w": 100, "h": 150}


def test_a_crop_smaller_than_the_minimum_is_refused_and_nothing_stored(client: Client) -> None:
    response = post_photo(
        client, "a.png", png_bytes(200, 150), crop_x=0, crop_y=0, crop_w=40, crop_h=40
    )
    assert response.status_code == 400
    assert response.context["form"].errors["photo"] == [
        "The cropped area is 40x40 pixels; each side needs at least 64 pixels. "
        "Please select a larger area."
    ]
    assert Upload.objects.count() == 0
    assert stored_files() == []


@override_settings(STYLING_UPLOAD_MAX_BYTES=10_000)
def test_a_file_over_the_size_limit_is_refused_before_decoding(client: Client) -> None:
    data = png_bytes(400, 300)
    assert len(data) > 10_000
    response = post_photo(client, "big.png", data)
    assert response.status_code == 400
    assert response.context["form"].errors["photo"] == [
        "The file is larger than 0 MB. Please upload a smaller image."
    ]
    assert Upload.objects.count() == 0
    assert stored_files() == []


def test_no_file_says_so(client: Client) -> None:
    response = client.post("/create/", {})
    assert response.status_code == 400
    assert response.context["form"].errors["photo"] == ["Please choose a photo to upload."]


def test_upload_remembers_the_product_chosen_for_the_crop(client: Client) -> None:
    from catalog.tests.factories import VariantFactory

    variant = VariantFactory()
    post_photo(client, "a.png", png_bytes(), variant=str(variant.pk))
    assert client.session["styling_variant"] == variant.pk

"""Every rejected upload says what was wrong: crop fields, long filenames, lying headers."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from styling.models import Upload
from styling.tests.factories import png_bytes

pytestmark = pytest.mark.django_db


def post(client: Client, name: str = "photo.png", **crop: object):  # type: ignore[no-untyped-def]
    photo = SimpleUploadedFile(name, png_bytes(320, 240))
    return client.post("/create/", {"photo": photo, **crop})


@pytest.mark.parametrize(
    ("crop", "message"),
    [
        ({"crop_x": "-1", "crop_y": "0", "crop_w": "100", "crop_h": "100"}, "The crop box"),
        ({"crop_x": "1e3", "crop_y": "0", "crop_w": "100", "crop_h": "100"}, "The crop box"),
        ({"crop_x": "0", "crop_y": "0", "crop_w": "0", "crop_h": "100"}, "The crop box"),
    ],
)
def test_bad_crop_fields_are_a_400_that_says_so(client: Client, crop, message) -> None:
    response = post(client, **crop)
    body = response.content.decode()
    assert response.status_code == 400
    assert message in body
    assert not Upload.objects.exists()


def test_crop_errors_name_the_edge(client: Client) -> None:
    response = post(client, crop_x="-1", crop_y="0", crop_w="0", crop_h="100")
    body = response.content.decode()
    assert "The crop box&#x27;s left edge must be a whole number of pixels, 0 or more." in body
    assert "The crop box&#x27;s width must be a whole number of pixels, 1 or more." in body


def test_a_thousand_character_filename_is_stored_shortened(client: Client) -> None:
    response = post(client, name="a" * 996 + ".png")
    assert response.status_code == 302
    upload = Upload.objects.get()
    assert len(upload.original_filename) <= 255
    assert upload.original_filename.endswith(".png")


def test_a_filename_too_long_for_the_multipart_parser_gets_a_400_that_says_so(
    client: Client,
) -> None:
    # Django's test client shortens file names to 255 characters, so build the body by hand.
    boundary = "retrocel-boundary"
    name = "a" * 996 + ".png"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="photo"; filename="{name}"\r\n'
            "Content-Type: image/png\r\n\r\n"
        ).encode()
        + png_bytes(320, 240)
        + f"\r\n--{boundary}--\r\n".encode()
    )
    response = client.generic(
        "POST", "/create/", body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code == 400
    assert "usually a file name of hundreds of characters" in response.content.decode()
    assert not Upload.objects.exists()

"""Palettes stored with styled images and styles, shown on the pages; palette sources in the admin."""

from __future__ import annotations

import html
import io
import json
import re
from pathlib import Path

import numpy as np
import pytest
import torch
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image
from wagtail.models import Revision

from ml.color import pil_to_tensor, srgb_to_oklab
from ml.palette import palette_lab, palette_of
from shop.seed import seed_site
from styling import curation, uploads
from styling.jobs import worker
from styling.models import JobStatus, SamplesStatus, Style, StylingJob
from styling.pages import StyleIndexPage
from styling.selectors import SESSION_OWNER_KEY, Owner
from styling.tests.factories import StyleFactory, photo_bytes
from styling.tests.test_style_admin import stored_style_files

ADD_URL = "/cms/snippets/styling/style/add/"
PHOTO = "sun80/house_sun_bgjytsucreqesmlo.jpg"
STILL = "sun80/desert_sand_sun_bgwdwaeuakbmuxeg.jpg"


@pytest.fixture
def admin_client(client: Client) -> Client:
    user = get_user_model().objects.create_superuser("curator", "c@retrocel.test", "pw-curator-1")
    client.force_login(user)
    return client


def owned_client() -> tuple[Client, Owner]:
    client = Client()
    session = client.session
    session[SESSION_OWNER_KEY] = "x"
    session.save()
    return client, Owner(session=session.session_key)


def done_job(shared_data: Path, owner: Owner, style: Style | None = None) -> StylingJob:
    """A job run by the worker's own function (``worker.run_job``), in this process."""
    upload = uploads.create_upload(
        owner=owner, data=photo_bytes(shared_data, PHOTO), filename="house.jpg"
    )
    job = StylingJob.objects.create(upload=upload, style=style or StyleFactory())
    return worker.run_job(job_id=job.pk)


def png_upload(image: Image.Image, name: str = "still.png") -> SimpleUploadedFile:
    buf = io.BytesIO()
    image.save(buf, "PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


@pytest.mark.django_db
def test_worker_stores_the_result_palette_and_the_page_shows_it(shared_data: Path) -> None:
    client, owner = owned_client()
    job = done_job(shared_data, owner)
    assert job.status == JobStatus.DONE
    assert len(job.palette) == 18
    with job.result.open("rb") as fh, Image.open(fh) as im:
        expected = [c.hex for c in palette_of(im.convert("RGB"))]
    assert [c["hex"] for c in job.palette] == expected

    response = client.get(f"/create/jobs/{job.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    fills = re.findall(
        r'<rect x="[^"]+" y="[^"]+" width="[^"]+" height="[^"]+" fill="(#[0-9a-f]{6})"', page
    )
    assert fills == expected  # server-rendered swatches: seen without JavaScript
    data = re.search(
        r'<script id="palette-data-result" type="application/json">(.*?)</script>', page
    )
    points = json.loads(html.unescape(data.group(1)))
    assert points["hex"] == expected and len(points["rgb"]) == len(points["hsv"]) == 18
    assert "vendor/plotly/plotly-strict.min.js" in page
    assert "<script>" not in page  # data in json_script, code in static files (CSP)


@pytest.mark.django_db
def test_result_page_without_palette_shows_no_palette_section(shared_data: Path) -> None:
    client, owner = owned_client()
    job = done_job(shared_data, owner)
    StylingJob.objects.filter(pk=job.pk).update(palette=[])
    page = client.get(f"/create/jobs/{job.pk}/").content.decode()
    assert "palette-data-result" not in page and "plotly" not in page


def retro_cel_post(still: SimpleUploadedFile | None, **extra: str) -> dict:
    data = {
        "name": "Desert cel",
        "slug": "desert-cel",
        "summary": "Retro cel in the colours of a desert still.",
        "kind": "classical",
        "architecture": "",
        "builtin": "retro-cel",
        "params": "{}",
        "provenance": "Retrocel's own algorithm.",
        "licence": "Proprietary (ours)",
        "commercial_use_allowed": "on",
        "is_enabled": "on",
        "sort_order": "1",
        "palette_source_provenance": "SUN database test photo (desert_sand), ../shared/data.",
        "palette_source_licence": "Research use",
    }
    if still is not None:
        data["palette_source"] = still
    data.update(extra)
    return data


@pytest.mark.django_db
def test_a_palette_source_that_is_not_an_image_gets_ml_message_and_nothing_saved(
    admin_client: Client,
) -> None:
    bad = SimpleUploadedFile("still.png", b"not a picture at all", content_type="image/png")
    response = admin_client.post(ADD_URL, retro_cel_post(bad))
    assert response.status_code == 200
    assert "This file is not an image we can read." in response.content.decode()
    assert Style.objects.count() == 0
    assert Revision.objects.filter(content_type__model="style").count() == 0
    assert stored_style_files() == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"palette_source_licence": ""}, "Record where the palette source came from"),
        (
            {"kind": "reference", "builtin": ""},
            "A palette source drives built-in (classical) styles only.",
        ),
    ],
)
def test_a_palette_source_needs_its_licence_and_a_classical_style(
    admin_client: Client, shared_data: Path, extra: dict, message: str
) -> None:
    still = SimpleUploadedFile("still.jpg", photo_bytes(shared_data, STILL), "image/jpeg")
    response = admin_client.post(ADD_URL, retro_cel_post(still, **extra))
    assert message in response.content.decode()
    assert Style.objects.count() == 0
    assert stored_style_files() == []


def _distance_to(image: Image.Image, palette: list[tuple[int, int, int]]) -> float:
    """Median Oklab distance of the paint (ink, L <= 0.25, left out) to its nearest palette colour."""
    lab = srgb_to_oklab(pil_to_tensor(image))[0].reshape(3, -1).T
    target = torch.from_numpy(palette_lab(palette)[0])
    return float(torch.cdist(lab, target).min(1).values[lab[:, 0] > 0.25].median())


@pytest.mark.django_db
def test_admin_gives_retro_cel_a_palette_and_the_samples_take_its_colours(
    admin_client: Client, shared_data: Path
) -> None:
    still_bytes = photo_bytes(shared_data, STILL)
    response = admin_client.post(
        ADD_URL, retro_cel_post(SimpleUploadedFile("desert.jpg", still_bytes, "image/jpeg"))
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    style = Style.objects.get()
    with Image.open(io.BytesIO(still_bytes)) as still:
        expected = palette_of(still.convert("RGB"))
    assert [c["hex"] for c in style.source_palette] == [c.hex for c in expected]
    assert style.samples_status == SamplesStatus.QUEUED

    assert curation.generate_samples(style_id=style.pk) == "done"  # the task's body
    style.refresh_from_db()
    assert len(style.palette) == 18
    source = [tuple(c["rgb"]) for c in style.source_palette]
    for sample in style.samples.all():
        with sample.after.open("rb") as fh, Image.open(fh) as im:
            after = im.convert("RGB")
        with sample.before.open("rb") as fh, Image.open(fh) as im:
            before = im.convert("RGB")
        # Measured: the photos themselves sit ~0.05-0.1 from the still's palette; the samples'
        # paint (rendered at 512 px and resized back, which blends neighbours) within ~0.01.
        assert _distance_to(after, source) < 0.02, sample.sample_name
        assert _distance_to(after, source) < _distance_to(before, source) / 2, sample.sample_name

    # The editor shows the source's palette and the samples' one.
    edit = admin_client.get(f"/cms/snippets/styling/style/edit/{style.pk}/").content.decode()
    assert "palette-data-source" in edit and "palette-data-samples" in edit
    assert expected[0].hex in edit


@pytest.mark.django_db
def test_gallery_shows_each_styles_palette(client: Client) -> None:
    home = seed_site()
    home.add_child(instance=StyleIndexPage(title="Styles", slug="styles"))
    palette = [
        {"region": r, "rank": 0, "rgb": [10 * r, 20, 30], "hsv": [0, 0, 0], "share": 1 / 6}
        for r in range(6)
    ]
    for item in palette:
        item["hex"] = "#{:02x}{:02x}{:02x}".format(*item["rgb"])
    StyleFactory(slug="warm", palette=palette)
    text = client.get("/styles/").content.decode()
    assert 'id="palette-data-warm"' in text
    assert all(f'fill="{c["hex"]}"' in text for c in palette)


def test_swatch_geometry_stacks_shares_within_regions() -> None:
    from styling.palettes import CELL_H, plot_points, swatches

    palette = [
        {"region": 0, "rank": 0, "rgb": [255, 0, 0], "hex": "#ff0000", "hsv": [0, 1, 1], "share": 0.1},
        {"region": 0, "rank": 1, "rgb": [0, 0, 255], "hex": "#0000ff", "hsv": [240, 1, 1], "share": 0.05},
        {"region": 4, "rank": 0, "rgb": [0, 0, 0], "hex": "#000000", "hsv": [0, 0, 0], "share": 0.85},
    ]  # fmt: skip
    red, blue, black = swatches(palette)
    assert (red.x, red.y, red.height) == (0, 0, pytest.approx(CELL_H * 2 / 3))
    assert (blue.y, blue.height) == (pytest.approx(CELL_H * 2 / 3), pytest.approx(CELL_H / 3))
    assert (black.x, black.y, black.height) == (100, CELL_H, CELL_H)
    points = plot_points(palette)
    assert points["hsv"][1] == pytest.approx(
        [np.cos(np.radians(240)), np.sin(np.radians(240)), 1], abs=1e-4
    )
    assert points["rgb"][0] == [255, 0, 0]

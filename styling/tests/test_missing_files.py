"""A row whose file the store no longer has is the site's 404 page, never a 500: a clip's
frames and thumbnails, its downloads and its "before" clip, and a photo job's result."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.test import Client

from styling.clip_files import frame_name, storage
from styling.models import ClipRender
from styling.tests.factories import (
    ClipFactory,
    ClipRenderFactory,
    StylingJobFactory,
    UploadFactory,
    flat_png,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def render(client: Client) -> ClipRender:
    """A signed-in shopper's finished clip: two styled frames, its downloads and its before."""
    user = get_user_model().objects.create_user("mika", "mika@example.com", "pw-mika-42")
    client.force_login(user)
    job = StylingJobFactory(upload=UploadFactory(owner_user=user))
    ClipFactory(upload=job.upload)
    for i in range(2):
        storage().save(frame_name(job, i), ContentFile(flat_png()))
    return ClipRenderFactory(job=job)


def url_and_name(render: ClipRender, what: str) -> tuple[str, str]:
    """The URL that serves ``what`` and the stored name behind it."""
    job = render.job
    if what.startswith("frame"):
        query = "?thumb" if what == "frame-thumb" else ""
        return f"/create/jobs/{job.pk}/frames/1.png{query}", frame_name(job, 1)
    if what == "before":
        return f"/create/uploads/{job.upload.pk}/before.mp4", job.upload.clip.before.name
    if what == "result":
        return f"/create/jobs/{job.pk}/result.png", job.result.name
    if what.startswith("download"):
        return f"/create/jobs/{job.pk}/{what}", job.result.name
    fmt = what.split("?")[0]
    return f"/create/jobs/{job.pk}/clip.{what}", getattr(render, fmt).name


WHAT = [
    "frame",
    "frame-thumb",
    "mp4",
    "gif",
    "webp",
    "mp4?download",
    "before",
    "result",
    "download.png",
    "download.jpg",
]


@pytest.mark.parametrize("what", WHAT)
def test_a_file_missing_from_the_store_is_a_404_page_not_a_500(client, render, what) -> None:
    url, name = url_and_name(render, what)
    # Given the file is served while it is stored
    assert client.get(url).status_code == 200
    # When the store loses it (the row still points at it)
    storage().delete(name)
    # Then the page is the site's own 404 (the test client would raise on a 500)
    response = client.get(url)
    assert response.status_code == 404
    assert "404.html" in [t.name for t in response.templates]
    assert "Page not found" in response.content.decode()

"""The seeded ``anime-cel`` style: sellable, with samples in the gallery; bad params refused in the admin."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from PIL import Image

from shop.seed import seed_site
from styling import curation
from styling.models import Builtin, SamplesStatus, Style, StyleKind, StyleSample
from styling.rules import not_orderable_reason
from styling.sample_art import SAMPLE_NAMES, portrait
from styling.seed import seed_styles
from styling.tests.test_style_admin import ADD_URL, assert_nothing_saved, gan_post

pytestmark = pytest.mark.django_db


def test_seeded_anime_cel_is_orderable_and_the_gallery_shows_its_samples(client: Client) -> None:
    # Given the seeded site and styles (samples queued, not yet made)
    home = seed_site()
    seed_styles(home)
    style = Style.objects.get(slug="anime-cel")
    assert (style.kind, style.builtin) == (StyleKind.CLASSICAL, Builtin.ANIME_CEL)
    assert style.is_enabled and style.commercial_use_allowed
    assert style.licence == "Retrocel proprietary (our own code)"
    # Then it can be ordered
    assert not_orderable_reason(style) is None
    # When its samples are made (what the queued task runs)
    assert curation.generate_samples(style_id=style.pk) == "done"
    style.refresh_from_db()
    assert style.samples_status == SamplesStatus.DONE
    samples = list(StyleSample.objects.filter(style=style))
    assert sorted(s.sample_name for s in samples) == sorted(SAMPLE_NAMES)
    for sample in samples:
        with sample.before.open("rb") as fb, sample.after.open("rb") as fa:
            before, after = Image.open(fb).convert("RGB"), Image.open(fa).convert("RGB")
            assert before.size == after.size
            moved = np.abs(np.asarray(before, float) - np.asarray(after, float)).mean()
            assert moved > 5  # restyled, not a copy of the photo
    # And the gallery shows them
    body = client.get("/styles/").content.decode()
    assert "<h2>Anime cel</h2>" in body
    for sample in samples:
        assert f'src="{sample.after.url}"' in body


def test_anime_cel_with_an_out_of_range_parameter_is_refused_in_the_admin(client: Client) -> None:
    user = get_user_model().objects.create_superuser("curator", "c@retrocel.test", "pw-curator-1")
    client.force_login(user)
    data = gan_post("x.pt", b"")
    data.update(kind="classical", architecture="", weights="", builtin="anime-cel")
    data["params"] = '{"line_weight": 5}'
    response = client.post(ADD_URL, data)
    assert response.status_code == 200
    assert response.context["form"].errors["params"] == [
        "anime-cel line_weight must be between 0 and 3"
    ]
    assert_nothing_saved()


def test_a_new_renderer_version_makes_seeding_queue_fresh_samples(monkeypatch) -> None:
    # Given anime-cel seeded with its samples made
    home = seed_site()
    seed_styles(home)
    style = Style.objects.get(slug="anime-cel")
    assert curation.generate_samples(style_id=style.pk) == "done"
    old_key = curation.source_key(style)
    seed_styles(home)
    assert Style.objects.get(pk=style.pk).samples_status == SamplesStatus.DONE  # nothing to redo
    # When the renderer's look changes (its version is bumped) and the site is seeded again
    from ml.styles import BUILTIN_STYLES

    bumped = dataclasses.replace(BUILTIN_STYLES["anime-cel"], version="bumped")
    monkeypatch.setitem(BUILTIN_STYLES, "anime-cel", bumped)
    seed_styles(home)
    # Then the samples are queued again, and made under the new key
    style.refresh_from_db()
    assert curation.source_key(style) != old_key
    assert style.samples_status == SamplesStatus.QUEUED
    assert curation.generate_samples(style_id=style.pk) == "done"
    assert {s.source_sha256 for s in style.samples.all()} == {curation.source_key(style)}


@pytest.mark.parametrize("size", [320, curation.SAMPLE_WORKING_SIZE])
def test_the_sample_portraits_eyes_survive_at_the_samples_size(size: int) -> None:
    # Given the style gallery's portrait (256x320, eyes about 14 px wide) and anime-cel
    from ml.styles import StyleSpec, load_style

    photo = portrait()
    style = load_style(StyleSpec(kind="classical", builtin="anime-cel", params={"grain": 0}))
    # When it is restyled at the size samples are made at (the photo's own, at most 512)
    out = np.asarray(style(photo, size=size), np.float32) / 255
    luma = out @ np.array([0.299, 0.587, 0.114], np.float32)
    # Then both eyes are drawn on the face: a dark mark where each is, not skin painted over
    # (at these sizes an eye's one edge ring filled the texture window and read as texture)
    w, h = photo.size
    for ex in (-0.08, 0.08):
        x, y = int(w / 2 + w * ex), int(h * 0.4)
        eye, cheek = luma[y - 4 : y + 5, x - 7 : x + 8], luma[y + 12 : y + 20, x - 7 : x + 8]
        assert eye.min() < 0.3 and eye.mean() < cheek.mean() - 0.15, (size, ex)

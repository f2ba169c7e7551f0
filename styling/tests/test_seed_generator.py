"""The seeded shop has our own generator ``retrocel-anime-v1``: verified, sellable once enabled, with samples."""

from __future__ import annotations

import pytest
from django.test import Client

from ml.styles_weights import RETROCEL_ANIME_V1
from ml.weights import sha256_file
from shop.seed import seed_site
from styling import curation
from styling.models import SamplesStatus, Style, StyleKind
from styling.rules import not_orderable_reason
from styling.sample_art import SAMPLE_NAMES
from styling.seed import seed_styles

pytestmark = pytest.mark.django_db


def test_seed_adds_retrocel_anime_v1_as_a_generator_that_sells_once_enabled(client: Client) -> None:
    home = seed_site()

    seed_styles(home)

    style = Style.objects.get(slug="retrocel-anime-v1")
    assert (style.kind, style.architecture) == (StyleKind.GAN, "animeganv2_half")
    assert style.weights_sha256 == sha256_file(RETROCEL_ANIME_V1)
    assert style.commercial_use_allowed
    assert style.licence == "Retrocel proprietary (our own weights)"
    # Seeded switched off until better weights ship; an admin's tick makes it sellable.
    assert not style.is_enabled
    assert not_orderable_reason(style) == (
        f"The {style.name} style is no longer offered, so it cannot be printed."
    )
    style.is_enabled = True
    style.save()
    assert not_orderable_reason(style) is None
    assert curation.generate_samples(style_id=style.pk) == "done"
    style.refresh_from_db()
    assert style.samples_status == SamplesStatus.DONE
    assert sorted(style.samples.values_list("sample_name", flat=True)) == sorted(SAMPLE_NAMES)
    body = client.get("/styles/").content.decode()
    assert "<h2>Retrocel anime v1</h2>" in body

"""Licence gate, the style gallery page, the home page's featured styles, sample generation."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from shop.models import HomePage
from shop.seed import seed_site
from styling import curation
from styling.models import SamplesStatus, StyleSample
from styling.pages import StyleIndexPage
from styling.rules import not_orderable_reason
from styling.sample_art import SAMPLE_NAMES
from styling.tests.factories import StyleFactory

pytestmark = pytest.mark.django_db

NON_COMMERCIAL_REASON = (
    "The Paprika style is for previews only: its licence (CC BY-NC 4.0) does not allow "
    "commercial use, so we cannot print or sell it. Pick another style to order."
)


def test_non_commercial_style_cannot_be_ordered() -> None:
    style = StyleFactory(name="Paprika", licence="CC BY-NC 4.0", commercial_use_allowed=False)
    assert not_orderable_reason(style) == NON_COMMERCIAL_REASON


def test_disabled_style_cannot_be_ordered() -> None:
    style = StyleFactory(name="Old look", is_enabled=False)
    assert (
        not_orderable_reason(style)
        == "The Old look style is no longer offered, so it cannot be printed."
    )


def test_commercial_enabled_style_can_be_ordered() -> None:
    assert not_orderable_reason(StyleFactory()) is None


@pytest.fixture
def gallery() -> StyleIndexPage:
    home = seed_site()
    page = StyleIndexPage(title="Styles", slug="styles")
    home.add_child(instance=page)
    page.save_revision().publish()
    return page


def test_style_index_page_tree_rules(gallery: StyleIndexPage) -> None:
    home = HomePage.objects.get()
    assert not StyleIndexPage.can_create_at(home)  # max_count 1
    assert StyleIndexPage.allowed_parent_page_models() == [HomePage]
    assert StyleIndexPage.allowed_subpage_models() == []


def test_gallery_shows_enabled_styles_with_samples_and_the_licence_reason(
    client: Client, gallery: StyleIndexPage
) -> None:
    # Given a commercial style with samples, a preview-only style and a disabled one
    cel = StyleFactory(name="Retro cel", slug="retro-cel", sort_order=0)
    assert curation.generate_samples(style_id=cel.pk) == "done"
    StyleFactory(
        name="Paprika", slug="paprika", licence="CC BY-NC 4.0", commercial_use_allowed=False,
        sort_order=1,
    )  # fmt: skip
    StyleFactory(name="Hidden", slug="hidden", is_enabled=False)
    # When a shopper opens /styles/
    response = client.get("/styles/")
    body = response.content.decode()
    # Then both enabled styles show, in order, with before/after pairs and the gate's reason
    assert response.status_code == 200
    assert body.index("<h2>Retro cel</h2>") < body.index("<h2>Paprika</h2>")
    assert "Hidden" not in body
    for sample in StyleSample.objects.filter(style=cel):
        assert f'src="{sample.before.url}"' in body and f'src="{sample.after.url}"' in body
    assert NON_COMMERCIAL_REASON in body
    assert body.count("Use this style") == 1
    assert body.count("Preview on your photo") == 1


def test_gallery_query_count_does_not_grow_with_styles(client: Client, gallery) -> None:
    StyleFactory()
    client.get("/styles/")

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/styles/").status_code == 200
        return len(ctx.captured_queries)

    one = queries()
    for _ in range(4):
        StyleFactory()
    assert one == queries()


def test_home_page_features_styles_with_their_sample(client: Client) -> None:
    seed_site()
    style = StyleFactory(name="Retro cel", summary="Flat paint and ink.")
    curation.generate_samples(style_id=style.pk)
    after = StyleSample.objects.filter(style=style).first().after.url
    body = client.get("/").content.decode()
    assert f'<img src="{after}" alt="Retro cel sample"' in body
    assert "Our style artists are still mixing" not in body


def test_samples_are_generated_once_per_source_and_redone_when_it_changes() -> None:
    style = StyleFactory()
    assert curation.generate_samples(style_id=style.pk) == "done"
    first = {s.sample_name: (s.after.name, s.source_sha256) for s in style.samples.all()}
    assert sorted(first) == sorted(SAMPLE_NAMES)
    assert all(default_storage.exists(name) for name, _ in first.values())
    # Running again changes nothing
    assert curation.generate_samples(style_id=style.pk) == "done"
    assert {s.sample_name: (s.after.name, s.source_sha256) for s in style.samples.all()} == first
    # A parameter change makes new samples under a new key
    style.params = {"palette_size": 6}
    style.save()
    assert curation.generate_samples(style_id=style.pk) == "done"
    style.refresh_from_db()
    again = {s.sample_name: s.source_sha256 for s in style.samples.all()}
    assert set(again.values()) == {curation.source_key(style)}
    assert style.samples_status == SamplesStatus.DONE

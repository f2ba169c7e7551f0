"""The Catalog admin viewsets and the idempotent demo catalogue."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from catalog.models import MockupTemplate, PrintSpec, Product, Variant
from catalog.pages import ProductPage
from catalog.seed import SPECS, seed_catalog
from shop.seed import seed_site

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client: Client) -> Client:
    client.force_login(get_user_model().objects.create_superuser("ed", "e@r.test", "pw-ed-12345"))
    return client


@pytest.mark.parametrize("model", ["printspec", "product", "variant", "mockuptemplate"])
def test_catalog_viewsets_list_and_add_pages_render(admin_client: Client, model: str) -> None:
    assert admin_client.get(f"/cms/snippets/catalog/{model}/").status_code == 200
    assert admin_client.get(f"/cms/snippets/catalog/{model}/add/").status_code == 200


def test_catalog_menu_groups_the_catalogue(admin_client: Client) -> None:
    html = admin_client.get("/cms/").content.decode()
    assert "Catalog" in html


def test_bad_spec_posted_in_the_admin_is_refused_with_its_message(admin_client: Client) -> None:
    response = admin_client.post(
        "/cms/snippets/catalog/printspec/add/",
        {
            "name": "Broken",
            "trim_width_mm": "20",
            "trim_height_mm": "30",
            "bleed_mm": "12",
            "safe_margin_mm": "3",
            "min_dpi": "300",
            "recommended_dpi": "300",
            "mockup": "poster_frame",
            "masks": "[]",
            "source": "",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["bleed_mm"] == [
        "A 12 mm bleed on each side is larger than the 20 mm trim it surrounds."
    ]
    assert PrintSpec.objects.count() == 0


@pytest.mark.slow
def test_seed_catalog_is_complete_and_idempotent() -> None:
    home = seed_site()
    seed_catalog(home)
    seed_catalog(home)
    assert PrintSpec.objects.count() == len(SPECS) == 8
    assert MockupTemplate.objects.count() == 8
    assert Product.objects.count() == 3 and ProductPage.objects.live().count() == 3
    assert sorted(Variant.objects.values_list("sku", flat=True)) == [
        "CASE-IP15", "CASE-S24", "MUG-11OZ", "MUG-15OZ",
        "PST-12X18", "PST-18X24", "PST-A2", "PST-A3",
    ]  # fmt: skip
    assert all(v.mockup.name.startswith("mockups/") for v in Variant.objects.all())
    mug = PrintSpec.objects.get(name="Mug 11 oz wrap")
    assert (mug.trim_width_mm, mug.trim_height_mm, mug.is_wrap) == (
        Decimal("228.60"), Decimal("88.90"), True,
    )  # fmt: skip
    assert [m["kind"] for m in mug.masks] == ["handle", "handle"]
    tiers = dict(PrintSpec.objects.values_list("name", "min_dpi"))
    assert tiers == {
        "Mug 11 oz wrap": 150, "Mug 15 oz wrap": 150,
        "Poster 12 x 18 in": 150, "Poster 18 x 24 in": 150, "Poster A2": 150, "Poster A3": 150,
        "Phone case Galaxy S24": 300, "Phone case iPhone 15": 300,
    }  # fmt: skip
    for spec in PrintSpec.objects.all():
        spec.full_clean()
        assert spec.recommended_dpi == 300
        # Every resolution figure is cited where it comes from.
        assert "Resolution: " in spec.source and "DPI" in spec.source

"""Page tree, rendering of the catalogue pages and the home page, and query counts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from catalog.models import MockupKind, ProductKind
from catalog.pages import ProductIndexPage, ProductPage
from catalog.seed import spec_fields
from catalog.services import refresh_variant_mockups
from catalog.tests.factories import (
    PrintSpecFactory,
    ProductFactory,
    VariantFactory,
    drawn_template,
)
from shop.models import HomePage
from shop.seed import seed_site

pytestmark = pytest.mark.django_db


@pytest.fixture
def poster_spec():
    template = drawn_template(MockupKind.POSTER_FRAME, width_mm=304.8, height_mm=457.2)
    return PrintSpecFactory(**spec_fields("Poster 12 x 18 in"), mockup_template=template)


@pytest.fixture
def index() -> ProductIndexPage:
    home = seed_site()
    page = ProductIndexPage(title="Products", slug="products")
    home.add_child(instance=page)
    page.save_revision().publish()
    return page


def add_product(index: ProductIndexPage, spec, *, variants: int = 2, **kwargs) -> ProductPage:
    product = ProductFactory(**{"kind": ProductKind.POSTER, **kwargs})
    for i in range(variants):
        VariantFactory(
            product=product,
            print_spec=spec,
            name=f"Size {i}",
            price_minor=2000 + 100 * i,
            sort_order=i,
        )
    page = ProductPage(title=product.title, slug=product.slug, product=product)
    index.add_child(instance=page)
    page.save_revision().publish()
    return page


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_page_tree_rules(index: ProductIndexPage) -> None:
    home = HomePage.objects.get()
    assert ProductPage.can_create_at(index)
    assert not ProductPage.can_create_at(home)
    assert not ProductIndexPage.can_create_at(home)  # max_count = 1, and one exists
    assert ProductIndexPage.allowed_subpage_models() == [ProductPage]
    assert ProductPage.allowed_subpage_models() == []
    assert ProductIndexPage.allowed_parent_page_models() == [HomePage]


def test_product_index_lists_live_products_with_mockups(client: Client, index, poster_spec) -> None:
    # Given two live products (one with a cheaper variant) and an inactive one
    poster = add_product(index, poster_spec, title="Art poster", slug="poster")
    add_product(index, poster_spec, title="Wall print", slug="wall-print", variants=1)
    add_product(index, poster_spec, title="Retired", slug="retired", is_active=False)
    refresh_variant_mockups()
    # When a shopper opens /products/
    response = client.get("/products/")
    html = response.content.decode()
    # Then each live product is a card with its mockup and its lowest price
    assert response.status_code == 200
    assert "Art poster" in html and "Wall print" in html and "Retired" not in html
    assert html.count("from $20.00") == 2
    variant = poster.product.variants.first()
    variant.refresh_from_db()
    assert variant.mockup.name.startswith("mockups/")
    assert f'src="{variant.mockup.url}"' in html
    assert 'href="/products/poster/"' in html


def test_product_page_shows_variants_prices_and_design_cta(
    client: Client, index, poster_spec
) -> None:
    page = add_product(index, poster_spec, title="Art poster", slug="poster", variants=2)
    hidden = VariantFactory(
        product=page.product, print_spec=poster_spec, is_active=False, name="Old"
    )
    refresh_variant_mockups()
    first, second = page.product.variants.filter(is_active=True).order_by("sort_order")
    response = client.get("/products/poster/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Art poster</h1>" in html
    assert "$20.00" in html and "$21.00" in html
    assert f'href="/create/?variant={first.pk}"' in html
    assert f'href="/create/?variant={second.pk}"' in html
    assert f"variant={hidden.pk}" not in html and ">Old<" not in html
    assert "304.8 x 457.2 mm (12.00 x 18.00 in)" in html
    first.refresh_from_db()
    assert f'<img src="{first.mockup.url}"' in html


def test_home_page_features_real_products(client: Client, index, poster_spec) -> None:
    add_product(index, poster_spec, title="Art poster", slug="poster")
    refresh_variant_mockups()
    html = client.get("/").content.decode()
    assert '<a href="/products/poster/">Art poster</a>' in html
    assert "from $20.00" in html
    assert "Mugs, posters and phone cases are on their way" not in html


def test_index_query_count_does_not_grow_with_products(client: Client, index, poster_spec) -> None:
    for i in range(2):
        add_product(index, poster_spec, slug=f"p{i}")
    refresh_variant_mockups()
    client.get("/products/")  # warm Wagtail's site-root cache
    two = count_queries(client, "/products/")
    for i in range(2, 7):
        add_product(index, poster_spec, slug=f"p{i}", variants=3)
    seven = count_queries(client, "/products/")
    # site, 3 routing lookups, alias check, 2 view-restriction checks, product pages, variants
    assert two == seven == 9


def test_product_page_query_count_does_not_grow_with_variants(
    client: Client, index, poster_spec
) -> None:
    add_product(index, poster_spec, slug="few", variants=1)
    add_product(index, poster_spec, slug="many", variants=6)
    client.get("/products/few/")
    assert count_queries(client, "/products/few/") == count_queries(client, "/products/many/") == 10

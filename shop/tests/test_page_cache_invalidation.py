"""Every kind of content change reaches the next anonymous response, through the real Redis
page cache: warm the page (a hit), change the content the way editors and shoppers do, and
the next response is rendered again (a miss) and shows the change. No sleeps, no timeouts:
the tokens change when the write commits (``django_capture_on_commit_callbacks`` runs the
real on-commit callbacks at the commit point of the test's transaction)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from wagtail.models import PageViewRestriction

from catalog.pages import ProductPage
from catalog.services import refresh_variant_mockups
from catalog.tests.factories import ProductFactory, VariantFactory
from shop.pagecache import generations
from showcase import services as gallery
from showcase.tests.factories import EntryFactory, ShopperFactory, design_of
from styling import curation
from styling.models import StyleSample
from styling.tests.factories import StyleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def after(page_cache, storefront, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """``after(path, change)``: warm ``path``, apply ``change`` in a committed write, and
    return the next anonymous response's body (asserting it was rendered, not replayed)."""

    def run(path: str, change: Callable[[], object], *, status: int = 200) -> str:
        client = Client()
        client.get(path)
        assert client.get(path)["X-Page-Cache"] == "hit"
        with django_capture_on_commit_callbacks(execute=True):
            change()
        response = client.get(path)
        assert response.status_code == status
        assert response.get("X-Page-Cache") != "hit"
        return response.content.decode()

    return run


def test_editor_edits_and_publishes_a_page(after, storefront) -> None:
    def retitle() -> None:
        page = storefront.index.specific
        page.title = "Things to print on"
        page.save_revision().publish()

    assert "<h1>Things to print on</h1>" in after("/products/", retitle)


def test_editor_publishes_a_new_product_page(after, storefront) -> None:
    def add() -> None:
        mug = ProductFactory(title="Ceramic mug", slug="mug")
        VariantFactory(product=mug, print_spec=storefront.variant.print_spec, price_minor=1600)
        page = ProductPage(title="Ceramic mug", slug="mug", product=mug)
        storefront.index.add_child(instance=page)
        page.save_revision().publish()

    assert "<h2>Ceramic mug</h2>" in after("/products/", add)


def test_editor_unpublishes_a_page(after, storefront) -> None:
    unpublish = storefront.product_page.unpublish
    after("/products/poster/", unpublish, status=404)


def test_unpublished_product_leaves_the_index(after, storefront) -> None:
    assert "<h2>Art poster</h2>" not in after("/products/", storefront.product_page.unpublish)


def test_editor_makes_a_page_private(after, storefront) -> None:
    def restrict() -> None:
        PageViewRestriction.objects.create(
            page=storefront.product_page, restriction_type=PageViewRestriction.LOGIN
        )

    after("/products/poster/", restrict, status=302)


def test_product_change_reaches_its_page(after, storefront) -> None:
    def describe() -> None:
        storefront.product.summary = "Heavyweight matte paper, printed to the edge."
        storefront.product.save()

    assert "Heavyweight matte paper" in after("/products/poster/", describe)


def test_variant_price_change(after, storefront) -> None:
    def cheaper() -> None:
        storefront.variant.price_minor = 1900
        storefront.variant.save()

    assert "$24.00" in Client().get("/products/poster/").content.decode()
    body = after("/products/poster/", cheaper)
    assert "$19.00" in body and "$24.00" not in body
    assert "from $19.00" in after("/products/", lambda: storefront.variant.save())


def test_variant_switched_off(after, storefront) -> None:
    def retire() -> None:
        storefront.variant.is_active = False
        storefront.variant.save()

    assert "This product is not available right now." in after("/products/poster/", retire)


def test_mockup_refresh_written_with_a_queryset_update(after, storefront) -> None:
    assert not storefront.variant.mockup
    body = after("/products/poster/", refresh_variant_mockups)
    storefront.variant.refresh_from_db()
    assert storefront.variant.mockup and f'src="{storefront.variant.mockup.url}"' in body


def test_style_disabled_and_enabled_again(after, storefront) -> None:
    style = storefront.style

    def toggle(enabled: bool) -> Callable[[], None]:
        def run() -> None:
            style.is_enabled = enabled
            style.save()

        return run

    assert "<h2>Moonlit ink</h2>" not in after("/styles/", toggle(False))
    assert "<h2>Moonlit ink</h2>" in after("/styles/", toggle(True))


def test_style_renamed_reaches_the_home_page(after, storefront) -> None:
    def rename() -> None:
        storefront.style.name = "Moonlit ink deluxe"
        storefront.style.save()

    assert "Moonlit ink deluxe" in after("/", rename)


def test_style_samples_generated_and_removed(after, storefront) -> None:
    style = storefront.style
    body = after("/styles/", lambda: curation.generate_samples(style_id=style.pk))
    samples = list(StyleSample.objects.filter(style=style))
    assert samples and all(f'src="{s.after.url}"' in body for s in samples)
    body = after("/styles/", lambda: StyleSample.objects.filter(style=style).delete())
    assert "Samples are on their way." in body


def test_style_palette_written_by_the_samples_task_alone(after, storefront) -> None:
    # Given current samples but no stored palette (as before the palette existed)
    style = storefront.style
    assert curation.generate_samples(style_id=style.pk) == "done"
    type(style).objects.filter(pk=style.pk).update(palette=[])
    # When the task runs again, its only write is the QuerySet.update that stores the palette
    body = after("/styles/", lambda: curation.generate_samples(style_id=style.pk))
    # Then the gallery shows it (curation calls pagecache.changed after that update)
    style.refresh_from_db()
    assert style.palette and f'id="palette-plot-{style.slug}"' in body


def test_new_style_appears(after, storefront) -> None:
    assert "<h2>Pop waves</h2>" in after("/styles/", lambda: StyleFactory(name="Pop waves"))


def test_gallery_publish_unpublish_hide_unhide(after, storefront) -> None:
    owner = ShopperFactory()
    design = design_of(owner)
    entry = None

    def publish() -> None:
        nonlocal entry
        entry = gallery.publish(user=owner, design=design, title="Lighthouse in rain")

    assert "Lighthouse in rain" in after("/gallery/", publish)
    assert "Lighthouse in rain" in Client().get("/").content.decode()
    assert "Lighthouse in rain" not in after("/gallery/", lambda: gallery.hide(entry=entry))
    assert "Lighthouse in rain" in after("/gallery/", lambda: gallery.unhide(entry=entry))
    assert "Lighthouse in rain" not in after(
        "/", lambda: gallery.unpublish(user=owner, entry=entry)
    )


def test_a_like_updates_the_gallery_count_but_not_the_catalogue(
    after, storefront, django_capture_on_commit_callbacks
) -> None:
    entry = storefront.entry
    fan = ShopperFactory()
    Client().get("/")
    assert Client().get("/")["X-Page-Cache"] == "hit"
    assert "♡ 0" in Client().get("/gallery/").content.decode()
    assert "♡ 1" in after("/gallery/", lambda: gallery.like(user=fan, entry=entry))
    # likes have their own scope: the home page (no counts on it) stays cached
    assert Client().get("/")["X-Page-Cache"] == "hit"
    assert "♡ 0" in after("/gallery/", lambda: gallery.unlike(user=fan, entry=entry))


def test_gallery_entry_edited_in_the_admin(after, storefront) -> None:
    def retitle() -> None:
        storefront.entry.title = "Harbour at dawn"
        storefront.entry.save()

    assert "Harbour at dawn" in after("/gallery/?sort=liked", retitle)


def test_the_token_changes_at_commit_not_before(
    page_cache, django_capture_on_commit_callbacks
) -> None:
    generations.bump(generations.ALL)
    before = page_cache.get(generations.token_key(generations.ALL))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        StyleFactory()
    assert page_cache.get(generations.token_key(generations.ALL)) == before
    for callback in callbacks:
        callback()
    assert page_cache.get(generations.token_key(generations.ALL)) != before


def test_unrelated_writes_leave_the_cache_alone(
    page_cache, storefront, django_capture_on_commit_callbacks
) -> None:
    client = Client()
    client.get("/styles/")
    with django_capture_on_commit_callbacks(execute=True):
        EntryFactory.build  # noqa: B018 (no write)
        ShopperFactory()  # a new shopper shows on no cached page
    assert client.get("/styles/")["X-Page-Cache"] == "hit"


def test_manual_invalidation_command(page_cache, storefront) -> None:
    from io import StringIO

    from django.core.management import call_command

    client = Client()
    client.get("/products/")
    type(storefront.product).objects.filter(pk=storefront.product.pk).update(
        summary="Changed behind our back."
    )
    assert "Changed behind our back." not in client.get("/products/").content.decode()
    out = StringIO()
    call_command("pagecache_invalidate", stdout=out)
    assert out.getvalue() == "Page cache invalidated.\n"
    response = client.get("/products/")
    assert response["X-Page-Cache"] == "miss"
    assert "Changed behind our back." in response.content.decode()

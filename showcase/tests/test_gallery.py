"""Publishing rules, the listing (sorts, style filter, pages, query counts), share meta, wallpapers."""

from __future__ import annotations

import io
from pathlib import Path

import factory
import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from showcase import services, wallpapers
from showcase.exceptions import EntryHidden, NotAllowed, NotPublishable
from showcase.models import TITLE_MAX, Entry, GalleryPage
from showcase.tests.conftest import client_for
from showcase.tests.factories import EntryFactory, ShopperFactory, design_of
from styling.models import JobStatus
from styling.tests.factories import StyleFactory

pytestmark = pytest.mark.django_db


# --- Publishing ------------------------------------------------------------------------------------
def test_an_unverified_shopper_cannot_publish(client) -> None:  # type: ignore[no-untyped-def]
    shopper = ShopperFactory(verified=False)
    design = design_of(shopper)
    client.force_login(shopper)
    page = client.get(f"/gallery/publish/{design.pk}/").content.decode()
    assert "Please verify your e-mail address first" in page
    response = client.post(f"/gallery/publish/{design.pk}/", {"title": "Hello"})
    assert response.status_code == 400
    assert "Please verify your e-mail address before publishing." in response.content.decode()
    assert not Entry.objects.exists()


def test_a_shopper_cannot_publish_someone_elses_design_through_the_service(owner) -> None:  # type: ignore[no-untyped-def]
    design = design_of(ShopperFactory())
    with pytest.raises(NotAllowed):
        services.publish(user=owner, design=design, title="Not mine")
    assert not Entry.objects.exists()


def test_an_unfinished_design_cannot_be_published(owner) -> None:  # type: ignore[no-untyped-def]
    design = design_of(owner, job__status=JobStatus.RUNNING)
    with pytest.raises(NotPublishable):
        services.publish(user=owner, design=design, title="Soon")


@pytest.mark.parametrize(
    ("title", "caption", "error"),
    [
        ("   ", "", "This field is required."),
        ("x" * (TITLE_MAX + 1), "", f"at most {TITLE_MAX} characters"),
        ("Fine", "y" * 281, "at most 280 characters"),
    ],
)
def test_titles_and_captions_are_length_limited(client, owner, title, caption, error) -> None:  # type: ignore[no-untyped-def]
    design = design_of(owner)
    client.force_login(owner)
    response = client.post(f"/gallery/publish/{design.pk}/", {"title": title, "caption": caption})
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not Entry.objects.exists()


def test_titles_and_captions_are_escaped_everywhere(client, owner) -> None:  # type: ignore[no-untyped-def]
    design = design_of(owner)
    client.force_login(owner)
    nasty = '<script>alert("x")</script>'
    client.post(f"/gallery/publish/{design.pk}/", {"title": nasty, "caption": nasty + " & co"})
    entry = Entry.objects.get()
    for url in ("/gallery/", f"/gallery/{entry.pk}/", "/accounts/"):
        body = client.get(url).content.decode()
        assert "<script>alert" not in body
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in body


def test_republishing_updates_and_a_hidden_entry_stays_hidden(owner) -> None:  # type: ignore[no-untyped-def]
    design = design_of(owner)
    first = services.publish(user=owner, design=design, title="One")
    services.unpublish(user=owner, entry=first)
    again = services.publish(user=owner, design=design, title="Two", caption="  more   words ")
    assert again.pk == first.pk and again.is_published and again.caption == "more words"
    services.hide(entry=again, note="Not appropriate")
    services.unpublish(user=owner, entry=again)
    with pytest.raises(EntryHidden):
        services.publish(user=owner, design=design, title="Three")
    again.refresh_from_db()
    assert again.is_hidden and again.title == "Two"


def test_unlike_takes_the_like_back_once(owner) -> None:  # type: ignore[no-untyped-def]
    entry = EntryFactory()
    assert services.like(user=owner, entry=entry) is True
    assert services.like(user=owner, entry=entry) is False
    assert services.unlike(user=owner, entry=entry) is True
    assert services.unlike(user=owner, entry=entry) is False
    entry.refresh_from_db()
    assert entry.like_count == 0


# --- Listing ----------------------------------------------------------------------------------------
def test_newest_and_most_liked_and_style_filter(client) -> None:  # type: ignore[no-untyped-def]
    now = timezone.now()
    old = EntryFactory(title="Old but loved", published_at=now - timezone.timedelta(days=3))
    EntryFactory(title="Brand new", published_at=now)
    other_style = EntryFactory(title="Other style", published_at=now - timezone.timedelta(days=1))
    Entry.objects.filter(pk=old.pk).update(like_count=5)
    Entry.objects.filter(pk=other_style.pk).update(like_count=1)

    def titles(**params: str) -> list[str]:
        response = client.get("/gallery/", params)
        return [item["entry"].title for item in response.context["entries"]]

    assert titles() == ["Brand new", "Other style", "Old but loved"]
    assert titles(sort="liked") == ["Old but loved", "Other style", "Brand new"]
    assert titles(style=other_style.style.slug) == ["Other style"]
    assert titles(sort="bogus") == titles()


def test_pages_of_24(client) -> None:  # type: ignore[no-untyped-def]
    EntryFactory.create_batch(30)
    first = client.get("/gallery/")
    second = client.get("/gallery/", {"page": 2})
    assert len(first.context["entries"]) == 24 and len(second.context["entries"]) == 6
    assert 'rel="next"' in first.content.decode() and "Page 2 of 2" in second.content.decode()
    assert client.get("/gallery/", {"page": "junk"}).status_code == 200


def _queries(client, url: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_gallery_page_costs_the_same_queries_for_5_or_50_entries(
    django_assert_num_queries, signed_in: bool
) -> None:  # type: ignore[no-untyped-def]
    viewer = ShopperFactory() if signed_in else None
    client = client_for(viewer)
    owner = ShopperFactory()
    style = StyleFactory()
    EntryFactory.create_batch(5, owner=owner, design=factory_design(owner, style), style=style)
    few = _queries(client, "/gallery/")
    EntryFactory.create_batch(45, owner=owner, design=factory_design(owner, style), style=style)
    if viewer is not None:
        services.like(user=viewer, entry=Entry.objects.first())
    with django_assert_num_queries(few):
        response = client.get("/gallery/?sort=liked")
    assert len(response.context["entries"]) == 24
    with django_assert_num_queries(few):
        client.get(f"/gallery/?style={style.slug}&page=2")


def factory_design(owner, style):  # type: ignore[no-untyped-def]
    """A declaration: each entry of a batch gets its own design in ``style``."""
    return factory.LazyFunction(lambda: design_of(owner, job__style=style))


def test_the_gallery_page_type_titles_the_gallery(client) -> None:  # type: ignore[no-untyped-def]
    from shop.seed import seed_site
    from showcase.seed import seed_gallery

    home = seed_site()
    seed_gallery(home)
    page = GalleryPage.objects.get()
    page.title = "Shoppers' wall"
    page.save_revision().publish()
    entry = EntryFactory()
    body = client.get("/gallery/").content.decode()
    assert "<h1>Shoppers&#x27; wall</h1>" in body and entry.title in body


def test_editors_can_place_the_gallery_page_elsewhere(client) -> None:  # type: ignore[no-untyped-def]
    from shop.seed import seed_site
    from showcase.seed import seed_gallery

    seed_gallery(seed_site())
    page = GalleryPage.objects.get()
    page.slug, page.title = "wall", "The wall"
    page.save_revision().publish()
    entry = EntryFactory()
    hidden = EntryFactory(is_hidden=True)
    response = client.get("/wall/")
    body = response.content.decode()
    assert response.status_code == 200 and "<h1>The wall</h1>" in body
    assert entry.title in body and hidden.title not in body


def test_the_home_page_features_recent_public_designs(client) -> None:  # type: ignore[no-untyped-def]
    from shop.seed import seed_site
    from showcase.seed import seed_gallery

    seed_gallery(seed_site())
    shown = EntryFactory(title="Fresh one")
    hidden = EntryFactory(title="Hidden one", is_hidden=True)
    body = client.get("/").content.decode()
    assert "Fresh from the gallery" in body
    assert f"/gallery/{shown.pk}/image.png" in body and hidden.title not in body


# --- Share page --------------------------------------------------------------------------------------
def test_the_share_page_has_open_graph_and_twitter_tags(client) -> None:  # type: ignore[no-untyped-def]
    entry = EntryFactory(title="Koriko at dusk", caption="My town, inked.")
    body = client.get(f"/gallery/{entry.pk}/").content.decode()
    base = "http://testserver"
    assert '<meta property="og:title" content="Koriko at dusk">' in body
    assert f'<meta property="og:image" content="{base}/gallery/{entry.pk}/image.png">' in body
    assert f'<meta property="og:url" content="{base}/gallery/{entry.pk}/">' in body
    assert '<meta property="og:description" content="My town, inked.">' in body
    assert '<meta name="twitter:card" content="summary_large_image">' in body
    assert f'<meta name="twitter:image" content="{base}/gallery/{entry.pk}/image.png">' in body
    assert 'id="copy-link"' in body and 'id="native-share"' in body
    assert f'href="/create/?style={entry.style_id}"' in body  # make your own in this style
    assert "<script>" not in body.replace('<script src="/static/showcase/share.js"></script>', "")


def test_make_your_own_preselects_the_style(client, shared_data: Path) -> None:  # type: ignore[no-untyped-def]
    style = StyleFactory()
    photo = (shared_data / "photos" / "bsd68" / "101085.png").read_bytes()
    response = client.post(
        f"/create/?style={style.pk}", {"photo": ContentFile(photo, name="p.png")}
    )
    assert response.status_code == 302 and response.url.endswith(f"/?style={style.pk}")
    page = client.get(response.url).content.decode()
    assert f'value="{style.pk}" checked' in page or f'checked value="{style.pk}"' in page


# --- Wallpapers --------------------------------------------------------------------------------------
@pytest.mark.parametrize("preset", list(wallpapers.PRESETS.values()), ids=lambda p: p.slug)
def test_wallpapers_are_cropped_and_sized_on_the_server(client, shared_data: Path, preset) -> None:  # type: ignore[no-untyped-def]
    photo = (shared_data / "photos" / "bsd68" / "101085.png").read_bytes()
    entry = EntryFactory()
    job = entry.design.job
    job.result.save("styled.png", ContentFile(photo), save=True)
    response = client.get(f"/gallery/{entry.pk}/wallpaper/{preset.slug}.jpg")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert f'filename="retrocel-{preset.slug}.jpg"' in response["Content-Disposition"]
    image = Image.open(io.BytesIO(response.content))
    assert image.size == (preset.width, preset.height) and image.format == "JPEG"


def test_a_wallpaper_keeps_the_centre_of_the_picture() -> None:
    source = Image.new("RGB", (300, 100), (0, 0, 255))
    source.paste((255, 0, 0), (100, 0, 200, 100))  # red middle third
    preset = wallpapers.PRESETS["phone"]
    out = Image.open(io.BytesIO(wallpapers.render(source, preset)))
    r, g, b = out.getpixel((out.width // 2, out.height // 2))
    assert r > 200 and b < 60  # the centre survived the crop
    r, g, b = out.getpixel((2, out.height // 2))
    assert r > 200  # a tall crop of a wide picture keeps only the middle

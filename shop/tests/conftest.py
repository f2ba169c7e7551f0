"""Fixtures for the page-cache tests: a real Redis behind the page cache, and a storefront."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator

import pytest
import redis

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


def _answers(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """``TEST_REDIS_URL`` (default: CI's Redis on 127.0.0.1:6379), or else a ``redis-server``
    of our own on a free loopback port for this test process. Keys are prefixed per test, so
    parallel test processes and other users of the same Redis never see each other's."""
    url = os.environ.get("TEST_REDIS_URL", DEFAULT_REDIS_URL)
    if _answers(url):
        yield url
        return
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail(
            f"no Redis at {url} and no redis-server to start (apt-get install redis-server)"
        )
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with tempfile.TemporaryDirectory(prefix="retrocel-redis-") as folder:
        proc = subprocess.Popen(
            [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly",
             "no", "--dir", folder],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        url = f"redis://127.0.0.1:{port}/0"
        try:
            deadline = time.monotonic() + 20
            while not _answers(url):
                if time.monotonic() > deadline or proc.poll() is not None:
                    pytest.fail("the redis-server started for the tests did not answer")
                time.sleep(0.1)
            yield url
        finally:
            proc.terminate()
            proc.wait(timeout=10)


@pytest.fixture
def page_cache(settings, redis_url: str) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """The page cache on, in a real Redis cache of its own (a key prefix per test)."""
    from django.core.cache import caches

    prefix = f"test-pagecache-{uuid.uuid4().hex}"
    settings.CACHES = {
        **settings.CACHES,
        "pages": {
            "BACKEND": "shop.cache.RedisCache",  # what settings make of a redis:// CACHE_URL
            "LOCATION": redis_url,
            "KEY_PREFIX": prefix,
        },
    }
    settings.PAGE_CACHE_ALIAS = "pages"
    settings.PAGE_CACHE_SECONDS = 600
    yield caches["pages"]
    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(match=f"{prefix}:*"):
        client.delete(key)


@pytest.fixture
def storefront(db):  # type: ignore[no-untyped-def]
    """Every kind of cached page, small: home, products index, one product with two sizes,
    the styles gallery with one style, the gallery page with one public entry."""
    from types import SimpleNamespace

    from django.conf import settings
    from wagtail.models import Locale, Page

    from catalog.models import MockupKind, ProductKind
    from catalog.pages import ProductIndexPage, ProductPage
    from catalog.seed import spec_fields
    from catalog.tests.factories import (
        PrintSpecFactory,
        ProductFactory,
        VariantFactory,
        drawn_template,
    )
    from shop.seed import seed_site
    from showcase.models import GalleryPage
    from showcase.tests.factories import EntryFactory
    from styling.pages import StyleIndexPage
    from styling.tests.factories import StyleFactory

    # Wagtail's root page and locale come from its migrations; a transactional test's flush
    # removes them, so put them back for a browser test that follows one.
    Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE.split("-")[0])
    if Page.get_first_root_node() is None:
        Page.add_root(instance=Page(title="Root", slug="root"))
    home = seed_site()
    index = ProductIndexPage(title="Products", slug="products")
    home.add_child(instance=index)
    index.save_revision().publish()
    template = drawn_template(MockupKind.POSTER_FRAME, width_mm=304.8, height_mm=457.2)
    spec = PrintSpecFactory(**spec_fields("Poster 12 x 18 in"), mockup_template=template)
    product = ProductFactory(title="Art poster", slug="poster", kind=ProductKind.POSTER)
    small = VariantFactory(product=product, print_spec=spec, name="12 x 18 in", price_minor=2400)
    product_page = ProductPage(title="Art poster", slug="poster", product=product)
    index.add_child(instance=product_page)
    product_page.save_revision().publish()
    styles_page = StyleIndexPage(title="Styles", slug="styles")
    home.add_child(instance=styles_page)
    styles_page.save_revision().publish()
    style = StyleFactory(name="Moonlit ink", slug="moonlit-ink")
    gallery_page = GalleryPage(title="Gallery", slug="gallery")
    home.add_child(instance=gallery_page)
    gallery_page.save_revision().publish()
    entry = EntryFactory(title="Harbour at dusk", style=style)
    return SimpleNamespace(
        home=home, index=index, product=product, variant=small, product_page=product_page,
        styles_page=styles_page, style=style, gallery_page=gallery_page, entry=entry,
    )  # fmt: skip

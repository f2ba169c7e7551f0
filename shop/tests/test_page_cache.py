"""The shared page cache (shop.pagecache) on a real Redis: what is cached, what never is.

Invalidation after content changes is in ``test_page_cache_invalidation.py``.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.test import Client, RequestFactory

from shop.pagecache import marks, policy

pytestmark = pytest.mark.django_db

CACHED_PAGES = ["/", "/products/", "/products/poster/", "/styles/", "/gallery/"]
SECURITY_HEADERS = [
    "Content-Security-Policy",
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
    "Content-Type",
    "Content-Length",
]


@pytest.mark.parametrize("path", CACHED_PAGES)
def test_anonymous_page_is_stored_once_then_served_from_redis(
    page_cache, storefront, path: str
) -> None:
    client = Client()
    first = client.get(path)
    assert first.status_code == 200
    assert first["X-Page-Cache"] == "miss"
    second = client.get(path)
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    for name in SECURITY_HEADERS:
        assert second[name] == first[name], name
    assert "default-src 'self'" in second["Content-Security-Policy"]
    assert not second.cookies and not second.has_header("Set-Cookie")
    assert b"csrfmiddlewaretoken" not in second.content
    # the entry really is in Redis, under this test's prefix
    assert (
        len(page_cache._cache.get_client().keys(f"{page_cache.key_prefix}:*pagecache:page:*")) == 1
    )


def test_head_is_answered_from_the_stored_get(page_cache, storefront) -> None:
    client = Client()
    body = client.get("/products/").content
    head = client.head("/products/")
    assert head.status_code == 200
    assert head["X-Page-Cache"] == "hit"
    assert head.content == b""
    assert head["Content-Length"] == str(len(body))


def test_signed_in_visitor_bypasses_the_cache_both_ways(page_cache, storefront) -> None:
    user = get_user_model().objects.create_user("kiki", "kiki@example.com", "pw-kiki-42")
    signed_in = Client()
    signed_in.force_login(user)
    # A signed-in view is neither served from nor written to the cache...
    mine = signed_in.get("/")
    assert "X-Page-Cache" not in mine
    assert 'href="/accounts/"' in mine.content.decode()
    anonymous = Client().get("/")
    assert anonymous["X-Page-Cache"] == "miss"
    assert "Sign in" in anonymous.content.decode()
    # ...and once an anonymous copy is stored, the signed-in header still renders for them.
    assert Client().get("/")["X-Page-Cache"] == "hit"
    again = signed_in.get("/")
    assert "X-Page-Cache" not in again
    assert 'href="/accounts/"' in again.content.decode()


def test_any_cookie_but_the_csrf_cookie_bypasses(page_cache, storefront) -> None:
    Client().get("/styles/")
    with_session = Client()
    with_session.cookies["sessionid"] = "not-a-real-session"
    assert "X-Page-Cache" not in with_session.get("/styles/")
    with_csrf = Client()
    with_csrf.cookies["csrftoken"] = "x" * 32
    assert with_csrf.get("/styles/")["X-Page-Cache"] == "hit"


def test_pages_outside_the_storefront_are_never_stored(page_cache, storefront) -> None:
    client = Client()
    for path in [f"/gallery/{storefront.entry.pk}/", "/cart/", "/create/", "/accounts/login/"]:
        client.get(path)
        response = client.get(path)
        assert "X-Page-Cache" not in response, path
    assert page_cache._cache.get_client().keys(f"{page_cache.key_prefix}:*pagecache:page:*") == []


def test_query_strings_are_separate_pages_and_unknown_parameters_are_not_stored(
    page_cache, storefront
) -> None:
    client = Client()
    assert client.get("/gallery/?sort=liked")["X-Page-Cache"] == "miss"
    assert client.get("/gallery/?sort=new")["X-Page-Cache"] == "miss"
    assert client.get("/gallery/?sort=liked")["X-Page-Cache"] == "hit"
    client.get("/?utm_source=newsletter")
    assert "X-Page-Cache" not in client.get("/?utm_source=newsletter")


def test_posts_and_missing_pages_are_not_cached(page_cache, storefront) -> None:
    client = Client()
    client.get("/no-such-page/")
    assert client.get("/no-such-page/").status_code == 404
    assert "X-Page-Cache" not in client.get("/no-such-page/")
    assert "X-Page-Cache" not in client.post("/styles/")


def test_a_host_not_allowed_is_still_refused(page_cache, storefront) -> None:
    assert Client().get("/", HTTP_HOST="evil.example").status_code == 400


def test_cache_outage_serves_pages_uncached(settings, storefront) -> None:
    settings.CACHES = {
        **settings.CACHES,
        "pages": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        },
    }
    settings.PAGE_CACHE_ALIAS = "pages"
    settings.PAGE_CACHE_SECONDS = 600
    response = Client().get("/products/")
    assert response.status_code == 200
    assert "Art poster" in response.content.decode()
    assert "X-Page-Cache" not in response


# --- the store rules one by one ----------------------------------------------------------------


def _refusal(response: HttpResponse, path: str = "/", mark: marks.Mark | None = None) -> str | None:
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get(path)
    request.user = AnonymousUser()
    return policy.store_refusal(request, response, mark or marks.Mark())


def test_store_rules() -> None:
    assert _refusal(HttpResponse("<p>fine</p>")) is None
    token = HttpResponse('<input type="hidden" name="csrfmiddlewaretoken" value="abc">')
    assert _refusal(token) == "CSRF token in the page"
    cookie = HttpResponse("x")
    cookie.set_cookie("csrftoken", "abc")
    assert _refusal(cookie) == "sets a cookie"
    private = HttpResponse("x", headers={"Cache-Control": "private, max-age=0"})
    assert _refusal(private) == "private cache-control"
    varies = HttpResponse("x", headers={"Vary": "Cookie, Accept-Language"})
    assert _refusal(varies) == "varies on a header the key does not hold"
    assert _refusal(HttpResponse("x", headers={"Vary": "Cookie"})) is None
    nonce = HttpResponse("x", headers={"Content-Security-Policy": "script-src 'nonce-abc'"})
    assert _refusal(nonce) == "CSP nonce"
    assert _refusal(HttpResponse("x", status=404)) == "status"
    assert _refusal(HttpResponse("x"), "/?page=2") == "unexpected query parameter"
    assert _refusal(HttpResponse("x"), "/?page=2", marks.Mark(query=frozenset({"page"}))) is None

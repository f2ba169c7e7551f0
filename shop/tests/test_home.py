"""The seeded site: home page and Wagtail admin."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.test import Client

from shop.models import HomePage
from shop.seed import seed_admin, seed_site

pytestmark = pytest.mark.django_db


def test_seed_demo_is_idempotent() -> None:
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)
    assert HomePage.objects.count() == 1
    from wagtail.models import Site

    site = Site.objects.get(is_default_site=True)
    assert site.root_page.specific_class is HomePage


def test_home_page_renders_hero_and_empty_states(client: Client) -> None:
    seed_site()
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "hand-inked like a 90s anime cel" in html
    assert 'href="/products/"' in html and 'href="/cart/"' in html


def test_unknown_url_renders_the_site_404(client: Client) -> None:
    seed_site()
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_seeded_admin_can_log_in_to_wagtail(client: Client) -> None:
    seed_site()
    creds = seed_admin("admin", None, "admin@retrocel.test")
    assert creds.password
    response = client.post("/cms/login/", {"username": "admin", "password": creds.password})
    assert response.status_code == 302
    dashboard = client.get("/cms/")
    assert dashboard.status_code == 200
    assert dashboard.wsgi_request.user.username == "admin"
    # the dashboard's own heading is the site name (WAGTAIL_SITE_NAME), not the sign-in form
    assert re.search(r'<h1 class="w-h1 w-mt-0">\s*Retrocel\s*</h1>', dashboard.content.decode())


def test_wrong_password_is_refused(client: Client) -> None:
    seed_admin("admin", "correct-horse-battery", "admin@retrocel.test")
    response = client.post("/cms/login/", {"username": "admin", "password": "nope"})
    assert response.status_code == 200
    assert client.get("/cms/").status_code == 302

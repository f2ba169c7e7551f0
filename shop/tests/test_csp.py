"""Content-Security-Policy: strict on shop pages, a separate documented policy for the admin,
templates without inline code, and a browser watch that fails a test on any violation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings

from devkit.browser import CspViolation, chromium

pytestmark = pytest.mark.django_db

STRICT = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "font-src 'self'; connect-src 'self'; frame-src 'none'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'self'"
)


def directives(header: str) -> dict[str, list[str]]:
    return {name: values for name, *values in (part.split() for part in header.split(";"))}


@pytest.mark.parametrize("path", ["/cart/", "/create/", "/accounts/login/", "/no-such-page/"])
def test_shop_pages_get_the_strict_policy(client: Client, path: str) -> None:
    response = client.get(path)
    assert directives(response["Content-Security-Policy"]) == directives(STRICT)


def test_the_500_page_gets_the_strict_policy_and_needs_nothing_inline() -> None:
    client = Client(raise_request_exception=False)
    with override_settings(ROOT_URLCONF="shop.tests.urls_boom"):
        response = client.get("/boom/")
    assert response.status_code == 500
    assert directives(response["Content-Security-Policy"]) == directives(STRICT)
    body = response.content.decode()
    assert "<style" not in body and "css/error.css" in body


def test_the_admin_gets_its_own_policy_inline_allowed_but_no_other_origin(client: Client) -> None:
    response = client.get("/cms/login/")
    assert response.status_code == 200
    policy = directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["default-src"] == policy["connect-src"] == ["'self'"]
    assert policy["frame-src"] == ["'self'"] and policy["object-src"] == ["'none'"]
    # and a shop page next to it keeps the strict one
    assert "'unsafe-inline'" not in client.get("/cart/")["Content-Security-Policy"]


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(ld\+)?json)[^>]*>", re.I), "script"),
    (re.compile(r"<style\b", re.I), "<style> element"),
    (re.compile(r"\sstyle\s*=\s*[\"']", re.I), "style attribute"),
    (re.compile(r"\son[a-z]+\s*=\s*[\"']", re.I), "event-handler attribute"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def test_no_page_template_holds_inline_script_or_style() -> None:
    # E-mails are not under CSP (mail clients want inline styles), so they are left out.
    root = Path(settings.BASE_DIR) / "templates"
    found = [
        f"{path.relative_to(root)}: {what}"
        for path in sorted(root.rglob("*.html"))
        if "email" not in path.parts
        for pattern, what in INLINE
        if pattern.search(path.read_text())
    ]
    assert found == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_browser_watch_fails_a_test_on_a_csp_violation(live_server, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    # Given a shop page in the watched browser, with no violation so far
    with pytest.raises(CspViolation) as caught, chromium() as context:
        page = context.new_page()
        page.goto(f"{live_server.url}/cart/")
        page.wait_for_load_state("load")
        assert context.csp.violations == []
        # When something injects an inline script and an inline <style> into the page
        page.evaluate(
            """() => {
                    const s = document.createElement("script");
                    s.textContent = "window.injected = true;";
                    document.body.appendChild(s);
                    const st = document.createElement("style");
                    st.textContent = "body { background: red; }";
                    document.head.appendChild(st);
                }"""
        )
        page.wait_for_timeout(300)
        # Then neither ran ...
        assert page.evaluate("() => window.injected") is None
        assert page.evaluate("() => getComputedStyle(document.body).backgroundColor") != (
            "rgb(255, 0, 0)"
        )
    # ... and leaving the browser block fails the test, naming both directives
    message = str(caught.value)
    assert "script-src-elem refused inline" in message
    assert "style-src-elem refused inline" in message

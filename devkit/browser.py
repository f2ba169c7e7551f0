"""Headless Chromium for the browser tests, with a Content-Security-Policy watch.

Every browser test opens its pages through ``chromium()``. The context it yields
records each CSP violation two ways: a ``securitypolicyviolation`` listener added
to every document before its own scripts run (reported through a Playwright
binding), and Chromium's console message ("Refused to ... Content Security
Policy"), which still arrives when the page navigates away before the binding
call lands. When the test body finishes, any recorded violation fails the test,
so a page that needs an inline script or a third-party origin cannot pass.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, ConsoleMessage, Page

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip

_BINDING = "__retrocelCspViolation"
_LISTENER = f"""
document.addEventListener("securitypolicyviolation", (e) => {{
  const where = (e.sourceFile || e.documentURI) + ":" + e.lineNumber;
  const what = e.blockedURI || "inline";
  window.{_BINDING} && window.{_BINDING}(e.effectiveDirective + " refused " + what + " at " + where);
}}, true);
"""


class CspViolation(AssertionError):
    """A page broke the Content-Security-Policy during a browser test."""


class CspWatch:
    """Collects the CSP violations of every page in one browser context."""

    def __init__(self) -> None:
        self.violations: list[str] = []

    def attach(self, context: BrowserContext) -> None:
        context.expose_binding(_BINDING, self._from_listener)
        context.add_init_script(_LISTENER)
        context.on("page", lambda page: page.on("console", self._from_console))

    def _from_listener(self, source: dict[str, Any], text: str) -> None:
        self.violations.append(f"securitypolicyviolation: {text}")

    def _from_console(self, message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            self.violations.append(f"console {message.type}: {message.text}")

    def check(self) -> None:
        if self.violations:
            raise CspViolation("Content-Security-Policy violations:\n" + "\n".join(self.violations))


@contextmanager
def chromium(**context_options: Any) -> Iterator[BrowserContext]:
    """A fresh headless Chromium context; fails on CSP violations once the block ends.

    The context carries its watch as ``context.csp`` so a test can look at (or,
    to prove the watch works, clear) what it recorded.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(**context_options)
            watch = CspWatch()
            watch.attach(context)
            context.csp = watch  # type: ignore[attr-defined]
            yield context
            watch.check()
        finally:
            browser.close()


def wagtail_login(page: Page, base: str, username: str, password: str) -> None:
    """Sign in to the Wagtail admin through its own form, as a moderator does, and wait for it."""
    page.goto(f"{base}/cms/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/cms/")

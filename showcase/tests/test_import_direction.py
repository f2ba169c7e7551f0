"""The new apps sit above the old ones: nothing in catalog, styling, orders, printing or ml
imports ``accounts`` or ``showcase``, and ``showcase`` does not import ``accounts``."""

from __future__ import annotations

from pathlib import Path

from orders.tests.test_import_isolation import _imported_modules

REPO = Path(__file__).resolve().parents[2]


def _offenders(app: str, forbidden: set[str]) -> dict[str, list[str]]:
    found = {}
    for path in sorted((REPO / app).rglob("*.py")):
        names = sorted(n for n in _imported_modules(path) if n.split(".")[0] in forbidden)
        if names:
            found[str(path.relative_to(REPO))] = names
    return found


def test_older_apps_never_import_the_new_ones() -> None:
    for app in ("catalog", "styling", "orders", "printing", "ml"):
        assert _offenders(app, {"accounts", "showcase"}) == {}


def test_the_gallery_does_not_import_accounts() -> None:
    assert _offenders("showcase", {"accounts"}) == {}

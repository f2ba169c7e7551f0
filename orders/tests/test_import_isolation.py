"""``printing`` depends on ``orders``, never the other way round.

Orders starts printing through ``orders.signals.order_paid`` (connected by
``PrintingConfig.ready``), so every orders module imports and runs with the
printing app absent.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_no_orders_file_imports_printing() -> None:
    offenders = {
        str(path.relative_to(REPO)): sorted(
            name for name in _imported_modules(path) if name.split(".")[0] == "printing"
        )
        for path in sorted((REPO / "orders").rglob("*.py"))
    }
    assert {path: names for path, names in offenders.items() if names} == {}


def test_every_orders_module_imports_without_the_printing_app() -> None:
    # Given Django set up without ``printing`` in INSTALLED_APPS
    code = (
        "import sys, importlib, pkgutil, django\n"
        "from django.conf import settings\n"
        "settings.INSTALLED_APPS = [a for a in settings.INSTALLED_APPS if a != 'printing']\n"
        "django.setup()\n"
        "import orders\n"
        "names = [m.name for m in pkgutil.walk_packages(orders.__path__, 'orders.')\n"
        "         if '.tests' not in m.name and '.migrations' not in m.name\n"
        "         and not m.name.endswith('__main__')]\n"
        "for name in names:\n"
        "    importlib.import_module(name)\n"
        "print(len(names), sorted(n for n in sys.modules if n.split('.')[0] == 'printing'))\n"
    )
    # When every orders module is imported
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "shop.settings"},
    )  # fmt: skip
    # Then they all import and none of them pulled printing in
    assert result.returncode == 0, result.stderr[-3000:]
    count, loaded = result.stdout.strip().split(" ", 1)
    assert int(count) >= 20
    assert loaded == "[]"

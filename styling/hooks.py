"""Extension points other apps plug into without styling importing them.

``design_added``: called by the placement view right after "Add to cart" saved a design,
as ``fn(request, design) -> redirect URL | None``. The first URL returned wins; with no
hook (or none answering) the shopper lands on "My designs". ``OrdersConfig.ready``
registers the orders cart here (``orders.views.design_added``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

DesignAdded = Callable[[Any, Any], str | None]

_design_added: list[DesignAdded] = []


def on_design_added(fn: DesignAdded) -> DesignAdded:
    if fn not in _design_added:
        _design_added.append(fn)
    return fn


def design_added(request: Any, design: Any) -> str | None:
    for fn in _design_added:
        url = fn(request, design)
        if url:
            return url
    return None

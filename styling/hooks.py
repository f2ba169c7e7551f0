"""Extension points other apps plug into without styling importing them.

``design_added``: called by the placement view right after "Add to cart" saved a design,
as ``fn(request, design) -> redirect URL | None``. The first URL returned wins; with no
hook (or none answering) the shopper lands on "My designs". ``OrdersConfig.ready``
registers the orders cart here (``orders.views.design_added``).

``clip_result_links``: extra buttons under a finished clip's downloads, as
``fn(request, job) -> [ResultLink, ...]``. ``ShowcaseConfig.ready`` registers the gallery's
"Publish to the gallery" here (``showcase.views.clip_result_links``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
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


@dataclass(frozen=True)
class ResultLink:
    """A button on a result page: its element id, its words and where it goes."""

    id: str
    label: str
    url: str


ClipResultLinks = Callable[[Any, Any], list[ResultLink]]

_clip_result_links: list[ClipResultLinks] = []


def on_clip_result(fn: ClipResultLinks) -> ClipResultLinks:
    if fn not in _clip_result_links:
        _clip_result_links.append(fn)
    return fn


def clip_result_links(request: Any, job: Any) -> list[ResultLink]:
    return [link for fn in _clip_result_links for link in fn(request, job)]

"""Registry through which apps offer items for the home page's featured blocks.

``shop`` sits at the top of the dependency graph but must not import model
modules at import time (Wagtail block definitions are loaded early), so apps
register a provider in their ``AppConfig.ready`` and blocks ask here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

Provider = Callable[[int], Sequence[Any]]
_providers: dict[str, Provider] = {}


def register(kind: str, provider: Provider) -> None:
    """Offer items of ``kind`` ("styles", "products" or "designs") to the home page."""
    _providers[kind] = provider


def _items(kind: str, limit: int) -> Sequence[Any]:
    provider = _providers.get(kind)
    return list(provider(limit)) if provider else []


def styles(limit: int) -> Sequence[Any]:
    return _items("styles", limit)


def products(limit: int) -> Sequence[Any]:
    return _items("products", limit)


def designs(limit: int) -> Sequence[Any]:
    """Recent public gallery designs (the showcase app's provider)."""
    return _items("designs", limit)

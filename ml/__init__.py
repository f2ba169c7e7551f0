"""Retrocel's styling and upscaling engine: a small pure-PyTorch library.

It must never import Django (a test checks this), so the worker, the CLI and
benchmarks can use it on their own. Importing ``ml`` is cheap: the public
names below are resolved lazily, so ``import ml`` does not load torch until a
name that needs it is used.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "open_image": "ml.imageio",
    "ImageRejected": "ml.imageio",
    "ImageLimits": "ml.imageio",
    "LoadedImage": "ml.imageio",
    "StyleSpec": "ml.styles",
    "Stylizer": "ml.styles",
    "load_style": "ml.styles",
    "verify_weights": "ml.styles",
    "WeightsRejected": "ml.styles",
    "BUILTIN_STYLES": "ml.styles",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'ml' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)

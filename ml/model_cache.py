"""One bounded, thread-safe cache of loaded models per process: GAN/reference/cel stylizers
(``ml.styles.load_style``) and RDN upscalers (``ml.sr.load_rdn``) share it.

A worker that has run many styles keeps only the ``ML_MODEL_CACHE_SIZE`` (default 8) used
most recently, so memory stays bounded however many styles the curators add; an evicted
model is simply loaded again when next asked for.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

DEFAULT_SIZE = 8


class ModelCache:
    """Least-recently-used mapping of key → loaded model, built under a lock on a miss."""

    def __init__(self, maxsize: int) -> None:
        if maxsize < 1:
            raise ValueError("a model cache needs room for at least one model")
        self.maxsize = maxsize
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.RLock()

    def get_or_build(self, key: Hashable, build: Callable[[], Any]) -> Any:
        """The model under ``key``, built by ``build()`` (and kept) when it is not cached."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
            model = build()
            self._items[key] = model
            while len(self._items) > self.maxsize:
                self._items.popitem(last=False)
            return model

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._items


#: The process's one cache.
MODELS = ModelCache(int(os.environ.get("ML_MODEL_CACHE_SIZE", DEFAULT_SIZE)))

"""Shared fixtures for ml tests: nothing here touches Django or a database."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import pytest
import torch

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
CHECKPOINTS = SHARED / "checkpoints"
PHOTOS = SHARED / "data" / "photos"


def manifest(name: str) -> dict[str, list[int]]:
    path = CHECKPOINTS / f"{name}.json"
    if not path.is_file():
        pytest.skip(f"checkpoint manifest {path} not available")
    return json.loads(path.read_text())["tensors"]


def state_dict_from_manifest(name: str, seed: int = 0) -> dict[str, torch.Tensor]:
    """Random tensors with exactly the manifest's names and shapes (norm scales near 1)."""
    return dict(_cached_state_dict(name, seed))


@functools.lru_cache(maxsize=8)
def _cached_state_dict(name: str, seed: int) -> dict[str, torch.Tensor]:
    gen = torch.Generator().manual_seed(seed)
    out = {}
    for key, shape in manifest(name).items():
        t = torch.randn(shape, generator=gen) * 0.05
        if (
            len(shape) == 1
            and key.endswith(("scale", "norm.weight"))
            or (len(shape) == 1 and key.endswith(".weight"))
        ):
            t = 1.0 + t
        out[key] = t
    return out


@pytest.fixture(autouse=True)
def _small_cpu(monkeypatch):
    monkeypatch.setenv("RETROCEL_DEVICE", "cpu")
    yield

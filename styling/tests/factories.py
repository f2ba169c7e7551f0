"""factory_boy factories and real test files for curated styles."""

from __future__ import annotations

import io
import json
from pathlib import Path

import factory
import torch

from styling.models import Builtin, Style, StyleKind

CHECKPOINTS = Path(__file__).resolve().parents[3] / "shared" / "checkpoints"


class StyleFactory(factory.django.DjangoModelFactory):
    """A built-in retro-cel style: needs no file and runs fast on CPU."""

    class Meta:
        model = Style

    name = factory.Sequence(lambda n: f"Style {n}")
    slug = factory.Sequence(lambda n: f"style-{n}")
    summary = "Flat paint and ink."
    kind = StyleKind.CLASSICAL
    builtin = Builtin.RETRO_CEL
    params = factory.LazyFunction(dict)
    is_enabled = True
    provenance = "Our own filter."
    licence = "Retrocel proprietary"
    commercial_use_allowed = True


def manifest_state_dict_bytes(architecture: str, *, seed: int = 0) -> bytes:
    """A state dict with exactly the tensor names and shapes of the public checkpoint, saved by torch."""
    manifest = json.loads((CHECKPOINTS / f"{architecture}.json").read_text())
    generator = torch.Generator().manual_seed(seed)
    state = {
        name: torch.randn(shape, generator=generator) * 0.02
        for name, shape in manifest["tensors"].items()
    }
    buffer = io.BytesIO()
    torch.save(state, buffer)
    return buffer.getvalue()

"""The generator architectures ``ml`` knows, as one explicit table.

No folder scanning, no dynamic imports: adding an architecture means adding a
file and a row here. Each row records the conventions its published
checkpoints expect (colour order, value range, size multiple), so the
stylizer can feed any of them correctly without special cases.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from torch import nn

from ml.archs.animeganv2 import AnimeGANv2Generator
from ml.archs.cartoongan import CartoonGANGenerator
from ml.archs.cyclegan import ResnetGenerator

__all__ = ["ARCHITECTURES", "Architecture", "build_architecture"]


@dataclass(frozen=True)
class Architecture:
    """One generator family and the input/output conventions of its public checkpoints."""

    name: str
    title: str
    factory: Callable[..., nn.Module]
    stride: int  # input height/width must be a multiple of this
    bgr: bool = False  # channels in BGR order instead of RGB
    value_range: tuple[float, float] = (-1.0, 1.0)  # what 0 and 255 map to, in and out
    default_kwargs: dict[str, Any] = field(default_factory=dict)


ARCHITECTURES: dict[str, Architecture] = {
    "animeganv2": Architecture(
        name="animeganv2",
        title="AnimeGANv2 generator",
        factory=AnimeGANv2Generator,
        stride=AnimeGANv2Generator.stride,
    ),
    "cartoongan": Architecture(
        name="cartoongan",
        title="CartoonGAN generator",
        factory=CartoonGANGenerator,
        stride=CartoonGANGenerator.stride,
        bgr=True,
    ),
    "cyclegan_resnet9": Architecture(
        name="cyclegan_resnet9",
        title="CycleGAN ResNet-9 generator",
        factory=ResnetGenerator,
        stride=ResnetGenerator.stride,
        default_kwargs={"n_blocks": 9},
    ),
}


def build_architecture(name: str, **kwargs: Any) -> nn.Module:
    """A freshly initialised generator; ``kwargs`` override the published sizes (tests use tiny ones)."""
    try:
        arch = ARCHITECTURES[name]
    except KeyError:
        known = ", ".join(sorted(ARCHITECTURES))
        raise ValueError(f"Unknown architecture {name!r}; known: {known}") from None
    return arch.factory(**{**arch.default_kwargs, **kwargs})

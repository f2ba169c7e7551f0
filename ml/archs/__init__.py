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
    #: False for our own variants: no public checkpoint has this layout (no manifest in shared/).
    published: bool = True


ARCHITECTURES: dict[str, Architecture] = {
    "animeganv2": Architecture(
        name="animeganv2",
        title="AnimeGANv2 generator",
        factory=AnimeGANv2Generator,
        stride=AnimeGANv2Generator.stride,
    ),
    # The published topology at half width (16 base channels: ~1/4 of the MACs, 544k parameters):
    # the width our own students are trained at, so the GPU worker's model also beats its
    # classical teacher on a CPU (see ml/styles_weights/MODEL_CARD.md).
    "animeganv2_half": Architecture(
        name="animeganv2_half",
        title="AnimeGANv2 generator, half width",
        factory=AnimeGANv2Generator,
        stride=AnimeGANv2Generator.stride,
        default_kwargs={"base_channels": 16},
        published=False,
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

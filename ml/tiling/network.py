"""What the tiled runner needs to know about a network: its module, how to feed a tile, its stride."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import nn


@dataclass(frozen=True)
class Window:
    """Where a tile lies in the (stride-padded) whole image, in input pixels.

    Networks whose layers are not translation-equivariant (AnimeGANv2 resizes
    with ``align_corners=True``, whose sampling grid depends on the whole
    size) use it to sample on the whole image's grid instead of the tile's.
    """

    top: int
    left: int
    height: int
    width: int
    full_height: int
    full_width: int

    @classmethod
    def whole(cls, height: int, width: int) -> Window:
        return cls(0, 0, height, width, height, width)


@dataclass(frozen=True)
class TiledNetwork:
    """A network ready for tiling.

    Args:
        module: the ``nn.Module`` whose norm layers get whole-image statistics
            (every ``nn.GroupNorm``, ``nn.InstanceNorm2d`` and module with
            ``scale``/``shift``/``eps`` instance norm inside it).
        forward: ``forward(x, window)``: a (1, 3, h, w) RGB tile in [0, 1] on the
            network's device, h and w multiples of ``stride`` -> (1, 3, h, w) RGB in [0, 1].
        stride: the network's total downsampling; tiles start and end on multiples of it.
        device: where tiles are sent.
        dtype: the dtype tiles are sent in.
        overlap: default overlap between tiles; a blended pixel keeps ``3/8`` of it as
            context, so it should exceed 8/3 of the receptive field that matters.
    """

    module: nn.Module
    forward: Callable[[torch.Tensor, Window], torch.Tensor]
    stride: int
    device: torch.device
    dtype: torch.dtype = torch.float32
    overlap: int = 128

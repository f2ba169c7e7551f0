"""Stylizer for generator networks (AnimeGANv2, CartoonGAN, CycleGAN).

Feeds each architecture the way its published checkpoints expect (colour
order and value range from :data:`ml.archs.ARCHITECTURES`), pads the input by
reflection to the network's stride and crops the result back exactly, so any
size comes back at its own size without a border strip.

For print sizes, :meth:`GanStylizer.tiled_network` hands the generator to
:mod:`ml.tiling`. All three generators downsample twice by 2, so tiles sit
on multiples of 4. CartoonGAN and CycleGAN are translation-equivariant apart
from their instance norms, which the tiler makes global. AnimeGANv2 also
resizes with ``align_corners=True``, whose sampling grid depends on the whole
image's size; in tiles it samples on the whole image's grid instead
(:func:`animegan_forward`), so tiles reproduce the whole-image result.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F
from PIL import Image
from torch import nn

from ml.archs import Architecture
from ml.archs.animeganv2 import AnimeGANv2Generator
from ml.device import DeviceInfo
from ml.stylizer import Stylizer
from ml.tiling import TiledNetwork, Window

#: Total downsampling of every generator in :data:`ml.archs.ARCHITECTURES` (two stride-2 stages).
TILE_STRIDE = 4
#: Tile overlap: 72 px of context around every blended pixel. The published generators'
#: theoretical receptive fields are wider (CycleGAN-9 ~ 90 px radius), but their response
#: decays fast; the tests hold tiny configs, whose whole field is covered, to 1/255.
TILE_OVERLAP = 192


def prepare_for_inference(model: nn.Module, device: DeviceInfo) -> nn.Module:
    """Eval mode, target device and ``device.net_dtype``, channels-last memory (faster
    oneDNN/cuDNN convolutions). Inputs must come in that dtype (:meth:`GanStylizer.forward`).

    Measured in ``bench/ml_stylize.py``. Conv+norm folding does not apply: every
    norm in these generators is instance/layer norm, whose statistics depend on
    the input.
    """
    model = model.eval().to(device=device.device, dtype=device.net_dtype)
    for p in model.parameters():
        p.requires_grad_(False)
    return model.to(memory_format=torch.channels_last)


def run_generator(
    model: nn.Module, arch: Architecture, x: torch.Tensor, window: Window | None = None
) -> torch.Tensor:
    """(N, 3, H, W) RGB in [0, 1] -> the generator's output, RGB in [0, 1], same H and W.

    ``window`` (AnimeGANv2 only): the tile's place in the whole image, see :func:`animegan_forward`.
    """
    lo, hi = arch.value_range
    h, w = x.shape[-2:]
    pad_h, pad_w = (-h) % arch.stride, (-w) % arch.stride
    y = x * (hi - lo) + lo
    if arch.bgr:
        y = y.flip(1)
    if pad_h or pad_w:
        mode = "reflect" if min(h, w) > max(pad_h, pad_w) else "replicate"
        y = F.pad(y, (0, pad_w, 0, pad_h), mode=mode)
    y = y.contiguous(memory_format=torch.channels_last)
    y = model(y) if window is None else animegan_forward(model, y, window)
    y = y[..., :h, :w]
    if arch.bgr:
        y = y.flip(1)
    return ((y - lo) / (hi - lo)).clamp(0, 1)


class GanStylizer(Stylizer):
    """A loaded generator with its architecture's conventions."""

    def __init__(self, model: nn.Module, arch: Architecture, device: DeviceInfo, name: str) -> None:
        super().__init__(device)
        self.model = prepare_for_inference(model, device)
        self.arch = arch
        self.name = name

    def forward(self, x: torch.Tensor, window: Window | None = None) -> torch.Tensor:
        """The generator on ``x`` (any float dtype, [0, 1]) in its own precision; float32 out."""
        return run_generator(self.model, self.arch, x.to(self.device.net_dtype), window).float()

    def stylize_tensor(
        self, x: torch.Tensor, strength: float, report: Callable[[float], None]
    ) -> torch.Tensor:
        out = self.forward(x)
        report(1.0)
        return out

    def tiled_network(self, work: Image.Image, strength: float) -> TiledNetwork:
        # Only AnimeGANv2 needs the tile's place (its resize grid); the others are equivariant.
        windowed = isinstance(self.model, AnimeGANv2Generator)

        def forward(x: torch.Tensor, window: Window) -> torch.Tensor:
            return self.forward(x, window if windowed else None)

        return TiledNetwork(
            self.model,
            forward,
            TILE_STRIDE,
            self.device.device,
            self.device.dtype,
            overlap=TILE_OVERLAP,
        )


def animegan_forward(model: AnimeGANv2Generator, x: torch.Tensor, window: Window) -> torch.Tensor:
    """:meth:`AnimeGANv2Generator.forward` on a tile, resizing on the whole image's sampling grid.

    ``x`` is the tile at ``window`` (offsets and sizes multiples of 4). Equal to
    ``model(x)`` when the window is the whole image (a test holds the two together).
    """
    out = model.block_a(x)
    out = model.block_c(model.block_b(out))
    out = _resize_on_grid(out, window, 4, 2)
    out = model.block_d(out)
    out = _resize_on_grid(out, window, 2, 1)
    return model.out_layer(model.block_e(out))


def _resize_on_grid(x: torch.Tensor, window: Window, src_div: int, dst_div: int) -> torch.Tensor:
    """Bilinear ``align_corners=True`` resize from the 1/src_div to the 1/dst_div grid of the whole image."""
    for axis, (off, size, full) in enumerate(
        (
            (window.top, window.height, window.full_height),
            (window.left, window.width, window.full_width),
        )
    ):
        dim = 2 + axis
        n_in = x.shape[dim]
        g_in, g_out = full // src_div, full // dst_div
        dst = torch.arange(off // dst_div, off // dst_div + size // dst_div, device=x.device)
        scale = (g_in - 1) / (g_out - 1) if g_out > 1 else 0.0
        src = (dst.double() * scale - off // src_div).clamp(0, n_in - 1)
        i0 = src.floor().long()
        i1 = (i0 + 1).clamp(max=n_in - 1)
        t = (src - i0.double()).to(x.dtype)
        shape = [1, 1, 1, 1]
        shape[dim] = -1
        x = torch.lerp(x.index_select(dim, i0), x.index_select(dim, i1), t.view(shape))
    return x

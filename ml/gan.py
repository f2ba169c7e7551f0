"""Stylizer for generator networks (AnimeGANv2, CartoonGAN, CycleGAN).

Feeds each architecture the way its published checkpoints expect (colour
order and value range from :data:`ml.archs.ARCHITECTURES`), pads the input by
reflection to the network's stride and crops the result back exactly, so any
size comes back at its own size without a border strip.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch import nn

from ml.archs import Architecture
from ml.device import DeviceInfo
from ml.stylizer import Stylizer


def prepare_for_inference(model: nn.Module, device: DeviceInfo) -> nn.Module:
    """Eval mode, target device/dtype, channels-last memory (faster oneDNN/cuDNN convolutions).

    Measured in ``bench/ml_stylize.py``. Conv+norm folding does not apply: every
    norm in these generators is instance/layer norm, whose statistics depend on
    the input.
    """
    model = model.eval().to(device=device.device, dtype=device.dtype)
    for p in model.parameters():
        p.requires_grad_(False)
    return model.to(memory_format=torch.channels_last)


def run_generator(model: nn.Module, arch: Architecture, x: torch.Tensor) -> torch.Tensor:
    """(N, 3, H, W) RGB in [0, 1] -> the generator's output, RGB in [0, 1], same H and W."""
    lo, hi = arch.value_range
    h, w = x.shape[-2:]
    pad_h, pad_w = (-h) % arch.stride, (-w) % arch.stride
    y = x * (hi - lo) + lo
    if arch.bgr:
        y = y.flip(1)
    if pad_h or pad_w:
        mode = "reflect" if min(h, w) > max(pad_h, pad_w) else "replicate"
        y = F.pad(y, (0, pad_w, 0, pad_h), mode=mode)
    y = model(y.contiguous(memory_format=torch.channels_last))
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

    def stylize_tensor(
        self, x: torch.Tensor, strength: float, report: Callable[[float], None]
    ) -> torch.Tensor:
        out = run_generator(self.model, self.arch, x)
        report(1.0)
        return out

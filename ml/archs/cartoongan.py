"""CartoonGAN generator (Chen, Lai & Liu, "CartoonGAN: generative adversarial networks for photo cartoonization", CVPR 2018).

Tensor names follow the widely used PyTorch test port (``Hayao_net_G_float.pth``
and friends), so those checkpoints load with ``strict=True``. Its conventions
differ from the other generators: input and output are **BGR** in [-1, 1] (the
weights were converted from Lua Torch/Caffe), and its instance norm has
learnable ``scale``/``shift`` with eps 1e-9 and biased variance. The spatial
size must be a multiple of 4 (two stride-2 convs, two transposed convs).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


class ScaledInstanceNorm(nn.Module):
    """Instance norm with per-channel ``scale`` and ``shift`` tensors (names from the checkpoint).

    Mathematically the original port's hand-written norm (mean, biased variance,
    eps 1e-9); computed with ``F.instance_norm``, which is faster and fuses the
    affine step.

    Args:
        channels: number of channels.
        eps: added to the variance (1e-9 in the published weights).
    """

    def __init__(self, channels: int, eps: float = 1e-9) -> None:
        super().__init__()
        self.scale = nn.Parameter(torch.ones(channels))
        self.shift = nn.Parameter(torch.zeros(channels))
        self.eps = eps

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.instance_norm(x, weight=self.scale, bias=self.shift, eps=self.eps)


class CartoonGANGenerator(nn.Module):
    """Flat-conv encoder, ``num_blocks`` residual blocks, transposed-conv decoder.

    Module names mirror the port (``conv01_1``, ``in01_1``, ... ``deconv03_1``);
    residual block ``k`` (counting from 4) owns ``conv{k}_1/2`` and ``in{k}_1/2``.

    Args:
        in_channels: image channels in (3, BGR).
        out_channels: image channels out (3, BGR).
        base_channels: width of the first stage; then 2x and 4x (64 -> 256).
        num_blocks: residual blocks (8 in the published model).
    """

    #: Input height and width must be multiples of this.
    stride = 4

    def __init__(
        self,
        in_channels: int = 3,
        out_channels: int = 3,
        base_channels: int = 64,
        num_blocks: int = 8,
    ) -> None:
        super().__init__()
        c1, c2, c4 = base_channels, base_channels * 2, base_channels * 4
        self.num_blocks = num_blocks
        self.conv01_1 = nn.Conv2d(in_channels, c1, 7)
        self.in01_1 = ScaledInstanceNorm(c1)
        self.conv02_1 = nn.Conv2d(c1, c2, 3, 2, 1)
        self.conv02_2 = nn.Conv2d(c2, c2, 3, 1, 1)
        self.in02_1 = ScaledInstanceNorm(c2)
        self.conv03_1 = nn.Conv2d(c2, c4, 3, 2, 1)
        self.conv03_2 = nn.Conv2d(c4, c4, 3, 1, 1)
        self.in03_1 = ScaledInstanceNorm(c4)
        for k in self._block_ids():
            for j in (1, 2):
                self.add_module(f"conv{k:02d}_{j}", nn.Conv2d(c4, c4, 3))
                self.add_module(f"in{k:02d}_{j}", ScaledInstanceNorm(c4))
        up1, up2 = num_blocks + 4, num_blocks + 5  # 12 and 13 in the published model
        self.deconv01_1 = nn.ConvTranspose2d(c4, c2, 3, 2, 1, 1)
        self.deconv01_2 = nn.Conv2d(c2, c2, 3, 1, 1)
        self.add_module(f"in{up1:02d}_1", ScaledInstanceNorm(c2))
        self.deconv02_1 = nn.ConvTranspose2d(c2, c1, 3, 2, 1, 1)
        self.deconv02_2 = nn.Conv2d(c1, c1, 3, 1, 1)
        self.add_module(f"in{up2:02d}_1", ScaledInstanceNorm(c1))
        self.deconv03_1 = nn.Conv2d(c1, out_channels, 7)
        self._up_norms = (f"in{up1:02d}_1", f"in{up2:02d}_1")

    def _block_ids(self) -> range:
        return range(4, 4 + self.num_blocks)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """BGR in [-1, 1] (N, 3, H, W), H and W multiples of 4 -> BGR in [-1, 1]."""
        y = F.relu(self.in01_1(self.conv01_1(F.pad(x, (3, 3, 3, 3), mode="reflect"))))
        y = F.relu(self.in02_1(self.conv02_2(self.conv02_1(y))))
        y = F.relu(self.in03_1(self.conv03_2(self.conv03_1(y))))
        for k in self._block_ids():
            conv1, norm1 = getattr(self, f"conv{k:02d}_1"), getattr(self, f"in{k:02d}_1")
            conv2, norm2 = getattr(self, f"conv{k:02d}_2"), getattr(self, f"in{k:02d}_2")
            h = F.relu(norm1(conv1(F.pad(y, (1, 1, 1, 1), mode="reflect"))))
            y = y + norm2(conv2(F.pad(h, (1, 1, 1, 1), mode="reflect")))
        norm_a, norm_b = (getattr(self, n) for n in self._up_norms)
        y = F.relu(norm_a(self.deconv01_2(self.deconv01_1(y))))
        y = F.relu(norm_b(self.deconv02_2(self.deconv02_1(y))))
        return torch.tanh(self.deconv03_1(F.pad(y, (3, 3, 3, 3), mode="reflect")))

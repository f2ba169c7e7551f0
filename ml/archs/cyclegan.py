"""CycleGAN ResNet generator (Zhu, Park, Isola & Efros, "Unpaired image-to-image translation using cycle-consistent adversarial networks", ICCV 2017).

Built exactly like the reference implementation's ``ResnetGenerator`` with
instance norm and no dropout, as one ``nn.Sequential`` named ``model`` so the
published ``latest_net_G.pth`` files (``style_monet``, ``style_ukiyoe``, ...)
load with ``strict=True``: the indices of the convolutions inside ``model``
are part of the tensor names. Input and output are RGB in [-1, 1]; height and
width must be multiples of 4.
"""

from __future__ import annotations

import torch
from torch import nn


def _norm(channels: int) -> nn.Module:
    # No affine parameters, no running stats: nothing of it is in the state dict.
    return nn.InstanceNorm2d(channels, affine=False, track_running_stats=False)


class ResnetBlock(nn.Module):
    """pad -> conv -> norm -> ReLU -> pad -> conv -> norm, plus the identity.

    Args:
        dim: channels in and out.
    """

    def __init__(self, dim: int) -> None:
        super().__init__()
        self.conv_block = nn.Sequential(
            nn.ReflectionPad2d(1),
            nn.Conv2d(dim, dim, 3, bias=True),
            _norm(dim),
            nn.ReLU(True),
            nn.ReflectionPad2d(1),
            nn.Conv2d(dim, dim, 3, bias=True),
            _norm(dim),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.conv_block(x)


class ResnetGenerator(nn.Module):
    """c7s1-ngf, two stride-2 downsamplings, ``n_blocks`` residual blocks, two upsamplings, c7s1-3.

    Args:
        in_channels: image channels in (3).
        out_channels: image channels out (3).
        ngf: filters in the first layer (64); the middle runs at 4x that.
        n_blocks: residual blocks (9 for the published 256px models, 6 for 128px).
    """

    #: Input height and width must be multiples of this.
    stride = 4

    def __init__(
        self, in_channels: int = 3, out_channels: int = 3, ngf: int = 64, n_blocks: int = 9
    ) -> None:
        super().__init__()
        layers: list[nn.Module] = [
            nn.ReflectionPad2d(3),
            nn.Conv2d(in_channels, ngf, 7, bias=True),
            _norm(ngf),
            nn.ReLU(True),
        ]
        for i in range(2):
            mult = 2**i
            layers += [
                nn.Conv2d(ngf * mult, ngf * mult * 2, 3, stride=2, padding=1, bias=True),
                _norm(ngf * mult * 2),
                nn.ReLU(True),
            ]
        layers += [ResnetBlock(ngf * 4) for _ in range(n_blocks)]
        for i in range(2):
            mult = 2 ** (2 - i)
            layers += [
                nn.ConvTranspose2d(
                    ngf * mult, ngf * mult // 2, 3, stride=2, padding=1, output_padding=1, bias=True
                ),
                _norm(ngf * mult // 2),
                nn.ReLU(True),
            ]
        layers += [nn.ReflectionPad2d(3), nn.Conv2d(ngf, out_channels, 7), nn.Tanh()]
        self.model = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """RGB in [-1, 1] (N, 3, H, W), H and W multiples of 4 -> RGB in [-1, 1]."""
        return self.model(x)

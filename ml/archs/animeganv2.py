"""AnimeGANv2 generator (Chen, Liu & Chen, "AnimeGAN: a novel lightweight GAN for photo animation", 2020).

The layout and tensor names follow the widely used PyTorch port, so its public
checkpoints (``face_paint_512_v2.pt``, ``paprika.pt``, ...) load with
``strict=True``. Input and output are RGB in [-1, 1].

The decoder does not use transposed convolutions: it resizes back to the
encoder's feature-map sizes (bilinear, ``align_corners=True``), so any input
size, odd ones included, comes back exactly at its own size. Every
convolution is preceded by reflection padding, so no zero border leaks in.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


class ConvNormLReLU(nn.Sequential):
    """Reflection pad (none when zero) -> conv -> GroupNorm(1 group, i.e. layer norm over C,H,W) -> LeakyReLU(0.2).

    Args:
        in_ch: input channels.
        out_ch: output channels.
        kernel_size: convolution kernel size.
        stride: convolution stride.
        padding: reflection padding, an int or (left, right, top, bottom).
        groups: convolution groups (``groups=in_ch`` for a depthwise conv).
        bias: whether the convolution has a bias (only the depthwise ones do).
    """

    def __init__(
        self,
        in_ch: int,
        out_ch: int,
        kernel_size: int = 3,
        stride: int = 1,
        padding: int | tuple[int, int, int, int] = 1,
        groups: int = 1,
        bias: bool = False,
    ) -> None:
        # A zero-width pad is an identity that still copies the whole feature map (the 1x1
        # expansions at 1/4 scale); nn.Identity keeps the Sequential's indices, hence the
        # published tensor names, and holds no state.
        pad: nn.Module = nn.ReflectionPad2d(padding) if padding else nn.Identity()
        super().__init__(
            pad,
            nn.Conv2d(in_ch, out_ch, kernel_size, stride=stride, groups=groups, bias=bias),
            nn.GroupNorm(num_groups=1, num_channels=out_ch, affine=True),
            nn.LeakyReLU(0.2, inplace=True),
        )


class InvertedResBlock(nn.Module):
    """MobileNetV2 block: 1x1 expand, 3x3 depthwise, 1x1 project (+ identity when shapes match).

    Args:
        in_ch: input channels.
        out_ch: output channels.
        expansion_ratio: bottleneck width as a multiple of ``in_ch``.
    """

    def __init__(self, in_ch: int, out_ch: int, expansion_ratio: float = 2.0) -> None:
        super().__init__()
        self.use_res_connect = in_ch == out_ch
        bottleneck = int(round(in_ch * expansion_ratio))
        layers: list[nn.Module] = []
        if expansion_ratio != 1:
            layers.append(ConvNormLReLU(in_ch, bottleneck, kernel_size=1, padding=0))
        layers.append(ConvNormLReLU(bottleneck, bottleneck, groups=bottleneck, bias=True))
        layers.append(nn.Conv2d(bottleneck, out_ch, kernel_size=1, bias=False))
        layers.append(nn.GroupNorm(num_groups=1, num_channels=out_ch, affine=True))
        self.layers = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.layers(x)
        return x + out if self.use_res_connect else out


class AnimeGANv2Generator(nn.Module):
    """Encoder (two stride-2 stages) -> inverted residual blocks -> resize-conv decoder.

    Args:
        in_channels: image channels in (3).
        out_channels: image channels out (3).
        base_channels: width of the first stage; the stages use 1x, 2x, 4x, 8x of it (32 -> 256).
        num_blocks: inverted residual blocks in the middle (4 in the published model).
        expansion_ratio: bottleneck expansion of those blocks (2).
    """

    #: The network accepts any size; no padding to a multiple is needed.
    stride = 1

    def __init__(
        self,
        in_channels: int = 3,
        out_channels: int = 3,
        base_channels: int = 32,
        num_blocks: int = 4,
        expansion_ratio: float = 2.0,
    ) -> None:
        super().__init__()
        c1, c2, c4, c8 = (base_channels * m for m in (1, 2, 4, 8))
        self.block_a = nn.Sequential(
            ConvNormLReLU(in_channels, c1, kernel_size=7, padding=3),
            ConvNormLReLU(c1, c2, stride=2, padding=(0, 1, 0, 1)),
            ConvNormLReLU(c2, c2),
        )
        self.block_b = nn.Sequential(
            ConvNormLReLU(c2, c4, stride=2, padding=(0, 1, 0, 1)),
            ConvNormLReLU(c4, c4),
        )
        irbs = [
            InvertedResBlock(c4 if i == 0 else c8, c8, expansion_ratio) for i in range(num_blocks)
        ]
        self.block_c = nn.Sequential(ConvNormLReLU(c4, c4), *irbs, ConvNormLReLU(c8, c4))
        self.block_d = nn.Sequential(ConvNormLReLU(c4, c4), ConvNormLReLU(c4, c4))
        self.block_e = nn.Sequential(
            ConvNormLReLU(c4, c2),
            ConvNormLReLU(c2, c2),
            ConvNormLReLU(c2, c1, kernel_size=7, padding=3),
        )
        self.out_layer = nn.Sequential(
            nn.Conv2d(c1, out_channels, kernel_size=1, bias=False), nn.Tanh()
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """RGB in [-1, 1] (N, 3, H, W) -> RGB in [-1, 1] (N, 3, H, W)."""
        out = self.block_a(x)
        half_size = out.shape[-2:]
        out = self.block_c(self.block_b(out))
        out = F.interpolate(out, size=half_size, mode="bilinear", align_corners=True)
        out = self.block_d(out)
        out = F.interpolate(out, size=x.shape[-2:], mode="bilinear", align_corners=True)
        return self.out_layer(self.block_e(out))

"""Residual Dense Network (Zhang et al., "Residual Dense Network for Image
Super-Resolution", CVPR 2018), written so each attribute maps to a symbol of
the paper: SFENet1/SFENet2 (F_-1, F_0), RDBs (D blocks of C layers with growth
rate G), LFF (1x1 local feature fusion), GFF (1x1 + 3x3 global feature fusion)
and UPNet (sub-pixel upsampler).

One optional, documented deviation: ``image_residual=True`` adds a bicubic
upsampling of the input to the output, so the network learns only the missing
detail. The paper's model does not do this; it makes a *small* model on a
tiny CPU training budget converge much faster. It adds no parameters.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
import torch.nn.functional as F
from torch import nn

SUPPORTED_SCALES = (2, 3, 4)


@dataclass(frozen=True)
class RDNConfig:
    """Sizes of an RDN; stored next to the weights so a checkpoint says what it is.

    Args:
        scale: upscaling factor, 2, 3 or 4.
        G0: channels of the shallow / global features (the paper's G0).
        D: number of residual dense blocks.
        C: conv+ReLU layers per block.
        G: growth rate (channels each layer adds).
        n_colors: image channels.
        image_residual: add a bicubic upsampling of the input (see module doc).
    """

    scale: int = 4
    G0: int = 64
    D: int = 16
    C: int = 8
    G: int = 64
    n_colors: int = 3
    image_residual: bool = False

    def to_dict(self) -> dict[str, int | bool]:
        return asdict(self)


class DenseLayer(nn.Module):
    """One conv+ReLU whose output is concatenated to its input (dense connection)."""

    def __init__(self, in_channels: int, growth: int) -> None:
        super().__init__()
        self.conv = nn.Sequential(
            nn.Conv2d(in_channels, growth, 3, padding=1), nn.ReLU(inplace=True)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.cat((x, self.conv(x)), dim=1)


class RDB(nn.Module):
    """Residual dense block: C dense layers, 1x1 local feature fusion, local residual.

    Args:
        G0: input/output channels.
        G: growth rate.
        C: number of dense layers.
    """

    def __init__(self, G0: int, G: int, C: int) -> None:
        super().__init__()
        self.convs = nn.Sequential(*[DenseLayer(G0 + c * G, G) for c in range(C)])
        self.LFF = nn.Conv2d(G0 + C * G, G0, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.LFF(self.convs(x)) + x


def _make_upnet(G0: int, scale: int, n_colors: int) -> nn.Sequential:
    """Sub-pixel upsampler (ESPCN): x2 and x3 in one shuffle, x4 as two x2 steps, as in the paper."""
    if scale in (2, 3):
        layers: list[nn.Module] = [
            nn.Conv2d(G0, G0 * scale * scale, 3, padding=1),
            nn.PixelShuffle(scale),
        ]
    elif scale == 4:
        layers = [
            nn.Conv2d(G0, G0 * 4, 3, padding=1),
            nn.PixelShuffle(2),
            nn.Conv2d(G0, G0 * 4, 3, padding=1),
            nn.PixelShuffle(2),
        ]
    else:
        raise ValueError(f"RDN supports scales {SUPPORTED_SCALES}, not {scale}")
    layers.append(nn.Conv2d(G0, n_colors, 3, padding=1))
    return nn.Sequential(*layers)


class RDN(nn.Module):
    """Residual Dense Network for single-image super-resolution.

    Input and output are RGB in [0, 1], NCHW; output is ``scale`` times larger.

    Args:
        config: the sizes (``RDNConfig``); keyword arguments override its fields,
            e.g. ``RDN(scale=2, D=4, C=4, G=16, G0=32)``.
    """

    def __init__(self, config: RDNConfig | None = None, **overrides: int | bool) -> None:
        super().__init__()
        cfg = RDNConfig(**{**(config.to_dict() if config else {}), **overrides})
        if cfg.scale not in SUPPORTED_SCALES:
            raise ValueError(f"RDN supports scales {SUPPORTED_SCALES}, not {cfg.scale}")
        self.config = cfg
        G0, G, C, D = cfg.G0, cfg.G, cfg.C, cfg.D
        self.SFENet1 = nn.Conv2d(cfg.n_colors, G0, 3, padding=1)
        self.SFENet2 = nn.Conv2d(G0, G0, 3, padding=1)
        self.RDBs = nn.ModuleList([RDB(G0, G, C) for _ in range(D)])
        self.GFF = nn.Sequential(nn.Conv2d(D * G0, G0, 1), nn.Conv2d(G0, G0, 3, padding=1))
        self.UPNet = _make_upnet(G0, cfg.scale, cfg.n_colors)

    @property
    def scale(self) -> int:
        return self.config.scale

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        f_1 = self.SFENet1(x)
        f = self.SFENet2(f_1)
        block_outputs = []
        for block in self.RDBs:
            f = block(f)
            block_outputs.append(f)
        f = self.GFF(torch.cat(block_outputs, dim=1)) + f_1  # global residual learning
        out = self.UPNet(f)
        if self.config.image_residual:
            out = out + F.interpolate(
                x, scale_factor=self.config.scale, mode="bicubic", align_corners=False
            )
        return out

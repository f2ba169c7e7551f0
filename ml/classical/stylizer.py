"""Stylizer wrappers for the weight-free built-in styles."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import torch

from ml.classical.anime_cel import AnimeCelParams, anime_cel
from ml.classical.retro_cel import RetroCelParams, retro_cel
from ml.device import DeviceInfo
from ml.palette import palette_lab
from ml.stylizer import Stylizer


class RetroCelStylizer(Stylizer):
    """``retro-cel``; params: ``palette_size``, ``line_weight``, ``smoothing``, ``saturation``."""

    name = "retro-cel"

    def __init__(
        self,
        device: DeviceInfo,
        params: Mapping[str, Any],
        palette: Sequence[Sequence[int]] = (),
    ) -> None:
        super().__init__(device)
        self.params = RetroCelParams.from_mapping(params)
        self.palette = _checked(palette)

    def stylize_tensor(
        self, x: torch.Tensor, strength: float, report: Callable[[float], None]
    ) -> torch.Tensor:
        return retro_cel(x, self.params, report, self.palette)


class AnimeCelStylizer(Stylizer):
    """``anime-cel``; params: see :class:`ml.classical.anime_cel.AnimeCelParams`."""

    name = "anime-cel"

    def __init__(
        self,
        device: DeviceInfo,
        params: Mapping[str, Any],
        palette: Sequence[Sequence[int]] = (),
    ) -> None:
        super().__init__(device)
        self.params = AnimeCelParams.from_mapping(params)
        self.palette = _checked(palette)

    def stylize_tensor(
        self, x: torch.Tensor, strength: float, report: Callable[[float], None]
    ) -> torch.Tensor:
        return anime_cel(x, self.params, report, self.palette)


def _checked(palette: Sequence[Sequence[int]]) -> tuple[tuple[int, int, int], ...]:
    """The palette as sRGB triples; ``ValueError`` for anything else (checked at load, not per call)."""
    if palette:
        palette_lab(palette)
    return tuple((int(r), int(g), int(b)) for r, g, b in palette)

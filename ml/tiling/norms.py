"""Whole-image statistics for the norm layers of a network run in tiles.

Which norms the supported networks use, and what "global" means for each:

* AnimeGANv2: ``nn.GroupNorm(1, C)`` - one mean and variance over C, H, W
  (layer norm), then a per-channel affine.
* CartoonGAN: ``ScaledInstanceNorm`` - per-channel mean and biased variance
  over H, W, eps 1e-9, per-channel ``scale``/``shift``.
* CycleGAN: ``nn.InstanceNorm2d(affine=False)`` - per channel, eps 1e-5.
* Reference transformer: conditional instance norm, i.e. ``nn.InstanceNorm2d``
  with the style's gamma/beta as its affine (see :mod:`ml.reference_net`).

All are "group norm with G groups" (G = 1 for layer norm, G = C for instance
norm), so one code path handles them: per group, the whole-image mean and
biased variance are accumulated as float64 sums of x and x^2 (from per-channel
moments) over the part of each tile that tile *owns* (a partition of the image, away from tile edges),
then every tile normalises with those frozen numbers.

The statistics are exact when every norm's input inside an owned region is
the same as in a whole-image run, which holds when the tile overlap covers the
network's receptive field and the earlier norms' statistics are exact.
Because layer k's statistics depend on layers < k, exact statistics take one
*probe* pass per norm layer, each cut short right after the layer it measures
(``stats="exact"`` in :func:`ml.tiling.runner.run_tiled`; about L/2 forward
passes for L norm layers). The cheap alternative, ``stats="seed"``, takes every
layer's statistics from one run of the whole image downscaled to one tile:
equally seamless (every tile shares the same numbers), but only close to a
whole-image run, since statistics drift with resolution. A fixed-point
refinement (freeze all, re-measure all) was tried and does not converge
reliably: errors in early layers are amplified by later ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch
from torch import nn

from ml.archs.cartoongan import ScaledInstanceNorm


@dataclass
class NormLayer:
    """One norm layer as group norm: ``groups`` groups, ``eps``, optional per-channel affine."""

    module: nn.Module
    groups: int
    eps: float
    weight: torch.Tensor | None
    bias: torch.Tensor | None


def find_norms(model: nn.Module) -> list[NormLayer]:
    """Every data-dependent norm layer in ``model``, in registration order.

    Raises:
        ValueError: batch norm in training mode (its statistics would be per tile).
            Eval-mode batch norm and instance norm with running statistics use fixed
            numbers, are tile-independent already, and are left alone.
    """
    found: list[NormLayer] = []
    for m in model.modules():
        if isinstance(m, nn.GroupNorm):
            found.append(NormLayer(m, m.num_groups, m.eps, m.weight, m.bias))
        elif isinstance(m, nn.InstanceNorm2d):
            if m.track_running_stats and not m.training:
                continue  # uses fixed running statistics: already tile-independent
            found.append(NormLayer(m, m.num_features, m.eps, m.weight, m.bias))
        elif isinstance(m, ScaledInstanceNorm):
            found.append(NormLayer(m, m.scale.numel(), float(m.eps), m.scale, m.shift))
        elif isinstance(m, nn.modules.batchnorm._BatchNorm) and m.training:
            raise ValueError("Tiled inference needs the model in eval mode")
    return found


@dataclass
class Region:
    """The part of the current tile that it owns, in pixels of the tile's input.

    A norm layer working at 1/2 or 1/4 scale crops the same region scaled down;
    tiles and regions sit on multiples of the network's stride, so that is exact.
    """

    top: int
    left: int
    bottom: int
    right: int
    height: int  # the tile's input height
    width: int


@dataclass
class _Sums:
    s1: torch.Tensor
    s2: torch.Tensor
    n: int = 0


class Probed(Exception):
    """Raised by a probing hook once it has recorded the layer it was after: the rest of the tile is not needed."""


@dataclass
class GlobalNorms:
    """Hooks on a model's norm layers for one tiled run; use as a context manager.

    ``frozen`` maps a layer index to its whole-image (mean, variance) per group;
    a layer with frozen statistics always normalises with them. What a layer
    without them does depends on ``mode``:

    * ``"observe"``: normalise as usual (its own statistics) and record them
      (the whole, downscaled image: seed statistics for every layer at once).
    * ``"probe"``: record its input over the owned ``region`` of the tile and
      raise :class:`Probed`. Run over every tile, this gives the *first* layer
      (in execution order) still lacking statistics its exact whole-image
      statistics; one probe pass per layer makes all of them exact.
    * ``"render"``: every layer must be frozen.
    """

    model: nn.Module
    layers: list[NormLayer] = field(init=False)
    frozen: dict[int, tuple[torch.Tensor, torch.Tensor]] = field(default_factory=dict)
    mode: str = "render"
    region: Region | None = None
    _sums: dict[int, _Sums] = field(init=False, default_factory=dict)
    _handles: list = field(init=False, default_factory=list)

    def __post_init__(self) -> None:
        self.layers = find_norms(self.model)

    def __enter__(self) -> GlobalNorms:
        for i, layer in enumerate(self.layers):
            self._handles.append(layer.module.register_forward_hook(self._hook(i)))
        return self

    def __exit__(self, *exc: object) -> None:
        for h in self._handles:
            h.remove()
        self._handles.clear()

    @property
    def complete(self) -> bool:
        return len(self.frozen) == len(self.layers)

    def freeze_recorded(self) -> int:
        """Turn what was recorded into frozen (mean, biased variance) per group; returns how many layers."""
        for index, s in self._sums.items():
            if s.n == 0:
                raise RuntimeError(f"norm layer {index} saw no pixels while recording statistics")
            mean = s.s1 / s.n
            self.frozen[index] = (mean, (s.s2 / s.n - mean * mean).clamp(min=0))
        count = len(self._sums)
        self._sums = {}
        return count

    def _hook(self, index: int):
        def hook(module: nn.Module, inputs: tuple, output: torch.Tensor):
            x = inputs[0]
            layer = self.layers[index]
            if index in self.frozen:
                mean, var = self.frozen[index]
                return _normalise(x, layer, mean, var)
            if self.mode == "observe":
                self._record(index, layer, x)
                return None
            if self.mode == "probe":
                self._record(index, layer, x)
                raise Probed
            raise RuntimeError(f"norm layer {index} has no whole-image statistics")

        return hook

    def _record(self, index: int, layer: NormLayer, x: torch.Tensor) -> None:
        if x.shape[0] != 1:
            raise ValueError("Tiled inference runs one image at a time")
        crop = x
        r = self.region
        if r is not None:
            fh, fw = x.shape[-2:]
            crop = x[
                ...,
                r.top * fh // r.height : r.bottom * fh // r.height,
                r.left * fw // r.width : r.right * fw // r.width,
            ]
        # Per-channel moments on the crop in place (no float64 or contiguous copy of a
        # feature map that can be hundreds of MB), then summed per group in float64.
        count = crop.shape[2] * crop.shape[3]
        if count == 0:  # a tile squeezed between two others may own nothing
            return
        var, mean = torch.var_mean(crop.float(), dim=(2, 3), correction=0)
        mean, var = mean[0].double(), var[0].double()
        s1 = (mean * count).view(layer.groups, -1).sum(dim=1)
        s2 = ((var + mean * mean) * count).view(layer.groups, -1).sum(dim=1)
        n = count * (mean.numel() // layer.groups)
        prev = self._sums.get(index)
        if prev is None:
            self._sums[index] = _Sums(s1, s2, n)
        else:
            prev.s1 += s1
            prev.s2 += s2
            prev.n += n


def _normalise(
    x: torch.Tensor, layer: NormLayer, mean: torch.Tensor, var: torch.Tensor
) -> torch.Tensor:
    n, c, h, w = x.shape
    g = layer.groups
    rstd = torch.rsqrt(var + layer.eps)
    # Per channel: scale a_c = rstd_g * weight_c, shift b_c = bias_c - mean_g * a_c.
    per_ch = c // g
    a = rstd.repeat_interleave(per_ch)
    b = -mean.repeat_interleave(per_ch) * a
    if layer.weight is not None:
        wt = layer.weight.detach().double()
        a, b = a * wt, b * wt
    if layer.bias is not None:
        b = b + layer.bias.detach().double()
    a = a.to(device=x.device, dtype=torch.float32).view(1, c, 1, 1)
    b = b.to(device=x.device, dtype=torch.float32).view(1, c, 1, 1)
    return torch.addcmul(b, x.float(), a).to(x.dtype)

"""The one callable every style kind becomes: PIL RGB in, PIL RGB out, same size, any size.

The shared work (working resolution, strength, colour preservation, progress
reporting, inference mode) lives here once; each kind only implements
:meth:`Stylizer.stylize_tensor` on a (1, 3, H, W) tensor in [0, 1]. A
stylizer holds only immutable state after construction, so one instance can
be cached per process and shared.

Network kinds (``gan``, ``reference``) also describe themselves as a
:class:`~ml.tiling.TiledNetwork`; above ``tile`` pixels on the long side the
same call then runs in overlapping tiles with whole-image norm statistics
(:mod:`ml.tiling`), so print-resolution renders have no seams and memory
bounded by the tile. Classical kinds run whole at any size.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import numpy as np
import torch
from PIL import Image

from ml.color import keep_original_colour, pil_to_tensor, tensor_to_pil
from ml.device import DeviceInfo
from ml.tiling import DEFAULT_TILE, TiledNetwork, run_tiled

log = logging.getLogger(__name__)

ProgressFn = Callable[[str, float], None]

#: Progress stages, in order, with the overall fraction each one starts at.
STAGES = {"prepare": 0.0, "stylize": 0.1, "finish": 0.9}


class Stylizer:
    """Base class; subclasses set ``name`` and implement :meth:`stylize_tensor`."""

    name: str = "style"

    def __init__(self, device: DeviceInfo) -> None:
        self.device = device

    def stylize_tensor(
        self, x: torch.Tensor, strength: float, report: Callable[[float], None]
    ) -> torch.Tensor:
        """(1, 3, H, W) in [0, 1] on ``self.device`` -> same shape, fully stylized.

        ``strength`` is passed for kinds that can use it natively (reference);
        the others ignore it and the base class blends.
        """
        raise NotImplementedError

    #: Whether :meth:`stylize_tensor` already applied ``strength`` itself.
    handles_strength = False

    def tiled_network(self, work: Image.Image, strength: float) -> TiledNetwork | None:
        """The network to run in tiles over ``work`` at ``strength``; None for kinds that run whole."""
        return None

    def __call__(
        self,
        image: Image.Image,
        *,
        strength: float = 1.0,
        preserve_color: bool = False,
        size: int = 1024,
        progress: ProgressFn | None = None,
        tile: int | None = None,
        stats: str | None = None,
    ) -> Image.Image:
        """Stylize ``image`` and return an RGB image of the same size.

        Works at any ``size``: network styles whose working image is longer than
        ``tile`` run in tiles with whole-image norm statistics (no seams; memory
        bounded by the tile, not the image; a CUDA out-of-memory retries with
        smaller tiles); below it, and for classical styles, the image runs whole.

        Args:
            image: the photo (any mode; converted to RGB).
            strength: 0 returns the photo unchanged, 1 the full style.
            preserve_color: keep the photo's hue and chroma, take lightness from the style.
            size: long side of the working resolution; the photo is resampled to it
                (not when it already has that long side) and the result resized back.
            progress: called as ``progress(stage, fraction)`` with stages
                ``prepare``, ``stylize``, ``finish`` and an overall fraction in [0, 1].
            tile: tile side in pixels for network styles (default
                :data:`ml.tiling.DEFAULT_TILE`); also the long side above which they tile.
            stats: where tiled norm layers get their statistics (see
                :func:`ml.tiling.run_tiled`): ``"exact"`` (the whole image at full
                size; one extra cut-short pass per norm layer, cheap on a GPU, minutes
                on a CPU at print size) or ``"seed"`` (the whole image at ``tile`` px,
                i.e. at the preview's working size by default, so the print keeps the
                preview's look; one pass). Default: exact on CUDA, seed on CPU.
        """
        if not 0.0 <= strength <= 1.0:
            raise ValueError(f"strength must be between 0 and 1, got {strength}")
        if size < 64:
            raise ValueError(f"size must be at least 64, got {size}")
        notify = progress or (lambda _s, _f: None)
        image = image.convert("RGB")
        notify("prepare", 0.0)
        if strength == 0.0:
            notify("finish", 1.0)
            return image.copy()
        work = to_working_size(image, size)
        tile = tile or DEFAULT_TILE
        net = self.tiled_network(work, strength) if max(work.size) > tile else None
        if net is not None:
            stats = stats or ("exact" if self.device.is_cuda else "seed")
            result = self._run_tiled(net, work, strength, preserve_color, tile, stats, notify)
            if result.size != image.size:
                result = result.resize(image.size, Image.Resampling.LANCZOS)
            notify("finish", 1.0)
            return result
        with torch.inference_mode():
            x = pil_to_tensor(work, self.device.device, self.device.dtype)
            notify("stylize", STAGES["stylize"])
            span = STAGES["finish"] - STAGES["stylize"]
            out = self.stylize_tensor(
                x,
                strength,
                lambda f: notify("stylize", STAGES["stylize"] + span * min(max(f, 0), 1)),
            )
            notify("finish", STAGES["finish"])
            if preserve_color:
                out = keep_original_colour(out.float(), x.float())
            if strength < 1.0 and not self.handles_strength:
                out = torch.lerp(x.float(), out.float(), strength)
            result = tensor_to_pil(out)
        if result.size != image.size:
            result = result.resize(image.size, Image.Resampling.LANCZOS)
        notify("finish", 1.0)
        return result

    def _run_tiled(
        self,
        net: TiledNetwork,
        work: Image.Image,
        strength: float,
        preserve_color: bool,
        tile: int,
        stats: str,
        notify: ProgressFn,
    ) -> Image.Image:
        blend = strength < 1.0 and not self.handles_strength

        def post(out: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
            # Pointwise, so applying it per tile before blending equals applying it to the whole.
            if preserve_color:
                out = keep_original_colour(out, x)
            return torch.lerp(x, out, strength) if blend else out

        span = STAGES["finish"] - STAGES["stylize"]
        notify("stylize", STAGES["stylize"])
        arr = run_tiled(
            net,
            np.asarray(work, dtype=np.uint8),
            tile=tile,
            stats=stats,
            post=post if (preserve_color or blend) else None,
            progress=lambda f: notify("stylize", STAGES["stylize"] + span * f),
        )
        notify("finish", STAGES["finish"])
        return Image.fromarray(arr, "RGB")


def to_working_size(image: Image.Image, size: int) -> Image.Image:
    """``image`` with its long side ``size`` (Lanczos); unchanged when it already has it."""
    w, h = image.size
    if max(w, h) == size:
        return image
    scale = size / max(w, h)
    return image.resize(
        (max(1, round(w * scale)), max(1, round(h * scale))), Image.Resampling.LANCZOS
    )

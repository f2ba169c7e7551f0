"""The one callable every style kind becomes: PIL RGB in, PIL RGB out, same size.

The shared work (working resolution, strength, colour preservation, progress
reporting, inference mode) lives here once; each kind only implements
:meth:`Stylizer.stylize_tensor` on a (1, 3, H, W) tensor in [0, 1]. A
stylizer holds only immutable state after construction, so one instance can
be cached per process and shared.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import torch
from PIL import Image

from ml.color import keep_original_colour, pil_to_tensor, tensor_to_pil
from ml.device import DeviceInfo

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

    def __call__(
        self,
        image: Image.Image,
        *,
        strength: float = 1.0,
        preserve_color: bool = False,
        size: int = 1024,
        progress: ProgressFn | None = None,
    ) -> Image.Image:
        """Stylize ``image`` and return an RGB image of the same size.

        Args:
            image: the photo (any mode; converted to RGB).
            strength: 0 returns the photo unchanged, 1 the full style.
            preserve_color: keep the photo's hue and chroma, take lightness from the style.
            size: long side of the working resolution; the photo is resampled to it
                (not when it already has that long side) and the result resized back.
            progress: called as ``progress(stage, fraction)`` with stages
                ``prepare``, ``stylize``, ``finish`` and an overall fraction in [0, 1].
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
        work = _to_working_size(image, size)
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


def _to_working_size(image: Image.Image, size: int) -> Image.Image:
    w, h = image.size
    if max(w, h) == size:
        return image
    scale = size / max(w, h)
    return image.resize(
        (max(1, round(w * scale)), max(1, round(h * scale))), Image.Resampling.LANCZOS
    )

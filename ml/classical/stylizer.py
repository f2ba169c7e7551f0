"""Stylizer wrappers for the weight-free built-in styles."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar

import numpy as np
import torch
from PIL import Image

from ml.classical.anime_cel import AnimeCelParams, anime_cel, anime_cel_centres, anime_cel_layers
from ml.classical.print_edges import CelLayers, compose_print
from ml.classical.retro_cel import (
    INK,
    RetroCelParams,
    retro_cel,
    retro_cel_centres,
    retro_cel_layers,
)
from ml.color import keep_original_colour, pil_to_tensor
from ml.device import DeviceInfo
from ml.palette import palette_lab
from ml.stylizer import Stylizer, to_working_size

Centres = tuple[tuple[float, float, float], ...]

#: Smallest long side a cel style analyses (a tinier picture is enlarged to it first, as
#: :meth:`Stylizer.__call__` does through the engine's minimum style size).
MIN_ANALYSIS_SIDE = 64


class CelStylizer(Stylizer):
    """A flat-colour style that can also compose its picture at print size.

    :meth:`render_print` draws region borders and ink at the output's own resolution
    (:mod:`ml.classical.print_edges`) instead of enlarging a finished raster, so a print
    has smooth edges whatever the enlargement. Subclasses name their parameter class in
    ``Params`` (validated here, once) and take an optional paint palette and optional fixed
    quantisation ``centres`` (a clip's, from :meth:`clip_centres`; empty for photos, which
    cluster their own colours).
    """

    Params: ClassVar[type[RetroCelParams] | type[AnimeCelParams]]

    def __init__(
        self,
        device: DeviceInfo,
        params: Mapping[str, Any],
        palette: Sequence[Sequence[int]] = (),
        centres: Sequence[Sequence[float]] = (),
    ) -> None:
        super().__init__(device)
        self.params = self.Params.from_mapping(params)
        self.palette = _checked(palette)
        self.centres: Centres = tuple((float(a), float(b), float(c)) for a, b, c in centres)
        if self.centres and len(self.centres) != self._cluster_count():
            raise ValueError(
                f"{self.name} needs {self._cluster_count()} centres, got {len(self.centres)}"
            )

    def _cluster_count(self) -> int:
        raise NotImplementedError

    def _pooled_centres(self, xs: list[torch.Tensor]) -> torch.Tensor:
        raise NotImplementedError

    def _centres_tensor(self) -> torch.Tensor | None:
        """The fixed centres for the renderers, or None: the picture clusters its own."""
        return torch.tensor(self.centres, dtype=torch.float32) if self.centres else None

    def clip_centres(self, frames: Sequence[Image.Image], size: int) -> Centres:
        """The quantisation centres of ``frames`` (a clip's keyframes) pooled, for a
        stylizer built with ``centres=``: every frame of the clip then paints onto the same
        colours, instead of each frame choosing its own (which flickers on a still camera).

        ``size`` is the working size the frames are styled at (the analysis depends on it).
        """
        with torch.inference_mode():
            xs = [
                pil_to_tensor(
                    to_working_size(f.convert("RGB"), size), self.device.device, self.device.dtype
                )
                for f in frames
            ]
            centres = self._pooled_centres(xs)
        return tuple((float(a), float(b), float(c)) for a, b, c in centres.cpu().tolist())

    def layers(self, x: torch.Tensor) -> CelLayers:
        """The style's structure for a (1, 3, H, W) sRGB tensor in [0, 1]."""
        raise NotImplementedError

    def render_print(
        self,
        image: Image.Image,
        size: tuple[int, int],
        *,
        strength: float = 1.0,
        preserve_color: bool = False,
        photo: Callable[[], Image.Image] | None = None,
        progress: Callable[[float], None] | None = None,
    ) -> Image.Image:
        """The style on ``image`` (the photo at the analysis size), composed at ``size``.

        ``photo()`` gives the photo at ``size``; it is called only when ``strength`` < 1 or
        ``preserve_color`` needs the photo itself in the print (the blend and the colour
        transfer are per pixel, so they run strip by strip on the composed picture).
        """
        if not 0.0 <= strength <= 1.0:
            raise ValueError(f"strength must be between 0 and 1, got {strength}")
        image = image.convert("RGB")
        if max(image.size) < MIN_ANALYSIS_SIDE:
            k = MIN_ANALYSIS_SIDE / max(image.size)
            image = image.resize(
                (max(1, round(image.width * k)), max(1, round(image.height * k))),
                Image.Resampling.LANCZOS,
            )
        report = progress or (lambda _f: None)
        with torch.inference_mode():
            x = pil_to_tensor(image, self.device.device, self.device.dtype)
            layers = self.layers(x)
        del x
        report(0.5)
        finish = None
        if strength < 1.0 or preserve_color:
            big = photo() if photo is not None else image.resize(size, Image.Resampling.LANCZOS)
            if big.size != size:
                raise ValueError(f"photo() gave {big.size}, expected {size}")
            finish = _photo_finish(np.asarray(big.convert("RGB")), strength, preserve_color)
        out = compose_print(layers, size, finish=finish, progress=lambda f: report(0.5 + f / 2))
        return Image.fromarray(out, "RGB")


def _photo_finish(
    photo: np.ndarray, strength: float, preserve_color: bool
) -> Callable[[np.ndarray, slice], np.ndarray]:
    """Per strip, what :meth:`Stylizer.__call__` does after the style: colour, then strength."""

    def finish(rgb: np.ndarray, rows: slice) -> np.ndarray:
        out = torch.from_numpy(np.ascontiguousarray(rgb.transpose(2, 0, 1)))[None].clamp(0, 1)
        x = torch.from_numpy(photo[rows].transpose(2, 0, 1).astype(np.float32) / 255)[None]
        if preserve_color:
            out = keep_original_colour(out, x)
        if strength < 1.0:
            out = torch.lerp(x, out, strength)
        return out[0].permute(1, 2, 0).contiguous().numpy()

    return finish


class RetroCelStylizer(CelStylizer):
    """``retro-cel``; params: ``palette_size``, ``line_weight``, ``smoothing``, ``saturation``."""

    name = "retro-cel"
    Params = RetroCelParams
    params: RetroCelParams

    def _cluster_count(self) -> int:
        return self.params.palette_size

    def _pooled_centres(self, xs: list[torch.Tensor]) -> torch.Tensor:
        return retro_cel_centres(xs, self.params)

    def stylize_tensor(
        self, x: torch.Tensor, strength: float, report: Callable[[float], None]
    ) -> torch.Tensor:
        return retro_cel(x, self.params, report, self.palette, self._centres_tensor())

    def layers(self, x: torch.Tensor) -> CelLayers:
        labels, colours, ink = retro_cel_layers(
            x, self.params, palette=self.palette, centres=self._centres_tensor()
        )
        lab = labels[0].cpu().numpy().astype(np.int32)
        paint = colours.float().cpu().numpy()[lab]
        cov = ink[0, 0].float().cpu().numpy() if ink is not None else np.zeros(lab.shape, "f4")
        return CelLayers(lab, paint.astype(np.float32), cov, INK)


class AnimeCelStylizer(CelStylizer):
    """``anime-cel``; params: see :class:`ml.classical.anime_cel.AnimeCelParams`."""

    name = "anime-cel"
    Params = AnimeCelParams
    params: AnimeCelParams

    def _cluster_count(self) -> int:
        return self.params.colours

    def _pooled_centres(self, xs: list[torch.Tensor]) -> torch.Tensor:
        return anime_cel_centres(xs, self.params)

    def stylize_tensor(
        self, x: torch.Tensor, strength: float, report: Callable[[float], None]
    ) -> torch.Tensor:
        return anime_cel(x, self.params, report, self.palette, self._centres_tensor())

    def layers(self, x: torch.Tensor) -> CelLayers:
        return anime_cel_layers(
            x, self.params, palette=self.palette, centres=self._centres_tensor()
        )


def _checked(palette: Sequence[Sequence[int]]) -> tuple[tuple[int, int, int], ...]:
    """The palette as sRGB triples; ``ValueError`` for anything else (checked at load, not per call)."""
    if palette:
        palette_lab(palette)
    return tuple((int(r), int(g), int(b)) for r, g, b in palette)

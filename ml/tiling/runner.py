"""Run a :class:`~ml.tiling.network.TiledNetwork` over an image of any size in bounded memory.

Passes (all under ``torch.inference_mode``):

1. *Statistics*, ``stats="exact"``: one probe pass per norm layer
   over every full-resolution tile, each cut short just after the layer it
   measures, with the layers before it already frozen at their whole-image
   values (see :mod:`ml.tiling.norms`). ``stats="seed"``: one run of the
   whole image downscaled to one tile gives every layer's statistics at once
   (the default: two passes in all).
2. *Render*: every tile runs with the final statistics frozen; outputs are
   cross-faded across the cuts between owned regions (:mod:`ml.tiling.grid`) into a float32 band one tile row tall and
   flushed row by row into the uint8 result.

Peak memory is the uint8 input and output plus one band (tile x width x 3
float32) plus one tile's activations, whatever the image size. An image that
fits in one tile runs whole, with no hooks at all.

A CUDA out-of-memory error anywhere restarts the run with half the tile size,
down to :data:`MIN_TILE`; any other error propagates unchanged.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable

import numpy as np
import torch
import torch.nn.functional as F

from ml.tiling.grid import blend_weights, owned_bounds, starts_for, weight_norm
from ml.tiling.network import TiledNetwork, Window
from ml.tiling.norms import GlobalNorms, Probed, Region, find_norms

log = logging.getLogger(__name__)

#: Default tile side (input pixels), also the long side above which styles tile: previews at
#: the 1024 px working size run whole, as before; about 1 GB of activations for CycleGAN-9 on CPU.
DEFAULT_TILE = 1024
#: Default overlap between neighbouring tiles (networks set their own, see TiledNetwork.overlap).
DEFAULT_OVERLAP = 128
#: Smallest tile an out-of-memory retry goes down to.
MIN_TILE = 64

PostFn = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
_run_lock = threading.Lock()  # hooks live on shared (cached) modules: one tiled run at a time


def run_tiled(
    net: TiledNetwork,
    image: np.ndarray,
    *,
    tile: int = DEFAULT_TILE,
    overlap: int | None = None,
    stats: str = "seed",
    post: PostFn | None = None,
    progress: Callable[[float], None] | None = None,
) -> np.ndarray:
    """Stylize an HxWx3 uint8 RGB array with ``net``; returns an HxWx3 uint8 array.

    Args:
        net: the network and how to feed it.
        image: the whole picture at the resolution to render.
        tile: tile side in pixels (rounded down to the network's stride).
        overlap: overlap between neighbouring tiles (at most half a tile); default ``net.overlap``.
        stats: ``"exact"``: whole-image statistics, one probe pass per norm layer
            (tiled output equals a whole-image run up to rounding when ``overlap``
            covers the receptive field); ``"seed"``: statistics of the image
            downscaled to one tile, one pass only (seamless, slightly different look).
        post: ``post(out_tile, in_tile)`` applied to each tile's [0, 1] output
            before blending; must be pointwise (strength blend, colour keeping).
        progress: called with the overall fraction done, in [0, 1].
    """
    if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
        raise ValueError(f"Expected HxWx3 uint8, got {image.shape} {image.dtype}")
    if stats not in ("exact", "seed"):
        raise ValueError(f"stats must be 'exact' or 'seed', got {stats!r}")
    h, w = image.shape[:2]
    overlap = net.overlap if overlap is None else overlap
    padded = _pad_to(image, net.stride)
    while True:
        t = max(net.stride, tile // net.stride * net.stride)
        ov = min(overlap, t // 2) // net.stride * net.stride
        try:
            with torch.inference_mode():
                out = _run(net, padded, t, ov, stats, post, progress)
            return np.ascontiguousarray(out[:h, :w])
        except torch.OutOfMemoryError:
            if t <= MIN_TILE:
                raise
            if torch.cuda.is_available():
                torch.cuda.empty_cache()
            tile = max(MIN_TILE, t // 2)
            log.warning("out of memory with tile %d; retrying with tile %d", t, tile)


def _pad_to(image: np.ndarray, stride: int) -> np.ndarray:
    h, w = image.shape[:2]
    ph, pw = (-h) % stride, (-w) % stride
    if not (ph or pw):
        return image
    mode = "reflect" if min(h, w) > max(ph, pw) else "edge"
    return np.pad(image, ((0, ph), (0, pw), (0, 0)), mode=mode)


def _writable(arr: np.ndarray) -> np.ndarray:
    arr = np.ascontiguousarray(arr)
    return arr if arr.flags.writeable else arr.copy()


def _to_tensor(arr: np.ndarray, net: TiledNetwork) -> torch.Tensor:
    x = torch.from_numpy(_writable(arr)).permute(2, 0, 1).unsqueeze(0)
    return x.to(device=net.device, dtype=net.dtype).div_(255.0)


def _apply(net: TiledNetwork, x: torch.Tensor, window: Window, post: PostFn | None) -> torch.Tensor:
    y = net.forward(x, window).float()
    if post is not None:
        y = post(y, x.float())
    return y.clamp(0, 1)


def _run(
    net: TiledNetwork,
    img: np.ndarray,
    tile: int,
    overlap: int,
    stats: str,
    post: PostFn | None,
    progress: Callable[[float], None] | None,
) -> np.ndarray:
    h, w = img.shape[:2]
    if h <= tile and w <= tile:
        y = _apply(net, _to_tensor(img, net), Window.whole(h, w), post)
        if progress:
            progress(1.0)
        return _quantise(y[0].permute(1, 2, 0).cpu().numpy())
    th, tw = min(tile, h), min(tile, w)
    ys, xs = starts_for(h, th, overlap, net.stride), starts_for(w, tw, overlap, net.stride)
    own_y, own_x = owned_bounds(ys, th, h, net.stride), owned_bounds(xs, tw, w, net.stride)
    n_norms = len(find_norms(net.module)) if stats == "exact" else 0
    total = n_norms + len(ys) * len(xs)  # a probe pass counts as one unit: it is cut short
    done = 0

    def step() -> None:
        nonlocal done
        done += 1
        if progress:
            progress(done / total)

    with _run_lock, GlobalNorms(net.module) as norms:
        if stats == "seed" and norms.layers:
            norms.mode = "observe"
            seed = _seed_image(img, tile, net.stride)
            net.forward(_to_tensor(seed, net), Window.whole(*seed.shape[:2]))
            norms.freeze_recorded()
        norms.mode = "probe"
        while not norms.complete:
            for y0, (oy0, oy1) in zip(ys, own_y, strict=True):
                for x0, (ox0, ox1) in zip(xs, own_x, strict=True):
                    norms.region = Region(oy0 - y0, ox0 - x0, oy1 - y0, ox1 - x0, th, tw)
                    with contextlib.suppress(Probed):
                        net.forward(
                            _to_tensor(img[y0 : y0 + th, x0 : x0 + tw], net),
                            Window(y0, x0, th, tw, h, w),
                        )
            if norms.freeze_recorded() != 1:
                raise RuntimeError("a probe pass measured no norm layer")
            step()
        norms.mode = "render"
        norms.region = None
        return _render(net, img, th, tw, ys, xs, own_y, own_x, overlap, post, step)


def _whole(img: np.ndarray, tile: int, net: TiledNetwork) -> Window:
    small = _seed_shape(img.shape[0], img.shape[1], tile, net.stride)
    return Window.whole(*small)


def _seed_shape(h: int, w: int, tile: int, stride: int) -> tuple[int, int]:
    scale = min(1.0, tile / max(h, w))
    return (
        max(stride, round(h * scale / stride) * stride),
        max(stride, round(w * scale / stride) * stride),
    )


def _seed_image(img: np.ndarray, tile: int, stride: int) -> np.ndarray:
    sh, sw = _seed_shape(img.shape[0], img.shape[1], tile, stride)
    x = torch.from_numpy(_writable(img)).permute(2, 0, 1).unsqueeze(0).float()
    x = F.interpolate(x, size=(sh, sw), mode="bilinear", antialias=True, align_corners=False)
    return x[0].permute(1, 2, 0).round().clamp(0, 255).byte().numpy()


def _quantise(rows: np.ndarray) -> np.ndarray:
    rows *= 255.0
    rows += 0.5
    np.clip(rows, 0.0, 255.0, out=rows)
    return rows.astype(np.uint8)  # truncating cast of x + 0.5 = round half up


def _render(
    net: TiledNetwork,
    img: np.ndarray,
    th: int,
    tw: int,
    ys: list[int],
    xs: list[int],
    own_y: list[tuple[int, int]],
    own_x: list[tuple[int, int]],
    overlap: int,
    post: PostFn | None,
    step: Callable[[], None],
) -> np.ndarray:
    h, w = img.shape[:2]
    out = np.empty((h, w, 3), dtype=np.uint8)
    ramp = overlap // 4
    wy_all = [blend_weights(y0, th, o, h, ramp) for y0, o in zip(ys, own_y, strict=True)]
    wx = [blend_weights(x0, tw, o, w, ramp) for x0, o in zip(xs, own_x, strict=True)]
    norm_y, norm_x = weight_norm(wy_all, ys, h), weight_norm(wx, xs, w)
    band: np.ndarray | None = None
    band_top = 0
    for r, y0 in enumerate(ys):
        new_band = np.zeros((th, w, 3), dtype=np.float32)
        if band is not None:  # rows this tile row shares with the previous one
            carried = band[y0 - band_top :]
            new_band[: carried.shape[0]] = carried
        band, band_top = new_band, y0
        wy = wy_all[r]
        for c, x0 in enumerate(xs):
            window = Window(y0, x0, th, tw, h, w)
            y = _apply(net, _to_tensor(img[y0 : y0 + th, x0 : x0 + tw], net), window, post)
            tile_out = y[0].permute(1, 2, 0).cpu().numpy()
            tile_out *= wy[:, None, None] * wx[c][None, :, None]
            band[:, x0 : x0 + tw] += tile_out
            step()
        flush_end = ys[r + 1] if r + 1 < len(ys) else h
        rows = band[: flush_end - band_top]
        rows /= norm_y[band_top:flush_end, None, None] * norm_x[None, :, None]
        out[band_top:flush_end] = _quantise(rows)
    return out

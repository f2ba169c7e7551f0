"""Tiled super-resolution with overlap blending and memory bounded by the tile.

The LR image is cut into a grid of ``tile`` x ``tile`` windows that overlap by
``overlap`` LR pixels. Each output tile is weighted by a separable window that
is 0 on the outer quarter of each interior overlap (where the tile lacked
context), ramps linearly over the middle half and is 1 elsewhere; image
borders are not ramped. Because the grid is a product of row and column
positions, the sum of all weights is ``Sy[y] * Sx[x]`` - two 1-D arrays - so
no full-size weight map is kept.

Tiles are processed one tile row at a time into a float32 *band* just tall
enough for that row; rows that no later tile touches are normalised,
quantised and written straight into the preallocated uint8 output. Peak
memory is the uint8 output plus one band plus one tile's activations - never
a whole-image float feature map.

A CUDA out-of-memory error restarts the pass with half the tile size (down to
``MIN_TILE``); every other error propagates unchanged.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import numpy as np
import torch

log = logging.getLogger(__name__)

MIN_TILE = 32
Progress = Callable[[str, float], None]


def tile_starts(length: int, tile: int, overlap: int) -> list[int]:
    """Start offsets of tiles covering ``length``; neighbours overlap by >= ``overlap``."""
    if length <= tile:
        return [0]
    stride = tile - overlap
    starts = list(range(0, length - tile, stride))
    starts.append(length - tile)
    return starts


def axis_weights(start: int, size: int, length: int, overlap: int, scale: int) -> np.ndarray:
    """1-D blending window (HR pixels) of one tile along one axis."""
    n = size * scale
    w = np.ones(n, dtype=np.float32)
    band = overlap * scale
    if band <= 0:
        return w
    dead = band // 4
    ramp = max(1, band - 2 * dead)
    d = np.arange(n, dtype=np.float32)
    edge = np.clip((d - dead + 0.5) / ramp, 0.0, 1.0)
    if start > 0:  # interior left/top edge
        w = np.minimum(w, edge)
    if start + size < length:  # interior right/bottom edge
        w = np.minimum(w, edge[::-1])
    return w


def _axis_norm(starts: list[int], size: int, length: int, overlap: int, scale: int) -> np.ndarray:
    total = np.zeros(length * scale, dtype=np.float32)
    for s in starts:
        total[s * scale : (s + size) * scale] += axis_weights(s, size, length, overlap, scale)
    if (total <= 0).any():  # cannot happen with overlap < tile; guard against silent black seams
        raise RuntimeError("Tiling left pixels without weight")
    return total


def _run_tile(
    model: torch.nn.Module, lr_tile: np.ndarray, device: torch.device, dtype: torch.dtype
) -> torch.Tensor:
    x = torch.from_numpy(np.array(lr_tile)).permute(2, 0, 1).unsqueeze(0)
    x = x.to(device=device, dtype=dtype).div_(255.0)
    if device.type == "cuda":
        x = x.contiguous(memory_format=torch.channels_last)
    return model(x)[0].float().clamp_(0.0, 1.0)  # CHW on device


def _sr_pass_once(
    model: torch.nn.Module,
    lr: np.ndarray,
    out: np.ndarray,
    scale: int,
    tile: int,
    overlap: int,
    progress: Progress | None,
    stage: str,
) -> None:
    h, w = lr.shape[:2]
    th, tw = min(tile, h), min(tile, w)
    ys, xs = tile_starts(h, tile, overlap), tile_starts(w, tile, overlap)
    norm_y = _axis_norm(ys, th, h, overlap, scale)
    norm_x = _axis_norm(xs, tw, w, overlap, scale)
    wx = [axis_weights(x0, tw, w, overlap, scale) for x0 in xs]
    param = next(model.parameters())
    device, dtype = param.device, param.dtype
    band: np.ndarray | None = None
    band_top = 0
    n_tiles, done = len(ys) * len(xs), 0
    for r, y0 in enumerate(ys):
        top = y0 * scale
        new_band = np.zeros((th * scale, w * scale, 3), dtype=np.float32)
        if band is not None:  # carry the rows the previous tile row shares with this one
            carried = band[top - band_top :]
            new_band[: carried.shape[0]] = carried
        band, band_top = new_band, top
        wy = torch.from_numpy(axis_weights(y0, th, h, overlap, scale)).to(device)
        for c, x0 in enumerate(xs):
            sr = _run_tile(model, lr[y0 : y0 + th, x0 : x0 + tw], device, dtype)
            weight = wy[:, None] * torch.from_numpy(wx[c]).to(device)[None, :]
            tile_out = (sr * weight).permute(1, 2, 0).cpu().numpy()
            band[:, x0 * scale : (x0 + tw) * scale] += tile_out
            done += 1
            if progress is not None:
                progress(stage, done / n_tiles)
        flush_end = ys[r + 1] * scale if r + 1 < len(ys) else h * scale
        rows = band[: flush_end - band_top]  # final rows; in-place keeps temporaries small
        rows /= norm_y[band_top:flush_end, None, None] * norm_x[None, :, None]
        rows *= 255.0
        rows += 0.5
        np.clip(rows, 0.0, 255.0, out=rows)
        out[band_top:flush_end] = rows  # truncating cast of x + 0.5 = round half up


def sr_pass(
    model: torch.nn.Module,
    lr: np.ndarray,
    *,
    tile: int,
    overlap: int,
    progress: Progress | None = None,
    stage: str = "upscale",
) -> np.ndarray:
    """One tiled RDN pass over an HWC uint8 RGB array; returns HWC uint8, ``model.scale`` x larger.

    The model must already sit on its device in eval mode; call under
    ``torch.inference_mode()``.
    """
    if lr.ndim != 3 or lr.shape[2] != 3 or lr.dtype != np.uint8:
        raise ValueError(f"Expected HxWx3 uint8, got {lr.shape} {lr.dtype}")
    if tile < 1 or overlap < 0:
        raise ValueError(f"Bad tiling tile={tile} overlap={overlap}")
    scale = int(model.scale)
    out = np.empty((lr.shape[0] * scale, lr.shape[1] * scale, 3), dtype=np.uint8)
    while True:
        ov = min(overlap, tile // 2)
        try:
            _sr_pass_once(model, lr, out, scale, tile, ov, progress, stage)
            return out
        except torch.cuda.OutOfMemoryError:
            if tile <= MIN_TILE:
                raise
            torch.cuda.empty_cache()
            tile = max(MIN_TILE, tile // 2)
            log.warning("CUDA out of memory; retrying the pass with tile %d", tile)

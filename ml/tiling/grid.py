"""Tile geometry: stride-aligned tile positions, the region each tile owns, and blending ramps.

The image is *partitioned* among the tiles: a tile owns the pixels from the
middle of its overlap with the previous tile to the middle of its overlap with
the next one, so every pixel belongs to exactly one tile and lies as far from
that tile's edges as possible. Norm statistics are gathered over owned regions.

Outputs are cross-faded across each cut with a linear ramp ``ramp`` pixels wide
centred on the cut (complementary weights, summing to one), so a seam is never
a hard edge, and every blended pixel still had at least ``overlap / 2 - ramp /
2`` pixels of context in both tiles.
"""

from __future__ import annotations

import numpy as np

from ml.sr.tiling import tile_starts


def starts_for(length: int, tile: int, overlap: int, stride: int) -> list[int]:
    """Tile starts covering ``length``; all multiples of ``stride`` when the three inputs are."""
    starts = tile_starts(length, tile, overlap)
    if any(s % stride for s in starts):
        raise ValueError(f"tiles {tile}/{overlap} over {length} are not aligned to stride {stride}")
    return starts


def owned_bounds(starts: list[int], size: int, length: int, stride: int) -> list[tuple[int, int]]:
    """[lo, hi) each tile owns; the ranges partition [0, length) and lie on multiples of ``stride``."""
    cuts = [0]
    for a, b in zip(starts, starts[1:], strict=False):
        mid = (b + a + size) // 2  # middle of the overlap [b, a + size)
        cuts.append(max(cuts[-1], mid // stride * stride))
    cuts.append(length)
    return list(zip(cuts, cuts[1:], strict=False))


def blend_weights(
    start: int, size: int, owned: tuple[int, int], length: int, ramp: int
) -> np.ndarray:
    """1-D weights of one tile: 1 on its owned range, linear ramps ``ramp`` wide centred on its cuts."""
    pos = np.arange(start, start + size, dtype=np.float32) + 0.5
    lo, hi = owned
    w = np.ones(size, dtype=np.float32)
    r = max(1, ramp)
    if lo > 0:
        w = np.minimum(w, np.clip((pos - lo) / r + 0.5, 0.0, 1.0))
    if hi < length:
        w = np.minimum(w, np.clip((hi - pos) / r + 0.5, 0.0, 1.0))
    return w


def weight_norm(weights: list[np.ndarray], starts: list[int], length: int) -> np.ndarray:
    """Sum of all tiles' weights along one axis (1 by construction; checked, never zero)."""
    total = np.zeros(length, dtype=np.float32)
    for s, w in zip(starts, weights, strict=True):
        total[s : s + w.size] += w
    if (total <= 0).any():
        raise RuntimeError("Tiling left pixels without weight")
    return total

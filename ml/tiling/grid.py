"""Tile geometry: stride-aligned tile positions, the region each tile owns, and blending ramps.

Tiles overlap by ``overlap`` pixels. For blending, each tile's output is
weighted by the separable ramp of :func:`ml.sr.tiling.axis_weights` (0 on the
outer quarter of an interior overlap, linear over the middle half), so every
seam is a smooth cross-fade between two tiles that both had context there.
For statistics, the image is *partitioned*: a tile owns the pixels from the
middle of its overlap with the previous tile to the middle of its overlap with
the next one, so every pixel is counted exactly once and as far from a tile
edge as possible.
"""

from __future__ import annotations

import numpy as np

from ml.sr.tiling import axis_weights, tile_starts

__all__ = ["axis_weights", "owned_bounds", "starts_for", "weight_norm"]


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


def weight_norm(starts: list[int], size: int, length: int, overlap: int) -> np.ndarray:
    """Sum of all tiles' blending weights along one axis (never zero for overlap < size)."""
    total = np.zeros(length, dtype=np.float32)
    for s in starts:
        total[s : s + size] += axis_weights(s, size, length, overlap, 1)
    if (total <= 0).any():
        raise RuntimeError("Tiling left pixels without weight")
    return total

"""Tiled inference for normalised image-to-image networks, at any size, in bounded memory.

Generator networks (AnimeGANv2, CartoonGAN, CycleGAN) and the reference
style transformer normalise their feature maps with statistics of the *whole*
feature map (instance norm, or GroupNorm with one group = layer norm). Run
naively in tiles, every tile gets its own statistics and the tiles disagree in
colour and contrast: visible seams. Here every norm layer instead uses
statistics gathered over the whole image (:mod:`ml.tiling.norms`), the tiles
overlap by a context margin and are blended with linear ramps
(:mod:`ml.tiling.grid`), and :func:`ml.tiling.runner.run_tiled` drives the
passes with memory bounded by the tile size, retrying a CUDA out-of-memory
with smaller tiles.
"""

from ml.tiling.network import TiledNetwork, Window
from ml.tiling.runner import DEFAULT_OVERLAP, DEFAULT_TILE, MIN_TILE, run_tiled

__all__ = ["DEFAULT_OVERLAP", "DEFAULT_TILE", "MIN_TILE", "TiledNetwork", "Window", "run_tiled"]

"""Cel artwork composed at print size, with region borders and ink resolved there.

A cel renderer analyses a picture at a modest size (anime-cel at <= 1024 px, retro-cel at
the crop's pixels) and ends in flat paint regions plus an ink coverage map. Enlarging that
finished raster (RDN or any resampler) enlarges its pixel-aligned region borders too: every
border becomes a staircase whose steps are as long as the enlargement factor (4-7 px at
300 DPI on an 18 x 24 in poster). Here the renderer's *structure* is composed directly at
the print's pixel size instead:

* **Regions.** Every print pixel is given the region that wins a Gaussian-smoothed vote of
  the analysis pixels around it (sigma :data:`SIGMA` analysis px and an 8 x 8 tap window from
  x3 up, less below: :data:`KERNELS`). The
  smoothed vote is a continuous field, so the border (where the top two regions tie) is a
  smooth curve through the analysis staircase, not the staircase itself. The vote and its
  gradient are evaluated analytically, so the border pixel is anti-aliased by its signed
  distance to that curve, in print pixels: a one-pixel ramp whatever the enlargement.
  Pixels whose tap window holds one region only (most of them) skip the vote and take the
  paint bilinearly, which also keeps smooth washes smooth.
* **Ink.** The coverage map is lightly smoothed (:data:`INK_SIGMA`), enlarged bicubically,
  divided by its line's own peak, re-thresholded with the same one-print-pixel
  anti-aliasing and multiplied back by that peak: solid lines print solid and crisp, faint
  lines crisp at their own darkness (a plain 0.5 threshold dropped 60 % of retro-cel's ink).
* **Grain** (anime-cel) is enlarged bilinearly as before; it is faint and smooth.

Work goes in strips of output rows, so memory is a few strips plus the uint8 output
(39 MP for an 18 x 24 in poster at 300 DPI: 117 MB), whatever the print size.

The preview path is untouched: renderers still finish at the working size as before.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np
import torch
from PIL import Image

#: Width of the region vote from x3 up, in analysis pixels. About one pixel: wide
#: enough that a one-pixel staircase averages out into a curve, narrow enough that corners
#: round by about a pixel of the preview and two-pixel features survive. Measured on issue
#: 19's disc card composed at x6.85 (``ml.edge_metrics`` on the raster, before any PDF): 1.0
#: left a wave (0.9-1.0 px RMS, 2.1-2.6 px treads), 1.3 gives 0.77-0.87 px RMS and 0.5 px
#: treads, 1.6 rounds more (0.68-0.79 px, treads back to 1.6-2.1 px) for no visible gain.
SIGMA = 1.3
#: Taps per axis (offsets -3..+4 around the analysis pixel below the sample point: the
#: Gaussian's weight is below 1 % of its peak beyond them).
TAPS = np.arange(-3, 5)
#: Smaller enlargements make shorter stairs and need less smoothing: (factor below, sigma,
#: taps). Fewer taps also make far fewer pixels border pixels, which is most of the cost
#: when a big crop is only enlarged x1.8 (the 12-MP photo on the 18 x 24 in poster).
KERNELS = ((2.0, 0.7, np.arange(-1, 3)), (3.0, 1.0, np.arange(-2, 4)))
#: Largest enlargement composed directly; past it the picture is composed at this factor
#: and Lanczos covers the rest (a tiny crop on a big print: edges stay smooth, and the
#: vote is not run on tens of millions of pixels for detail the crop never had).
MAX_FACTOR = 8.0
#: Smoothing of the ink coverage before it is enlarged, in analysis pixels: lines are
#: often 2 px wide with 2 px gaps (anime-cel), which :data:`SIGMA` would merge. 0.7 keeps
#: such a gap clear; 0.6 let the outline's own staircase show (2.1 px treads on the disc
#: card's green disc), 0.8 thinned faint lines (retro-cel ink share 0.0135 vs 0.0189).
INK_SIGMA = 0.7
#: Where a faint line's edge is drawn, as a share of its own peak (solid lines: 0.5, in
#: between by their darkness). Faint lines are thin soft diagonals (retro-cel's XDoG) whose
#: enlarged ridge dips between pixels: at 0.5 they broke into dashes; at 0.35 for every
#: line, solid outlines grew 24 % heavier and followed the staircase more (2.6-3.1 px
#: treads on the disc card).
FAINT_INK_LEVEL = 0.3
#: Most regions considered in one tap window (the nearest ones); more only at rare
#: many-region corners, where the farthest carry almost no weight.
MAX_CANDIDATES = 4
STRIP_ROWS = 256
CHUNK = 1 << 16

Progress = Callable[[float], None]


@dataclass(frozen=True)
class CelLayers:
    """What a cel renderer knows at its analysis size, before it is flattened to pixels.

    Attributes:
        labels: (h, w) int32 region ids; pixels with one id share one paint model.
        paint: (h, w, 3) float32 sRGB paint (flat per region, or a smooth wash).
        ink: (h, w) float32 ink coverage in [0, 1].
        ink_rgb: sRGB colour of the ink.
        grain: (h, w) float32 offset added to the paint under the ink, or None.
    """

    labels: np.ndarray
    paint: np.ndarray
    ink: np.ndarray
    ink_rgb: tuple[float, float, float]
    grain: np.ndarray | None = None

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) of the analysis grid."""
        return self.labels.shape[1], self.labels.shape[0]


def labels_from_paint(paint: np.ndarray, tolerance: float = 0.006) -> np.ndarray:
    """Region ids for a paint image: 4-connected pixels whose colours differ by <= ``tolerance``.

    Flat regions have one exact colour; washes change by far less than ``tolerance`` per
    pixel, so each comes out as one region; neighbouring regions closer than ``tolerance``
    merge, which no print can show. Built as a grid graph (pixel nodes at even
    coordinates, edge nodes between them) labelled by OpenCV's connected components.
    """
    h, w = paint.shape[:2]
    grid = np.zeros((2 * h - 1, 2 * w - 1), dtype=np.uint8)
    grid[::2, ::2] = 1
    grid[::2, 1::2] = np.abs(paint[:, 1:] - paint[:, :-1]).max(-1) <= tolerance
    grid[1::2, ::2] = np.abs(paint[1:] - paint[:-1]).max(-1) <= tolerance
    _, lab = cv2.connectedComponents(grid, connectivity=4, ltype=cv2.CV_32S)
    return np.ascontiguousarray(lab[::2, ::2])


def compose_print(
    layers: CelLayers,
    size: tuple[int, int],
    *,
    finish: Callable[[np.ndarray, slice], np.ndarray] | None = None,
    progress: Progress | None = None,
    strip_rows: int = STRIP_ROWS,
) -> np.ndarray:
    """The cel picture at ``size`` (width, height) as (H, W, 3) uint8, borders resolved there.

    ``finish(rgb_strip, rows)`` may post-process each float sRGB strip (the stylizer's
    strength blend and colour preservation against the enlarged photo).
    """
    report = progress or (lambda _f: None)
    w, h = layers.size
    factor = max(size[0] / w, size[1] / h)
    if factor > MAX_FACTOR:
        k = MAX_FACTOR / factor
        small = (max(1, round(size[0] * k)), max(1, round(size[1] * k)))
        out = compose_print(layers, small, finish=None, progress=progress, strip_rows=strip_rows)
        big = Image.fromarray(out, "RGB").resize(size, Image.Resampling.LANCZOS)
        out = np.asarray(big).copy()
        if finish is not None:
            for y0 in range(0, size[1], strip_rows):
                rows = slice(y0, min(size[1], y0 + strip_rows))
                strip = finish(out[rows].astype(np.float32) / 255, rows)
                out[rows] = (np.clip(strip, 0, 1) * 255 + 0.5).astype(np.uint8)
        return out
    big_w, big_h = size
    sx, sy = big_w / w, big_h / h
    sigma, taps = next(((s, t) for f, s, t in KERNELS if factor < f), (SIGMA, TAPS))
    uniform = _uniform_windows(layers.labels, taps)
    ink = peak = None
    if layers.ink.any():
        ink = cv2.GaussianBlur(layers.ink, (0, 0), INK_SIGMA)
        # How dark the line through each point is: faint lines print faint, not dropped.
        peak = cv2.dilate(layers.ink, np.ones((3, 3), np.uint8))
    ix, wx, dwx = _axis((np.arange(big_w) + 0.5) / sx - 0.5, w, sigma, taps)
    out = np.empty((big_h, big_w, 3), dtype=np.uint8)
    ink_rgb = np.asarray(layers.ink_rgb, dtype=np.float32)
    for y0 in range(0, big_h, strip_rows):
        y1 = min(big_h, y0 + strip_rows)
        v = (np.arange(y0, y1) + 0.5) / sy - 0.5
        iy, wy, dwy = _axis(v, h, sigma, taps)
        map_x = np.broadcast_to(((np.arange(big_w) + 0.5) / sx - 0.5)[None], (y1 - y0, big_w))
        map_y = np.broadcast_to(v[:, None], (y1 - y0, big_w))
        map_x, map_y = map_x.astype(np.float32), map_y.astype(np.float32)
        rgb = cv2.remap(
            layers.paint, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
        )
        flat = uniform[iy[:, None], ix[None, :]]
        ys, xs = np.nonzero(~flat)
        if len(ys):
            rgb[ys, xs] = _border_paint(layers, ys, xs, (iy, wy, dwy), (ix, wx, dwx), sx, sy, taps)
        if layers.grain is not None:
            grain = cv2.remap(
                layers.grain, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
            )
            rgb += grain[..., None]
        if ink is not None:
            cov = _sharp_ink(ink, peak, (np.arange(big_w) + 0.5) / sx - 0.5, v, sx, sy)
            rgb = rgb * (1 - cov[..., None]) + ink_rgb * cov[..., None]
        if finish is not None:
            rgb = finish(rgb, slice(y0, y1))
        np.clip(rgb, 0, 1, out=rgb)
        out[y0:y1] = (rgb * 255 + 0.5).astype(np.uint8)
        report(y1 / big_h)
    return out


def _axis(
    coord: np.ndarray, n: int, sigma: float, taps: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Base index, normalised Gaussian tap weights and their derivative along one axis.

    ``coord`` are sample positions in analysis pixels (pixel centres at integers); taps
    sit at ``floor(coord) + taps``, clamped to the image (edges replicate).
    """
    coord = np.clip(coord, 0, n - 1)
    base = np.floor(coord).astype(np.int64)
    base = np.minimum(base, n - 1)
    d = (base[:, None] + taps[None, :]) - coord[:, None]  # tap position - sample position
    g = np.exp(-(d * d) / (2 * sigma**2))
    dg = g * d / sigma**2  # d/dcoord of exp(-(tap - coord)^2 / 2s^2)
    s, ds = g.sum(1, keepdims=True), dg.sum(1, keepdims=True)
    weight = g / s
    dweight = (dg * s - g * ds) / (s * s)
    return base, weight.astype(np.float32), dweight.astype(np.float32)


def _uniform_windows(labels: np.ndarray, taps: np.ndarray) -> np.ndarray:
    """True where every label in the tap window of that analysis pixel is the same."""
    lo, hi = -taps[0], taps[-1]
    padded = np.pad(labels, ((lo, hi), (lo, hi)), mode="edge")
    h, w = labels.shape
    rmax = rmin = padded[:h, :]
    for k in range(1, len(taps)):
        rmax, rmin = np.maximum(rmax, padded[k : k + h]), np.minimum(rmin, padded[k : k + h])
    cmax, cmin = rmax[:, :w], rmin[:, :w]
    for k in range(1, len(taps)):
        cmax = np.maximum(cmax, rmax[:, k : k + w])
        cmin = np.minimum(cmin, rmin[:, k : k + w])
    return cmax == cmin


def _border_paint(
    layers: CelLayers,
    ys: np.ndarray,
    xs: np.ndarray,
    rows: tuple[np.ndarray, np.ndarray, np.ndarray],
    cols: tuple[np.ndarray, np.ndarray, np.ndarray],
    sx: float,
    sy: float,
    taps: np.ndarray,
) -> np.ndarray:
    """Anti-aliased paint for the strip's print pixels (``ys``, ``xs``, row-major) near a
    region border: (N, 3) float32 sRGB.

    The vote is separable: the pixels of one print row that fall in one analysis cell share
    the row weights, so the tap masks are reduced along y once per (row, cell) run and only
    the x reduction is done per pixel.
    """
    iy, wy, dwy = rows
    ix, wx, dwx = cols
    w = layers.labels.shape[1]
    cx = ix[xs]
    # Runs of consecutive pixels on one print row in one analysis cell.
    starts = np.flatnonzero(np.r_[True, (np.diff(ys) != 0) | (np.diff(cx) != 0)])
    run_of = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(ys)]))
    run_row, run_cx = ys[starts], cx[starts]
    cells, cell_of_run = np.unique(iy[run_row] * w + run_cx, return_inverse=True)
    cand, colour, masks = _candidates(layers, cells // w, cells % w, taps)
    out = np.empty((len(ys), 3), dtype=np.float32)
    run_chunk = max(1, CHUNK // 4)
    for ra in range(0, len(starts), run_chunk):
        rb = min(len(starts), ra + run_chunk)
        m = torch.from_numpy(masks[cell_of_run[ra:rb]])  # (r, M, T, T)
        ty = torch.from_numpy(np.stack([wy[run_row[ra:rb]], dwy[run_row[ra:rb]]], 1))  # (r, 2, T)
        # Reduced along y with the weights and their derivative: (r, 2M, T).
        red = torch.matmul(ty[:, None], m).transpose(1, 2).reshape(rb - ra, -1, m.shape[-1])
        a, b = starts[ra], (starts[rb] if rb < len(starts) else len(ys))
        local = torch.from_numpy(run_of[a:b] - ra)
        tx = torch.from_numpy(np.stack([wx[xs[a:b]], dwx[xs[a:b]]], 2))  # (n, T, 2)
        both = torch.bmm(red[local], tx)  # (n, 2M, 2)
        k = m.shape[1]
        score, grad_x, grad_y = both[:, :k, 0], both[:, :k, 1], both[:, k:, 0]
        top = score.topk(2, dim=1)
        first, second = top.indices[:, 0], top.indices[:, 1]
        pick = torch.arange(b - a)
        gap = top.values[:, 0] - top.values[:, 1]
        # Gradient of the vote gap in print pixels (analysis px per print px is 1/s).
        gx = (grad_x[pick, first] - grad_x[pick, second]) / sx
        gy = (grad_y[pick, first] - grad_y[pick, second]) / sy
        dist = gap / torch.sqrt(gx * gx + gy * gy).clamp_min(1e-6)
        alpha = (0.5 + dist).clamp(0.5, 1.0).numpy()[:, None]
        cell = cell_of_run[run_of[a:b]]
        c1 = colour[cell, first.numpy()]
        c2 = colour[cell, second.numpy()]
        # A window with one region only (the other candidates empty) never blends.
        alpha[cand[cell, 1] < 0] = 1.0
        out[a:b] = alpha * c1 + (1 - alpha) * c2
    return out


def _candidates(
    layers: CelLayers, cy: np.ndarray, cx: np.ndarray, taps: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each analysis cell: its nearest regions, their paint there, and their tap masks.

    Returns (n, M) ids (-1 = none), (n, M, 3) sRGB paint taken at the region's tap nearest
    the cell, and (n, M, T, T) float32 masks of the taps that belong to each region.
    """
    h, w = layers.labels.shape
    t = len(taps)
    rows = np.clip(cy[:, None] + taps[None, :], 0, h - 1)  # (n, T)
    cols = np.clip(cx[:, None] + taps[None, :], 0, w - 1)
    taps_y = np.repeat(rows, t, axis=1)  # (n, T * T) row-major over (a, b)
    taps_x = np.tile(cols, (1, t))
    found = layers.labels[taps_y, taps_x]
    oy, ox = np.meshgrid(taps, taps, indexing="ij")
    order = np.argsort(((oy - 0.5) ** 2 + (ox - 0.5) ** 2).ravel(), kind="stable")
    n = len(cy)
    cand = np.full((n, MAX_CANDIDATES), -1, dtype=np.int64)
    colour = np.zeros((n, MAX_CANDIDATES, 3), dtype=np.float32)
    masks = np.zeros((n, MAX_CANDIDATES, t, t), dtype=np.float32)
    left = np.ones(found.shape, dtype=bool)
    every = np.arange(n)
    for m in range(MAX_CANDIDATES):
        ordered = left[:, order]
        has = ordered.any(1)
        if not has.any():
            break
        tap = order[ordered.argmax(1)]
        label = found[every, tap]
        mine = (found == label[:, None]) & has[:, None]
        cand[has, m] = label[has]
        colour[has, m] = layers.paint[taps_y[every, tap], taps_x[every, tap]][has]
        masks[:, m] = mine.reshape(n, t, t)
        left &= ~mine
    return cand, colour, masks


def _sharp_ink(
    ink: np.ndarray, peak: np.ndarray, u: np.ndarray, v: np.ndarray, sx: float, sy: float
) -> np.ndarray:
    """Ink coverage at print size: crisp lines whose darkness follows the analysis lines.

    The coverage is enlarged bicubically and divided by the local line peak (``peak``,
    enlarged bilinearly), so every line, faint or solid, has its ridge near 1; that is
    re-thresholded at 0.5 with a one-print-pixel ramp and multiplied back by the peak. A
    solid line prints solid with crisp edges; a faint one (a soft 1 px line of the
    analysis) prints as a crisp line about its half-peak width at its own darkness, so the
    ink the preview shows is neither dropped nor darkened. ``u`` / ``v`` are the strip's
    column / row positions in analysis pixels; one extra row each side gives the gradient
    central differences, so strips join without a seam.
    """
    step = 1.0 / sy
    rows = np.concatenate([[v[0] - step], v, [v[-1] + step]]).astype(np.float32)
    map_x = np.ascontiguousarray(np.broadcast_to(u.astype(np.float32)[None], (len(rows), len(u))))
    map_y = np.ascontiguousarray(np.broadcast_to(rows[:, None], (len(rows), len(u))))
    up = cv2.remap(ink, map_x, map_y, cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE)
    top = cv2.remap(peak, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    np.clip(up, 0, 1, out=up)
    if max(sx, sy) <= 1:
        return up[1:-1]
    top = np.maximum(top, up)
    norm = np.where(top > 0.02, up / np.maximum(top, 1e-6), 0.0)
    gy, gx = np.gradient(norm)
    slope = np.sqrt(gx * gx + gy * gy)[1:-1]
    # Coverage rising faster than 1 per print pixel is already sharp; slower is made so.
    level = 0.5 - (0.5 - FAINT_INK_LEVEL) * np.clip(1 - top[1:-1], 0, 1)
    sharp = np.clip(0.5 + (norm[1:-1] - level) / np.clip(slope, 1e-6, 1.0), 0, 1)
    return (sharp * np.minimum(top[1:-1], 1.0)).astype(np.float32)

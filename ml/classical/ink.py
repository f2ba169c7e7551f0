"""Ink for ``anime-cel``: lines on region boundaries and major interior features, none on texture.

Lines are built as a soft coverage map in [0, 1]: boundary pixels get a
strength from the paint contrast across them, a Gaussian spreads them and a
smooth threshold turns that into an anti-aliased stroke whose width grows
with the strength. Weak boundaries fall below the threshold and get no line;
fragments smaller than a few pixels are removed at the end, so the ink has
no specks by construction.
"""

from __future__ import annotations

import cv2
import numpy as np


def smoothstep(x: np.ndarray, lo: float, hi: float) -> np.ndarray:
    t = np.clip((x - lo) / (hi - lo), 0.0, 1.0)
    return t * t * (3 - 2 * t)


def boundary_strength(
    regions: np.ndarray, paint_lab: np.ndarray, lo: float, hi: float
) -> np.ndarray:
    """(H, W) in [0, 1]: contrast of the paint across each region boundary, 0 elsewhere.

    Both pixels of a boundary pair get the strength, so a line is centred on
    the border. Tone changes inside one region (cel shadows) have no line.
    """
    w = np.array([1.0, 1.6, 1.6], dtype=np.float32)
    s = np.zeros(regions.shape, dtype=np.float32)
    for axis in (0, 1):
        a = [slice(None), slice(None)]
        b = [slice(None), slice(None)]
        a[axis], b[axis] = slice(None, -1), slice(1, None)
        ta, tb = tuple(a), tuple(b)
        differ = regions[ta] != regions[tb]
        contrast = np.sqrt((((paint_lab[ta] - paint_lab[tb]) * w) ** 2).sum(-1))
        v = np.where(differ, smoothstep(contrast, lo, hi), 0.0).astype(np.float32)
        np.maximum(s[ta], v, out=s[ta])
        np.maximum(s[tb], v, out=s[tb])
    return s


def edge_support(lab: np.ndarray, unit: float, lo: float = 0.025, hi: float = 0.06) -> np.ndarray:
    """(H, W) in [0, 1]: how sharp a photo edge lies within a couple of pixels of each pixel.

    A painter inks where one thing ends and another begins: a sharp step in
    the (calmed) picture. The border between two paint patches inside a
    smooth field (a cloud's soft rim, a calmed coat or bush split by the
    colour clusters) has no such step and gets no line, so those patches read
    as painted background, not as camouflage drawn in ink.
    """
    img = cv2.GaussianBlur(lab, (0, 0), max(0.7, 1.0 * unit))
    w = (1.0, 1.6, 1.6)
    mag = np.zeros(lab.shape[:2], dtype=np.float32)
    for c in range(3):
        gx = cv2.Sobel(img[..., c], cv2.CV_32F, 1, 0, ksize=3) / 8
        gy = cv2.Sobel(img[..., c], cv2.CV_32F, 0, 1, ksize=3) / 8
        mag += (w[c] ** 2) * (gx * gx + gy * gy)
    # Per pixel of a 1024 px picture, so the threshold does not depend on the analysis size.
    mag = np.sqrt(mag) / max(unit, 1e-3)
    k = max(3, int(round(5 * unit)) | 1)
    near = cv2.dilate(mag, np.ones((k, k), np.uint8))
    return smoothstep(near, lo, hi).astype(np.float32)


def interior_features(
    lightness: np.ndarray, unit: float, exclude: np.ndarray, min_length: float
) -> np.ndarray:
    """Long, isolated photo edges (folds, eyes, windows) as a 0/1 map; texture gives none.

    Canny on the smoothed lightness, then: drop edges where edges are dense
    (texture: fur, foliage, gravel), drop edges near region boundaries (they
    are inked already), keep only chains at least ``min_length`` pixels long.
    """
    img = np.clip(lightness * 255, 0, 255).astype(np.uint8)
    edges = cv2.Canny(img, 40, 90, L2gradient=True) > 0
    win = max(3, int(round(15 * unit)) | 1)
    density = cv2.boxFilter(edges.astype(np.float32), -1, (win, win))
    edges &= density < 0.10
    edges &= ~exclude
    n, lab, stats, _ = cv2.connectedComponentsWithStats(edges.astype(np.uint8), connectivity=8)
    extent = np.maximum(stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT])
    keep = (stats[:, cv2.CC_STAT_AREA] >= min_length) & (extent >= 0.7 * min_length)
    keep[0] = False
    return keep[lab].astype(np.float32)


def stroke(strength: np.ndarray, sigma: float) -> np.ndarray:
    """Soft line coverage in [0, 1] from a boundary-strength map; width grows with strength."""
    if sigma <= 0:
        return np.zeros_like(strength)
    spread = cv2.GaussianBlur(strength, (0, 0), sigma)
    # A 2 px wide line of strength 1 peaks near 2 / (sqrt(2 pi) sigma) after the blur.
    peak = min(1.0, 2.0 / (np.sqrt(2 * np.pi) * sigma))
    return smoothstep(spread / peak, 0.32, 0.62).astype(np.float32)


def drop_fragments(coverage: np.ndarray, min_area: float) -> np.ndarray:
    """Remove ink fragments smaller than ``min_area`` pixels (the speck filter)."""
    solid = (coverage > 0.5).astype(np.uint8)
    n, lab, stats, _ = cv2.connectedComponentsWithStats(solid, connectivity=8)
    small = stats[:, cv2.CC_STAT_AREA] < min_area
    small[0] = False
    kept_core = (solid > 0) & ~small[lab]
    # The anti-aliased rim goes with its core: keep coverage within a pixel of a kept core.
    near = cv2.dilate(kept_core.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    return np.where(near, coverage, 0.0).astype(np.float32)


def crisp_upsample(coverage: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Resize a coverage map to ``size`` (w, h); sharpen the soft rim so big prints stay crisp."""
    if coverage.shape[::-1] == size:
        return coverage
    up = cv2.resize(coverage, size, interpolation=cv2.INTER_LINEAR)
    factor = size[0] / coverage.shape[1]
    if factor <= 1:
        return up
    half = 0.5 / factor  # the rim spans about one analysis pixel; keep about one output pixel
    return smoothstep(up, 0.5 - max(half, 0.08), 0.5 + max(half, 0.08)).astype(np.float32)

"""How smooth a printed edge is: issue 19's disc card and its circle measurement.

The card is a photo drawn in code (discs and a diagonal band in flat colours on a plain
background, anti-aliased like a camera would see them). After styling and printing, each
disc's outer edge is found along rays from its centre with sub-pixel precision, a circle is
fitted (least squares), and two figures say how far the edge is from that circle:

* ``rms``: RMS radial deviation in pixels of the measured image;
* ``longest_step``: the longest run of the edge that lies flat along a pixel axis
  (within :data:`FLAT_DEGREES`) where the circle's tangent is 20-70 degrees off both axes,
  i.e. a stair tread. A smooth circle has none there; an enlarged pixel staircase has
  treads as long as the enlargement factor.

Pure numpy/OpenCV, used by ``printing/tests/test_print_edges.py`` and ``bench/print_edges.py``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image, ImageDraw

#: An edge segment within this many degrees of a pixel axis counts as flat (a tread).
FLAT_DEGREES = 10.0
BACKGROUND = (214, 222, 228)


@dataclass(frozen=True)
class Disc:
    """A disc on the card: centre and radius in card pixels, and its fill."""

    cx: float
    cy: float
    r: float
    fill: tuple[int, int, int]


#: Discs on an 800 x 1064 card (the 18 x 24 in poster's aspect, 800 px wide).
DISCS = (
    Disc(200, 230, 150, (200, 40, 45)),
    Disc(600, 170, 110, (245, 200, 40)),
    Disc(250, 870, 130, (40, 110, 70)),
    Disc(610, 760, 150, (40, 70, 170)),
)


CARD_SIZE = (800, 1064)


def disc_card(supersample: int = 8) -> Image.Image:
    """The test photo: :data:`DISCS` and a diagonal orange band on a pale plain background.

    Drawn at ``supersample`` x and box-filtered down, so edges are anti-aliased like a
    photo's; the band runs at about 30 degrees between the discs.
    """
    w, h = CARD_SIZE
    k = supersample
    img = Image.new("RGB", (w * k, h * k), BACKGROUND)
    draw = ImageDraw.Draw(img)
    band = [(0, 760), (800, 300), (800, 360), (0, 820)]
    draw.polygon([(x * k, y * k) for x, y in band], fill=(235, 130, 40))
    for d in DISCS:
        draw.ellipse(
            [(d.cx - d.r) * k, (d.cy - d.r) * k, (d.cx + d.r) * k, (d.cy + d.r) * k], fill=d.fill
        )
    return img.resize(CARD_SIZE, Image.Resampling.BOX)


@dataclass(frozen=True)
class EdgeStats:
    """The measured edge of one disc (pixels of the measured image)."""

    cx: float
    cy: float
    r: float
    rms: float
    longest_step: float
    points: int


def measure_disc(rgb: np.ndarray, cx: float, cy: float, r: float) -> EdgeStats:
    """Fit a circle to the outer edge of the disc near (cx, cy, r) in ``rgb`` (H, W, 3).

    The edge is where the colour leaves the background: along rays from the centre, the
    distance from the background colour (sampled well outside) is normalised by that of
    the artwork just inside the edge, and its last 0.5 crossing going outwards is located
    by linear interpolation between samples a quarter pixel apart.
    """
    img = rgb.astype(np.float32)
    n_rays = int(math.ceil(2 * math.pi * r / 0.5))
    theta = np.arange(n_rays) * (2 * math.pi / n_rays)
    radii = np.arange(r * 0.85, r * 1.15, 0.25, dtype=np.float32)
    xs = (cx + np.cos(theta)[:, None] * radii[None]).astype(np.float32)
    ys = (cy + np.sin(theta)[:, None] * radii[None]).astype(np.float32)
    samples = cv2.remap(img, xs, ys, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    bg = np.median(samples[:, -8:].reshape(-1, 3), axis=0)
    far = np.linalg.norm(samples - bg, axis=-1)
    inside = np.median(far[:, :8])
    m = far / max(inside, 1e-6)
    above = m >= 0.5
    # The last sample (going outwards) still on the artwork, per ray.
    last = len(radii) - 1 - np.argmax(above[:, ::-1], axis=1)
    ok = above.any(1) & (last < len(radii) - 1)
    idx = np.arange(n_rays)[ok]
    j = last[ok]
    m0, m1 = m[idx, j], m[idx, j + 1]
    t = np.clip((m0 - 0.5) / np.maximum(m0 - m1, 1e-6), 0, 1)
    rho = radii[j] + t * 0.25
    px = cx + np.cos(theta[ok]) * rho
    py = cy + np.sin(theta[ok]) * rho
    fx, fy, fr = fit_circle(px, py)
    resid = np.hypot(px - fx, py - fy) - fr
    return EdgeStats(
        fx, fy, fr, float(np.sqrt(np.mean(resid**2))), longest_tread(px, py, fx, fy), len(px)
    )


def fit_circle(x: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    """Least-squares (Kasa) circle through points: centre x, centre y, radius."""
    a = np.stack([x, y, np.ones_like(x)], axis=1)
    b = x * x + y * y
    (p, q, c), *_ = np.linalg.lstsq(a, b, rcond=None)
    cx, cy = p / 2, q / 2
    return float(cx), float(cy), float(math.sqrt(c + cx * cx + cy * cy))


def longest_tread(x: np.ndarray, y: np.ndarray, cx: float, cy: float) -> float:
    """Longest axis-parallel run of the edge polyline where the circle is 20-70 deg off axis."""
    dx, dy = np.diff(x), np.diff(y)
    seg = np.hypot(dx, dy)
    angle = np.degrees(np.arctan2(np.abs(dy), np.abs(dx)))  # 0 = horizontal, 90 = vertical
    mid_angle = np.degrees(np.arctan2(y[:-1] - cy, x[:-1] - cx)) % 90
    diagonal = (mid_angle >= 20) & (mid_angle <= 70)
    flat_h = diagonal & (angle <= FLAT_DEGREES)
    flat_v = diagonal & (angle >= 90 - FLAT_DEGREES)
    best = 0.0
    for flat in (flat_h, flat_v):
        run = 0.0
        for f, s in zip(flat, seg, strict=True):
            run = run + s if f else 0.0
            best = max(best, run)
    return best

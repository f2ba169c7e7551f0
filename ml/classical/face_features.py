"""Clean anime lines for a face's features: brows, eyes, nose and mouth.

An anime face is drawn with a handful of deliberate strokes: a tapered line
per brow, an upper-lid line and a pupil per eye, a short tick for the nose
and one curve for the mouth. The photo gives where they go: a black-hat on
the face's lightness marks what is darker than the skin around it (brows,
eye sockets, nostrils, the line between the lips), and each feature's zone
in the face box collects those pixels. A curve (a weighted quadratic
y = f(x)) fitted through them, whatever fragments they form, is drawn as one
tapered stroke, so wrinkles, pores and stubble never become marks and a
broken brow still comes out as one line.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ml.classical.faces import Face

#: Supersampling of the stroke canvas, for anti-aliased tapered strokes.
SUPER = 4


@dataclass(frozen=True)
class Zone:
    """Where a feature sits, relative to the face box, and how it is drawn.

    ``thickness`` and ``max_width`` are fractions of the face width; ``kind``
    is ``"centre"`` (a stroke along the middle of the dark mark), ``"lid"``
    (along its upper edge, plus a pupil) or ``"tick"`` (a short centred stroke);
    ``depth`` is how much darker than the skin around it a pixel must be to count.
    """

    name: str
    x0: float
    y0: float
    x1: float
    y1: float
    kind: str
    thickness: float
    max_width: float
    depth: float = 0.05


ZONES = (
    Zone("brow-left", 0.14, 0.22, 0.49, 0.37, "centre", 1 / 40, 0.30),
    Zone("brow-right", 0.51, 0.22, 0.86, 0.37, "centre", 1 / 40, 0.30),
    Zone("eye-left", 0.16, 0.37, 0.48, 0.50, "lid", 1 / 48, 0.16, 0.07),
    Zone("eye-right", 0.52, 0.37, 0.84, 0.50, "lid", 1 / 48, 0.16, 0.07),
    Zone("nose", 0.36, 0.54, 0.64, 0.68, "tick", 1 / 80, 0.10),
    Zone("mouth", 0.30, 0.68, 0.70, 0.86, "centre", 1 / 60, 0.30),
)


def feature_ink(lightness: np.ndarray, faces: list[Face]) -> np.ndarray:
    """Anti-aliased ink coverage (H, W) in [0, 1] with the feature strokes of every face."""
    out = np.zeros(lightness.shape, dtype=np.float32)
    for f in faces:
        x0, y0 = max(0, f.x), max(0, f.y)
        x1, y1 = min(lightness.shape[1], f.x + f.w), min(lightness.shape[0], f.y + f.h)
        if x1 - x0 < 16 or y1 - y0 < 16:
            continue
        crop = lightness[y0:y1, x0:x1].astype(np.float32)
        k = max(3, int(f.w / 12) | 1)
        kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
        smooth = cv2.GaussianBlur(crop, (0, 0), max(0.8, f.w / 120))
        hat = cv2.morphologyEx(smooth, cv2.MORPH_BLACKHAT, kernel)
        canvas = np.zeros(((y1 - y0) * SUPER, (x1 - x0) * SUPER), dtype=np.uint8)
        for zone in ZONES:
            _draw_feature(canvas, hat, f, (x0, y0), zone)
        small = cv2.resize(
            canvas.astype(np.float32) / 255, (x1 - x0, y1 - y0), interpolation=cv2.INTER_AREA
        )
        out[y0:y1, x0:x1] = np.maximum(out[y0:y1, x0:x1], small)
    return out


def _draw_feature(
    canvas: np.ndarray, hat: np.ndarray, f: Face, origin: tuple[int, int], zone: Zone
) -> None:
    """Fit and draw one feature's stroke on the supersampled canvas (no-op when it is not seen)."""
    ox, oy = origin
    zx0, zx1 = int(f.x + zone.x0 * f.w) - ox, int(f.x + zone.x1 * f.w) - ox
    zy0, zy1 = int(f.y + zone.y0 * f.h) - oy, int(f.y + zone.y1 * f.h) - oy
    zx0, zy0 = max(zx0, 0), max(zy0, 0)
    patch = hat[zy0:zy1, zx0:zx1]
    if patch.size == 0:
        return
    ys, xs = np.nonzero(patch > zone.depth)
    if len(xs) < (f.w / 60) ** 2:
        return  # nothing clearly darker than the skin here: draw nothing rather than guess
    weight = patch[ys, xs].astype(np.float64)
    xs = xs.astype(np.float64) + zx0
    ys = ys.astype(np.float64) + zy0
    lo, hi = np.percentile(xs, [4, 96])
    if zone.kind == "tick" or hi - lo > zone.max_width * f.w:
        centre = np.average(xs, weights=weight)
        half = min(hi - lo, zone.max_width * f.w) / 2
        lo, hi = centre - half, centre + half
    if hi - lo < f.w / 40:
        return
    # A quadratic y(x), weighted by how dark each pixel is; a flat line when the mark is short.
    degree = 2 if hi - lo > f.w / 10 else 1
    coef = np.polyfit(xs, ys, degree, w=np.sqrt(weight))
    if degree == 2:
        # A gentle curve: wrinkles and folds at a mark's ends must not bend the whole line.
        sag = f.h / 40 / max(((hi - lo) / 2) ** 2, 1.0)
        mid = (lo + hi) / 2
        curve = float(np.clip(coef[0], -sag, sag))
        slope = float(np.polyval(np.polyder(coef), mid))
        coef = np.array([curve, slope - 2 * curve * mid, 0.0])
        coef[2] = float(np.polyval(np.polyfit(xs, ys, 2, w=np.sqrt(weight)), mid)) - (
            curve * mid * mid + coef[1] * mid
        )
    px = np.linspace(lo, hi, max(8, int((hi - lo) * SUPER)))
    py = np.polyval(coef, px)
    thick = max(1.2, zone.thickness * f.w)
    if zone.kind == "lid":
        # The upper lid: the top of the dark eye mark, not its middle.
        spread = np.sqrt(np.average((ys - np.polyval(coef, xs)) ** 2, weights=weight))
        py = py - min(spread, f.h / 40)
    s = np.linspace(0.0, 1.0, len(px))
    radius = 0.5 * thick * (0.3 + 0.7 * np.sin(np.pi * s) ** 0.6)
    for x, y, r in zip(px, py, radius, strict=True):
        cv2.circle(
            canvas, (int(x * SUPER), int(y * SUPER)), max(1, int(r * SUPER)), 255, -1, cv2.LINE_8
        )
    if zone.kind == "lid":
        # A solid pupil hanging from the middle of the lid line.
        cx = float(np.average(xs, weights=weight))
        r = f.w / 45
        cy = float(np.polyval(coef, cx)) + (py.mean() - np.polyval(coef, px).mean()) + 0.8 * r
        axes = (int(r * 0.8 * SUPER), int(r * SUPER))
        cv2.ellipse(canvas, (int(cx * SUPER), int(cy * SUPER)), axes, 0, 0, 360, 255, -1)

"""Clean anime lines for a face's features: brows, eyes, nose and mouth.

An anime face is drawn with a handful of deliberate strokes: a tapered line
per brow, a short tick for the nose and one curve for the mouth, and eyes
drawn the way cel animators draw them (see :func:`_draw_eye`). The photo
gives where they go: a black-hat on the face's lightness marks what is
darker than the skin around it (brows, eye sockets, nostrils, the line
between the lips), and each feature's zone in the face box collects those
pixels. A curve (a weighted quadratic y = f(x)) fitted through them,
whatever fragments they form, is drawn as one tapered stroke, so wrinkles,
pores and stubble never become marks and a broken brow still comes out as
one line.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ml.classical.faces import Face

#: Supersampling of the stroke canvas, for anti-aliased tapered strokes.
SUPER = 4
#: Steepest a brow, nose or mouth line may run (rise over run): about 20 degrees.
MAX_SLOPE = 0.36


@dataclass(frozen=True)
class Zone:
    """Where a feature sits, relative to the face box, and how it is drawn.

    ``thickness`` and ``max_width`` are fractions of the face width; ``kind``
    is ``"centre"`` (a stroke along the middle of the dark mark), ``"eye"``
    (an anime eye, :func:`_draw_eye`) or ``"tick"`` (a short centred stroke);
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
    Zone("eye-left", 0.16, 0.37, 0.48, 0.50, "eye", 1 / 30, 0.25, 0.07),
    Zone("eye-right", 0.52, 0.37, 0.84, 0.50, "eye", 1 / 30, 0.25, 0.07),
    Zone("nose", 0.36, 0.54, 0.64, 0.68, "tick", 1 / 80, 0.10),
    Zone("mouth", 0.30, 0.68, 0.70, 0.86, "centre", 1 / 60, 0.30),
)


@dataclass(frozen=True)
class FeatureMarks:
    """What the face features add to the picture, both (H, W) float32 in [0, 1].

    ``ink``: anti-aliased ink coverage (strokes, lashes, irises). ``white``: where
    the eyes' whites and catch-lights are painted (hard-edged, never under ink).
    """

    ink: np.ndarray
    white: np.ndarray


def feature_marks(lightness: np.ndarray, faces: list[Face]) -> FeatureMarks:
    """The feature strokes and eye whites of every face, at the picture's size."""
    ink = np.zeros(lightness.shape, dtype=np.float32)
    white = np.zeros(lightness.shape, dtype=np.float32)
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
        shape = ((y1 - y0) * SUPER, (x1 - x0) * SUPER)
        canvas = np.zeros(shape, dtype=np.uint8)
        whites = np.zeros(shape, dtype=np.uint8)
        # Eyes first: a brow must stay clear of the eye's lash line (on a face with faint
        # brows the brow zone finds the upper lid's crease, and a second line on the lid
        # makes the eye scowl).
        ceilings: dict[str, float] = {}
        for zone in ZONES:
            if zone.kind == "eye":
                top = _draw_eye(canvas, whites, hat, f, (x0, y0), zone)
                if top is not None:
                    ceilings[zone.name.replace("eye", "brow")] = top
        for zone in ZONES:
            if zone.kind != "eye":
                _draw_feature(canvas, hat, f, (x0, y0), zone, ceilings.get(zone.name))
        size = (x1 - x0, y1 - y0)
        small = cv2.resize(canvas.astype(np.float32) / 255, size, interpolation=cv2.INTER_AREA)
        bright = cv2.resize(whites.astype(np.float32) / 255, size, interpolation=cv2.INTER_AREA)
        ink[y0:y1, x0:x1] = np.maximum(ink[y0:y1, x0:x1], small)
        # Hard-edged paint: a soft white rim would read as a halo and split into slivers
        # when a print reads the paint back into regions.
        painted = (bright > 0.5) & (small < 0.5)
        white[y0:y1, x0:x1] = np.maximum(white[y0:y1, x0:x1], painted.astype(np.float32))
    return FeatureMarks(ink, white)


def _zone_marks(
    hat: np.ndarray, f: Face, origin: tuple[int, int], zone: Zone
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """(xs, ys, weights) of the zone's pixels clearly darker than the skin, crop coordinates."""
    ox, oy = origin
    zx0, zx1 = int(f.x + zone.x0 * f.w) - ox, int(f.x + zone.x1 * f.w) - ox
    zy0, zy1 = int(f.y + zone.y0 * f.h) - oy, int(f.y + zone.y1 * f.h) - oy
    zx0, zy0 = max(zx0, 0), max(zy0, 0)
    patch = hat[zy0:zy1, zx0:zx1]
    if patch.size == 0:
        return None
    ys, xs = np.nonzero(patch > zone.depth)
    if len(xs) < (f.w / 60) ** 2:
        return None  # nothing clearly darker than the skin here: draw nothing rather than guess
    weight = patch[ys, xs].astype(np.float64)
    return xs.astype(np.float64) + zx0, ys.astype(np.float64) + zy0, weight


def _draw_eye(
    canvas: np.ndarray,
    whites: np.ndarray,
    hat: np.ndarray,
    f: Face,
    origin: tuple[int, int],
    zone: Zone,
) -> float | None:
    """A cel-anime eye where the photo's eye is: lash line, white, iris, catch-light, lower lid.

    Why drawn, not traced: a photo's eye at this scale is a dark socket with a
    small iris; traced, it reads as a slit (the earlier lid-and-pupil strokes
    made every face look half asleep). The photo decides the eye's place, its
    width and how open it is (the dark mark's spread), and where the iris looks
    (the darkest pixels); the drawing uses anime proportions: an almond at least
    a third as tall as it is wide, an iris that fills its height, the lash line
    heavier towards the outer corner, a catch-light on the upper left (one light for both eyes).

    Returns the highest point a brow may reach down to (crop coordinates), or
    None when no eye is drawn.
    """
    marks = _zone_marks(hat, f, origin, zone)
    if marks is None:
        return None
    xs, ys, weight = marks
    lo, hi = np.percentile(xs, [4, 96])
    centre_x = float(np.average(xs, weights=weight))
    width = float(np.clip(hi - lo, 0.17 * f.w, zone.max_width * f.w))
    if hi - lo < f.w / 40:
        return None
    centre_y = float(np.average(ys, weights=weight))
    spread = float(np.sqrt(np.average((ys - centre_y) ** 2, weights=weight)))
    height = float(np.clip(4.0 * spread, 0.4 * width, 0.55 * width))
    half_w, half_h = width / 2, height / 2
    # Where the iris looks: the darkest part of the mark (weights cubed favour the pupil).
    iris_rx, iris_ry = 0.42 * height, 0.56 * height
    iris_x = float(np.average(xs, weights=weight**3))
    iris_x = float(np.clip(iris_x, centre_x - half_w + iris_rx, centre_x + half_w - iris_rx))
    # The outer corner is the one away from the face's middle.
    outer = -1.0 if centre_x + origin[0] < f.x + f.w / 2 else 1.0

    u = np.linspace(-1.0, 1.0, max(16, int(width * SUPER)))
    px = centre_x + u * half_w
    lift = 0.05 * height * outer * u  # the outer corner a little higher: the anime tilt
    top = centre_y - half_h * (1 - u**2) ** 0.7 - lift
    bottom = centre_y + 0.8 * half_h * (1 - u**2) ** 0.9 - lift
    almond = np.zeros_like(whites)
    outline = np.concatenate([np.stack([px, top], 1), np.stack([px[::-1], bottom[::-1]], 1)])
    cv2.fillPoly(almond, [np.round(outline * SUPER).astype(np.int32)], 255, cv2.LINE_8)

    iris = np.zeros_like(almond)
    cv2.ellipse(
        iris,
        (int(iris_x * SUPER), int((centre_y + 0.1 * half_h) * SUPER)),
        (int(iris_rx * SUPER), int(iris_ry * SUPER)),
        0, 0, 360, 255, -1,
    )  # fmt: skip
    iris &= almond
    light = np.zeros_like(almond)
    r = 0.32 * iris_rx
    cv2.circle(
        light,
        (int((iris_x - 0.35 * iris_rx) * SUPER), int((centre_y - 0.3 * half_h) * SUPER)),
        max(1, int(r * SUPER)), 255, -1,
    )  # fmt: skip
    light &= iris

    whites |= almond & ~iris
    whites |= light
    canvas |= iris & ~light
    thick = max(1.2, zone.thickness * f.w)
    # Lash line: along the top, heavier towards the outer corner, running a little past it.
    heavy = np.clip(0.5 + 0.5 * outer * u, 0.0, 1.0)
    _polyline(canvas, px, top, 0.5 * thick * (0.5 + 0.5 * heavy))
    # Lower lid: a thin line under the outer part only.
    part = outer * u > 0.15
    _polyline(canvas, px[part], bottom[part], np.full(part.sum(), 0.16 * thick))
    return float(top.min() - 0.45 * height)


def _polyline(canvas: np.ndarray, xs: np.ndarray, ys: np.ndarray, radius: np.ndarray) -> None:
    """A stroke of discs along (xs, ys) with per-point radius, on the supersampled canvas."""
    for x, y, r in zip(xs, ys, radius, strict=True):
        cv2.circle(
            canvas, (int(x * SUPER), int(y * SUPER)), max(1, int(r * SUPER)), 255, -1, cv2.LINE_8
        )


def _draw_feature(
    canvas: np.ndarray,
    hat: np.ndarray,
    f: Face,
    origin: tuple[int, int],
    zone: Zone,
    ceiling: float | None = None,
) -> None:
    """Fit and draw one feature's stroke on the supersampled canvas (no-op when it is not seen).

    ``ceiling``: only marks above this row count (a brow above its eye).
    """
    marks = _zone_marks(hat, f, origin, zone)
    if marks is None:
        return
    xs, ys, weight = marks
    if ceiling is not None:
        above = ys < ceiling
        if above.sum() < (f.w / 60) ** 2:
            return
        xs, ys, weight = xs[above], ys[above], weight[above]
    lo, hi = np.percentile(xs, [4, 96])
    if zone.kind == "tick" or hi - lo > zone.max_width * f.w:
        centre = np.average(xs, weights=weight)
        half = min(hi - lo, zone.max_width * f.w) / 2
        lo, hi = centre - half, centre + half
    if hi - lo < (f.w / 40 if zone.kind == "tick" else f.w / 12):
        return  # a brow or a mouth is a line across the face, not a dot
    # A quadratic y(x), weighted by how dark each pixel is; a flat line when the mark is short.
    degree = 2 if hi - lo > f.w / 10 else 1
    coef = np.polyfit(xs, ys, degree, w=np.sqrt(weight))
    if degree == 1:
        # Brows, nose and mouth run across the face: a steep fit is a fold or a strand of hair.
        mid = float(np.average(xs, weights=weight))
        level = float(np.polyval(coef, mid))
        coef[0] = float(np.clip(coef[0], -MAX_SLOPE, MAX_SLOPE))
        coef[1] = level - coef[0] * mid
    if degree == 2:
        # A gentle curve: wrinkles and folds at a mark's ends must not bend the whole line.
        sag = f.h / 40 / max(((hi - lo) / 2) ** 2, 1.0)
        mid = (lo + hi) / 2
        curve = float(np.clip(coef[0], -sag, sag))
        slope = float(np.clip(np.polyval(np.polyder(coef), mid), -MAX_SLOPE, MAX_SLOPE))
        coef = np.array([curve, slope - 2 * curve * mid, 0.0])
        coef[2] = float(np.polyval(np.polyfit(xs, ys, 2, w=np.sqrt(weight)), mid)) - (
            curve * mid * mid + coef[1] * mid
        )
    px = np.linspace(lo, hi, max(8, int((hi - lo) * SUPER)))
    py = np.polyval(coef, px)
    thick = max(1.2, zone.thickness * f.w)
    s = np.linspace(0.0, 1.0, len(px))
    _polyline(canvas, px, py, 0.5 * thick * (0.3 + 0.7 * np.sin(np.pi * s) ** 0.6))

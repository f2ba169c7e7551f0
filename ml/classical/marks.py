"""Dark pattern marks on texture for ``anime-cel``: a tiger's stripes, the dark locks of a mane.

Texture calming (:func:`ml.classical.regions.calm_texture`) blurs a coat
into one paint area, which is right for fur but erases what a cel painter
keeps: the stripes. A painter draws those as flat dark shapes on top of a
flat base. So before the coat is calmed its dark marks are found (a
black-hat at stripe scale: pixels clearly darker than their surroundings),
cut out and filled from the surrounding fur, so the base colour is the
coat's and not a mix of coat and stripes; after painting they come back as
solid ink shapes. Only marks inside texture count: dark details in flat
areas (windows, shadows on a wall) are left to the regions and ink.
"""

from __future__ import annotations

import cv2
import numpy as np

from ml.classical.ink import smoothstep


def dark_marks(lab: np.ndarray, texture: np.ndarray, unit: float) -> np.ndarray:
    """Bool (H, W): clean dark shapes (stripes, locks) inside textured areas.

    A pixel is a mark when it is darker than the closing of the lightness
    (about 21 px at 1024) by a clear step, dark in absolute terms, and the
    surface around it is light, coloured, warm and of one colour (a coat or a
    mane: not the dark gaps of foliage, not windows in a grey wall). The mask is then rounded
    (blur + threshold), and only stroke-like pieces larger than a drawn
    stroke are kept, so no specks are made here.
    """
    lightness = lab[..., 0]
    k = max(5, int(round(21 * unit)) | 1)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    closed = cv2.morphologyEx(lightness, cv2.MORPH_CLOSE, kernel)
    hat = closed - lightness
    # Strong steps down from the surrounding fur, dark in absolute terms, on texture only.
    # The colour of the light surface around each pixel (dark pixels left out of the average).
    light = smoothstep(lightness, 0.45, 0.55).astype(np.float32)
    weight = np.maximum(cv2.GaussianBlur(light, (0, 0), 6 * unit), 1e-3)[..., None]
    around = cv2.GaussianBlur(lab * light[..., None], (0, 0), 6 * unit) / weight
    # How much that surface's colour varies: a coat is one colour, foliage a mix of several.
    square = cv2.GaussianBlur(lab * lab * light[..., None], (0, 0), 6 * unit) / weight
    spread = np.sqrt(np.maximum(square - around * around, 0.0))
    mixed = np.hypot(spread[..., 1], spread[..., 2])
    chroma = np.hypot(around[..., 1], around[..., 2])
    hue = np.degrees(np.arctan2(around[..., 2], around[..., 1]))
    # Patterned coats are warm (orange, gold, tan: hue about 35..105 degrees in Oklab);
    # leaves are green and walls grey, and their dark gaps are not drawn as marks.
    warm = smoothstep(hue, 25.0, 40.0) * (1.0 - smoothstep(hue, 100.0, 115.0))
    score = smoothstep(hat, 0.08, 0.16) * smoothstep(0.62 - lightness, 0.0, 0.12)
    score *= smoothstep(closed, 0.45, 0.55) * smoothstep(chroma, 0.02, 0.035) * warm
    score *= 1.0 - smoothstep(mixed, 0.014, 0.02)
    score *= smoothstep(texture, 0.25, 0.55)
    soft = cv2.GaussianBlur(score.astype(np.float32), (0, 0), max(0.8, 1.5 * unit))
    marks = (soft > 0.45).astype(np.uint8)
    n, lab, stats, _ = cv2.connectedComponentsWithStats(marks, connectivity=8)
    area = stats[:, cv2.CC_STAT_AREA]
    extent = np.maximum(stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT])
    keep = (area >= 60 * unit * unit) & (extent >= 14 * unit) & (_elongation(lab, n) >= 2.2)
    keep[0] = False
    return _blunt(keep[lab], lab, unit)


def _blunt(marks: np.ndarray, labels: np.ndarray, unit: float) -> np.ndarray:
    """Cut the hair-thin tails off broad marks (an opening at about 7 px at 1024).

    A broad stripe whose tips thin out to a pixel or two reads as a shape
    with loose specks at its ends, so the tips go; a mark that is thin all
    along (a lock drawn as a stroke) is kept whole.
    """
    k = max(3, int(round(7 * unit)) | 1)
    disk = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    opened = cv2.morphologyEx(marks.astype(np.uint8), cv2.MORPH_OPEN, disk) > 0
    broad = np.zeros(int(labels.max()) + 1, dtype=bool)
    broad[labels[opened]] = True
    broad[0] = False
    return np.where(broad[labels], opened, marks)


def _elongation(labels: np.ndarray, n: int) -> np.ndarray:
    """Per component: major / minor axis of its second moments (1 = round, large = a stroke).

    Stripes and locks are strokes; the dark grains of rock or the gaps in
    foliage are blobs, and are not drawn as marks.
    """
    ys, xs = np.indices(labels.shape, dtype=np.float64)
    flat = labels.ravel()
    count = np.maximum(np.bincount(flat, minlength=n), 1)

    def mean(v: np.ndarray) -> np.ndarray:
        return np.bincount(flat, weights=v.ravel(), minlength=n) / count

    mx, my = mean(xs), mean(ys)
    cxx = mean(xs * xs) - mx * mx
    cyy = mean(ys * ys) - my * my
    cxy = mean(xs * ys) - mx * my
    half = np.sqrt(((cxx - cyy) / 2) ** 2 + cxy**2)
    major = (cxx + cyy) / 2 + half
    minor = np.maximum((cxx + cyy) / 2 - half, 1e-3)
    return np.sqrt(major / minor)


def fill_marks(lab: np.ndarray, marks: np.ndarray, unit: float) -> np.ndarray:
    """``lab`` with the marks replaced by the nearby unmarked colour (normalised convolution)."""
    if not marks.any():
        return lab
    grow = cv2.dilate(marks.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    keep = (~grow).astype(np.float32)
    sigma = max(2.0, 8.0 * unit)
    weight = cv2.GaussianBlur(keep, (0, 0), sigma)
    around = cv2.GaussianBlur(lab * keep[..., None], (0, 0), sigma)
    around /= np.maximum(weight, 1e-4)[..., None]
    out = lab.copy()
    out[grow] = around[grow]
    return out


def mark_coverage(marks: np.ndarray, unit: float) -> np.ndarray:
    """Anti-aliased ink coverage (H, W) in [0, 1] for the mark shapes.

    The shapes are drawn about a pixel fuller than found (a low threshold on
    the blurred mask): that rounds off one-pixel nubs and keeps a stripe's
    ends round and solid instead of tapering into hair-thin slivers.
    """
    soft = cv2.GaussianBlur(marks.astype(np.float32), (0, 0), max(0.8, 1.3 * unit))
    return smoothstep(soft, 0.5, 0.8).astype(np.float32)

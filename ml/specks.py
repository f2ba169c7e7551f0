"""Ink specks: a measurable stand-in for "lines on texture" in a stylized picture.

Ink drawn on texture (gravel, fur, foliage) breaks into many tiny dark
fragments; ink drawn on object boundaries forms long strokes. So the figure
is the number of ink fragments (8-connected components of ink pixels)
smaller than :data:`SPECK_AREA` pixels, per megapixel, measured on the
picture resized to a 1024 px long side so every style and resolution is
judged at one scale.

Ink is read from the picture itself, so any style (classical or a
generator) can be measured: a pixel is ink when it is dark (luminance below
:data:`DARK`) and darker than its surroundings by :data:`DEPTH` (a black-hat
at :data:`LINE_WIDTH` px: thin dark marks, not dark paint areas).

A broad dark shape (a tiger's stripe, a pupil) is not itself "thin", but
its narrowing ends and corners are, so they show up as small fragments too.
:func:`loose_specks_per_megapixel` counts only the fragments that are not
part of a larger dark shape: the dots a person would call specks.
"""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image

SIDE = 1024
SPECK_AREA = 6  # px at 1024: smaller than a dot a person would draw on purpose
SHAPE_AREA = 40  # px at 1024: a dark shape this large is drawn on purpose (a stripe, a pupil)
DARK = 0.2
DEPTH = 0.15
LINE_WIDTH = 7


def ink_mask(image: Image.Image) -> np.ndarray:
    """Boolean (H, W): thin dark marks in an RGB picture (at its own size)."""
    rgb = np.asarray(image.convert("RGB"), dtype=np.float32) / 255.0
    y = rgb @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (LINE_WIDTH, LINE_WIDTH))
    hat = cv2.morphologyEx(y, cv2.MORPH_BLACKHAT, kernel)
    return (y < DARK) & (hat > DEPTH)


def at_reference_size(image: Image.Image) -> Image.Image:
    """The picture with a 1024 px long side (the scale every figure is quoted at)."""
    w, h = image.size
    scale = SIDE / max(w, h)
    if scale == 1:
        return image
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    return image.resize(size, Image.Resampling.LANCZOS)


def specks_per_megapixel(image: Image.Image, max_area: int = SPECK_AREA) -> float:
    """Ink fragments smaller than ``max_area`` px per megapixel, at a 1024 px long side."""
    ref = at_reference_size(image)
    mask = ink_mask(ref).astype(np.uint8)
    _, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    small = int((stats[1:, cv2.CC_STAT_AREA] < max_area).sum())
    return small / (ref.width * ref.height / 1e6)


def loose_specks_per_megapixel(image: Image.Image, max_area: int = SPECK_AREA) -> float:
    """Like :func:`specks_per_megapixel`, leaving out fragments that belong to a dark shape."""
    ref = at_reference_size(image)
    return len(loose_specks(ref, max_area)) / (ref.width * ref.height / 1e6)


def loose_specks(image: Image.Image, max_area: int = SPECK_AREA) -> np.ndarray:
    """(N, 2) x, y centres of the ink fragments smaller than ``max_area`` px that are loose.

    Measured at the picture's own size. A fragment is not loose when its dark
    (luminance below :data:`DARK`) 8-connected component covers at least
    :data:`SHAPE_AREA` px: it is the end of a stripe or a stroke, not a speck.
    """
    rgb = np.asarray(image.convert("RGB"), dtype=np.float32) / 255.0
    dark = (rgb @ np.array([0.299, 0.587, 0.114], dtype=np.float32)) < DARK
    _, shapes, shape_stats, _ = cv2.connectedComponentsWithStats(
        dark.astype(np.uint8), connectivity=8
    )
    big = shape_stats[:, cv2.CC_STAT_AREA] >= SHAPE_AREA
    big[0] = False
    mask = ink_mask(image).astype(np.uint8)
    n, frags, stats, centres = cv2.connectedComponentsWithStats(mask, connectivity=8)
    small = stats[:, cv2.CC_STAT_AREA] < max_area
    small[0] = False
    # Every ink pixel is dark, so a fragment lies inside one dark component.
    in_shape = np.zeros(n, dtype=bool)
    sel = mask > 0
    in_shape[frags[sel]] |= big[shapes[sel]]
    return centres[small & ~in_shape]

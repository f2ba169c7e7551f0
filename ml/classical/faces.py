"""Faces for ``anime-cel``: find them with OpenCV's bundled Haar cascade, draw them the anime way.

The cascade files ship inside the ``opencv-python-headless`` wheel
(``cv2.data.haarcascades``), so nothing is downloaded at run time. A face
gets: its skin as one region painted in two tones (a base and one
hard-edged shadow shape, no highlight specks), no texture ink inside it, and
clean strokes for eyes, brows, nose and mouth
(:mod:`ml.classical.face_features`). When no face is found every step here
is a no-op and the general path draws the picture.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache

import cv2
import numpy as np

_lock = threading.Lock()  # CascadeClassifier.detectMultiScale is not documented thread-safe


@dataclass(frozen=True)
class Face:
    """A face box in analysis-image pixels."""

    x: int
    y: int
    w: int
    h: int


@lru_cache(maxsize=2)
def _cascade(name: str) -> cv2.CascadeClassifier:
    path = cv2.data.haarcascades + name
    clf = cv2.CascadeClassifier(path)
    if clf.empty():
        raise RuntimeError(f"OpenCV cascade missing at {path}")
    return clf


def detect_faces(rgb: np.ndarray, unit: float) -> list[Face]:
    """Frontal faces in an sRGB float (H, W, 3) picture, largest first; [] when there are none.

    The ``alt2`` frontal cascade proposes faces; a proposal counts only when
    the eye cascade finds an eye in its upper part. On the shared photos that
    drops the cascade's false faces on texture (windows, vases, statues' folds).
    """
    grey = cv2.cvtColor(np.clip(rgb * 255, 0, 255).astype(np.uint8), cv2.COLOR_RGB2GRAY)
    grey = cv2.equalizeHist(grey)
    smallest = max(24, int(64 * unit))
    faces = []
    with _lock:
        found = _cascade("haarcascade_frontalface_alt2.xml").detectMultiScale(
            grey, scaleFactor=1.1, minNeighbors=5, minSize=(smallest, smallest)
        )
        for x, y, w, h in found:
            upper = grey[y : y + h * 5 // 8, x : x + w]
            eyes = _cascade("haarcascade_eye.xml").detectMultiScale(
                upper, scaleFactor=1.05, minNeighbors=2, minSize=(w // 12, w // 12)
            )
            if len(eyes):
                faces.append(Face(int(x), int(y), int(w), int(h)))
    return sorted(faces, key=lambda f: -f.w * f.h)


#: A face narrower than this fraction of the picture's long side is painted by the general
#: path: its features are a few pixels, too small to redraw as strokes (group photos, crowds).
DRAWABLE_FRACTION = 0.15


def drawable(faces: list[Face], shape: tuple[int, int]) -> list[Face]:
    """The faces large enough to be drawn the anime way (portraits, close-ups)."""
    return [f for f in faces if f.w >= DRAWABLE_FRACTION * max(shape)]


def face_mask(shape: tuple[int, int], faces: list[Face]) -> np.ndarray:
    """Float (H, W) in [0, 1]: 1 inside each face's ellipse (forehead to chin), soft rim."""
    mask = np.zeros(shape, dtype=np.uint8)
    for f in faces:
        centre = (f.x + f.w // 2, f.y + int(f.h * 0.55))
        axes = (int(f.w * 0.42), int(f.h * 0.58))
        cv2.ellipse(mask, centre, axes, 0, 0, 360, 255, -1)
    if not faces:
        return mask.astype(np.float32)
    soft = cv2.GaussianBlur(mask.astype(np.float32) / 255, (0, 0), max(1.0, faces[0].w / 40))
    return soft


def skin_mask(smooth_lab: np.ndarray, faces: list[Face]) -> np.ndarray:
    """Bool (H, W): each face's skin as one solid shape, eyes, brows and mouth included.

    Pixels inside the face ellipse whose hue is close to the face's median
    skin colour (lightness counts little: the shadow side is skin too) form
    the skin; holes in it (eyes, brows, mouth, a moustache) are filled, so
    the skin is painted as one region and the features are drawn on it as
    lines (:mod:`ml.classical.face_features`). Hair and background keep
    their own regions.
    """
    out = np.zeros(smooth_lab.shape[:2], dtype=bool)
    for f in faces:
        inner = np.zeros(out.shape, dtype=bool)
        inner[f.y + f.h // 3 : f.y + f.h * 3 // 4, f.x + f.w // 4 : f.x + f.w * 3 // 4] = True
        skin = np.median(smooth_lab[inner], axis=0)
        dist = np.sqrt(((smooth_lab - skin) ** 2 * np.array([0.02, 1.5, 1.5])).sum(-1))
        ellipse = np.zeros(out.shape, dtype=np.uint8)
        cv2.ellipse(
            ellipse,
            # From just under the box's top (the cascade's box reaches into a hat or hair
            # line) to below the chin.
            (f.x + f.w // 2, f.y + int(f.h * 0.57)),
            (int(f.w * 0.45), int(f.h * 0.57)),
            0, 0, 360, 1, -1,
        )  # fmt: skip
        # Hue decides; only far darker pixels (hair, a hat's shadow) are refused on lightness.
        dark = smooth_lab[..., 0] < skin[0] - 0.2
        mine = ((ellipse > 0) & (dist < 0.06) & ~dark).astype(np.uint8)
        k = max(3, int(f.w / 20) | 1)
        mine = cv2.morphologyEx(
            mine, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
        )
        mine = _largest_with_holes_filled(mine) & (ellipse > 0)
        out |= mine
    return out


def _largest_with_holes_filled(mask: np.ndarray) -> np.ndarray:
    """The largest 8-connected piece of ``mask`` with every hole in it filled."""
    n, lab, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    if n < 2:
        return mask > 0
    piece = (lab == 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))).astype(np.uint8)
    contours, _ = cv2.findContours(piece, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    filled = np.zeros_like(piece)
    cv2.drawContours(filled, contours, -1, 1, -1)
    return filled > 0


def skin_shadow(lightness: np.ndarray, skin: np.ndarray, faces: list[Face]) -> np.ndarray:
    """Bool (H, W): the skin's one hard-edged shadow shape (the skin's second tone).

    The lighting at the scale of the face (lightness blurred by about a
    fourteenth of the face width) is split at a step below the skin's median:
    darker is shadow. The split is then cleaned so it reads as a painted
    shape: smoothed at about a twentieth of the face, pieces and holes under
    3 % of the skin's area dropped.
    """
    if not faces or not skin.any():
        return np.zeros(skin.shape, dtype=bool)
    width = max(f.w for f in faces)
    light = cv2.GaussianBlur(lightness, (0, 0), max(2.0, width / 30))
    # Darker than the skin around it (at about a sixth of the face), not than the whole face:
    # eye sockets, the side of the nose, under the nose and lip, the cheek folds. Those shapes
    # carry the likeness; a split against the face's median paints half the face as shadow.
    inside = cv2.GaussianBlur(skin.astype(np.float32), (0, 0), max(4.0, width / 6))
    around = cv2.GaussianBlur(
        np.where(skin, lightness, 0).astype(np.float32), (0, 0), max(4.0, width / 6)
    )
    around /= np.maximum(inside, 1e-3)
    shadow = ((light < around - 0.04) & skin).astype(np.float32)
    shadow = cv2.GaussianBlur(shadow, (0, 0), max(1.5, width / 60)) > 0.5
    shadow &= skin
    least = 0.012 * skin.sum()
    shadow = _drop_small(shadow, least)
    shadow = ~_drop_small(~shadow & skin, least) & skin
    return shadow


def _drop_small(mask: np.ndarray, least: float) -> np.ndarray:
    n, lab, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    keep = stats[:, cv2.CC_STAT_AREA] >= least
    keep[0] = False
    return keep[lab]

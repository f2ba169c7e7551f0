"""Faces for ``anime-cel``: find them with OpenCV's bundled Haar cascade, draw them the anime way.

The cascade files ship inside the ``opencv-python-headless`` wheel
(``cv2.data.haarcascades``), so nothing is downloaded at run time. A face
gets: skin in two tones (no highlight specks), no texture ink inside it, and
clean solid marks for eyes, brows, nostrils and mouth taken from the dark
features of the face. When no face is found every step here is a no-op and
the general path draws the picture.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache

import cv2
import numpy as np

from ml.classical.ink import smoothstep

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


#: Where anime draws a face's features, as boxes relative to the face box
#: (x0, y0, x1, y1) with how many marks each may hold: eyes and brows, nose, mouth.
ZONES = (
    ((0.12, 0.18, 0.88, 0.52), 4),
    ((0.38, 0.50, 0.62, 0.70), 2),
    ((0.28, 0.70, 0.72, 0.88), 1),
)


def skin_region(
    regions: np.ndarray, smooth_lab: np.ndarray, faces: list[Face], face: np.ndarray
) -> np.ndarray:
    """One paint region for each face's skin, so it is painted in tones, not blotches.

    Pixels inside the face ellipse whose colour is close to the face's median
    skin colour join a new region; hair, eyes and mouth keep theirs.
    """
    out = regions.copy()
    next_id = int(regions.max()) + 1
    for f in faces:
        inner = np.zeros(regions.shape, dtype=bool)
        inner[f.y + f.h // 3 : f.y + f.h * 3 // 4, f.x + f.w // 4 : f.x + f.w * 3 // 4] = True
        skin = np.median(smooth_lab[inner], axis=0)
        dist = np.sqrt(((smooth_lab - skin) ** 2 * np.array([0.5, 1.5, 1.5])).sum(-1))
        mine = np.zeros(regions.shape, dtype=np.uint8)
        cv2.ellipse(
            mine,
            (f.x + f.w // 2, f.y + int(f.h * 0.55)),
            (int(f.w * 0.45), int(f.h * 0.6)),
            0, 0, 360, 1, -1,
        )  # fmt: skip
        out[(mine > 0) & (dist < 0.08)] = next_id
        next_id += 1
    return out


def feature_ink(lightness: np.ndarray, faces: list[Face]) -> np.ndarray:
    """Solid ink for eyes, brows, nose and mouth: the darkest compact marks in each feature zone.

    A black-hat (closing minus image) at about an eye's size picks out what
    is darker than the surrounding skin; in each zone of :data:`ZONES` only
    the largest few marks are kept (wrinkles, pores and stubble are not), and
    the marks are smoothed into clean shapes.
    """
    out = np.zeros(lightness.shape, dtype=np.float32)
    for f in faces:
        x0, y0 = max(0, f.x), max(0, f.y)
        x1, y1 = min(lightness.shape[1], f.x + f.w), min(lightness.shape[0], f.y + f.h)
        crop = lightness[y0:y1, x0:x1].astype(np.float32)
        k = max(3, int(f.w / 10) | 1)
        kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
        smooth = cv2.GaussianBlur(crop, (0, 0), max(0.8, f.w / 120))
        hat = cv2.morphologyEx(smooth, cv2.MORPH_BLACKHAT, kernel)
        marks = (hat > 0.07).astype(np.uint8)
        n, lab, stats, cent = cv2.connectedComponentsWithStats(marks, connectivity=8)
        keep = np.zeros(n, dtype=bool)
        area = stats[:, cv2.CC_STAT_AREA]
        rel_x = (cent[:, 0] + x0 - f.x) / f.w
        rel_y = (cent[:, 1] + y0 - f.y) / f.h
        for (zx0, zy0, zx1, zy1), most in ZONES:
            inside = (rel_x >= zx0) & (rel_x <= zx1) & (rel_y >= zy0) & (rel_y <= zy1)
            inside &= area >= (f.w / 50) ** 2
            inside[0] = False
            best = np.flatnonzero(inside)
            keep[best[np.argsort(-area[best])][:most]] = True
        shapes = keep[lab].astype(np.float32)
        shapes = cv2.GaussianBlur(shapes, (0, 0), max(0.7, f.w / 150))
        out[y0:y1, x0:x1] = np.maximum(out[y0:y1, x0:x1], smoothstep(shapes, 0.4, 0.7))
    return out

"""``anime-cel`` keeps the structure of a picture while it flattens texture.

A trunk in a forest stays a trunk, in its own paint and outlined (it used to be
blurred into the foliage).
"""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image

from ml.color import srgb_to_oklab
from ml.styles import StyleSpec, load_style

TRUNK = slice(430, 530)  # the trunk's columns on the drawn 1024 x 768 picture
INKY = 0.15  # the ink's luma is about 0.09


def forest_with_trunk(size: tuple[int, int] = (1024, 768), seed: int = 3) -> Image.Image:
    """Drawn: leafy foliage (greens and dark gaps at leaf scale) with a bark-textured trunk."""
    w, h = size
    rng = np.random.default_rng(seed)
    leaves = cv2.GaussianBlur(rng.standard_normal((h, w)).astype(np.float32), (0, 0), 3.0)
    leaves = leaves / leaves.std()
    img = np.empty((h, w, 3), np.float32)
    light, dark = np.array([0.42, 0.62, 0.22]), np.array([0.08, 0.18, 0.06])
    t = np.clip(0.5 + 0.45 * leaves, 0, 1)[..., None]
    img[:] = dark + (light - dark) * t
    bark = cv2.GaussianBlur(rng.standard_normal((h, w)).astype(np.float32), (0, 0), 1.2)
    bark = cv2.GaussianBlur(bark, (1, 15), 0)  # vertical grain
    bark = 0.18 * bark / bark.std()
    img[:, TRUNK] = np.clip(np.array([0.50, 0.44, 0.38]) * (1 + bark[:, TRUNK, None]), 0, 1)
    return Image.fromarray((np.clip(img, 0, 1) * 255).astype(np.uint8))


def _oklab(image: Image.Image) -> np.ndarray:
    x = np.asarray(image.convert("RGB"), np.float32) / 255
    t = srgb_to_oklab(__import__("torch").from_numpy(x.transpose(2, 0, 1).copy())[None])
    return t[0].permute(1, 2, 0).numpy()


def _render(photo: Image.Image) -> Image.Image:
    style = load_style(StyleSpec(kind="classical", builtin="anime-cel", params={"grain": 0}))
    return style(photo, size=max(photo.size))


def test_a_trunk_in_foliage_keeps_its_own_paint() -> None:
    # Given a bark-textured trunk standing in leafy foliage
    photo = forest_with_trunk()
    # When it is painted
    lab = _oklab(_render(photo))
    core = lab[:, TRUNK.start + 25 : TRUNK.stop - 25].reshape(-1, 3)
    beside = np.concatenate([lab[:, 250:380], lab[:, 580:710]], axis=1).reshape(-1, 3)
    trunk_paint, foliage_paint = np.median(core, 0), np.median(beside, 0)
    # Then the trunk's middle is painted in its own colour, far from the foliage's
    assert np.linalg.norm(trunk_paint - foliage_paint) > 0.15
    # And nearly all of it is one paint area: close to its own median, not foliage green
    near = np.linalg.norm(core - trunk_paint, axis=1) < 0.08
    assert near.mean() > 0.85


def test_a_trunk_in_foliage_keeps_its_outline() -> None:
    # Given the same forest, painted
    out = _render(forest_with_trunk())
    rgb = np.asarray(out, np.float32) / 255
    luma = rgb @ np.array([0.299, 0.587, 0.114], np.float32)
    # Ink is dark and violet-brown; the darkest leaves are dark but green.
    inked = (luma < INKY) & (rgb[..., 1] - rgb[..., 0] < 0.04)
    # Then the trunk, an object standing in front of the foliage, is outlined on both sides
    for side in (
        slice(TRUNK.start - 10, TRUNK.start + 10),
        slice(TRUNK.stop - 10, TRUNK.stop + 10),
    ):
        assert inked[:, side].any(axis=1).mean() > 0.5

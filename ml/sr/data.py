"""Training pairs for RDN: whole images preloaded once, LR made by PIL bicubic.

The LR image is made from the *whole* HR image (cropped to a multiple of the
scale) with the same PIL BICUBIC call that ``ml.eval`` uses, then aligned
LR/HR patches are cut from the pair. This keeps training and evaluation
consistent and makes a batch a few numpy slices: on a 2-core CPU the data
side must cost next to nothing compared with the model.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from PIL import Image

log = logging.getLogger(__name__)

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff"}


def bicubic_downscale(hr: Image.Image, scale: int) -> Image.Image:
    """The LR-making operator used everywhere (train and eval): PIL BICUBIC on uint8.

    ``hr`` must already be a multiple of ``scale`` in both dimensions.
    """
    w, h = hr.size
    if w % scale or h % scale:
        raise ValueError(f"{w}x{h} is not a multiple of scale {scale}")
    return hr.resize((w // scale, h // scale), Image.Resampling.BICUBIC)


def mod_crop(image: Image.Image, scale: int) -> Image.Image:
    """Crop right/bottom so both sides are multiples of ``scale`` (the standard protocol)."""
    w, h = image.size
    return image.crop((0, 0, w - w % scale, h - h % scale))


def list_images(roots: Iterable[Path]) -> list[Path]:
    files: list[Path] = []
    for root in roots:
        files.extend(p for p in sorted(Path(root).rglob("*")) if p.suffix.lower() in IMAGE_SUFFIXES)
    return files


@dataclass
class PairBank:
    """All training pairs in memory as uint8 HWC arrays."""

    scale: int
    hr: list[np.ndarray]
    lr: list[np.ndarray]

    @classmethod
    def from_folders(
        cls, roots: Sequence[Path], scale: int, rescales: Sequence[float] = (1.0,)
    ) -> PairBank:
        """Load every image under ``roots``; ``rescales`` adds downsized copies as extra HR.

        Downsized copies (Lanczos) are a cheap way to get more, cleaner HR
        content from a small photo set (they also soften JPEG artefacts).
        """
        hr_list: list[np.ndarray] = []
        lr_list: list[np.ndarray] = []
        files = list_images(roots)
        if not files:
            raise FileNotFoundError(f"No training images under {list(map(str, roots))}")
        for path in files:
            with Image.open(path) as im:
                base = im.convert("RGB")
            for r in rescales:
                img = base
                if r != 1.0:
                    size = (round(base.width * r), round(base.height * r))
                    img = base.resize(size, Image.Resampling.LANCZOS)
                hr = mod_crop(img, scale)
                hr_list.append(np.asarray(hr, dtype=np.uint8))
                lr_list.append(np.asarray(bicubic_downscale(hr, scale), dtype=np.uint8))
        log.info("Loaded %d training pairs from %d files", len(hr_list), len(files))
        return cls(scale=scale, hr=hr_list, lr=lr_list)

    def sample(
        self, batch: int, lr_patch: int, rng: np.random.Generator
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """A random batch of aligned (LR, HR) float patches in [0, 1], NCHW, with flips/rotations."""
        s = self.scale
        lrs = np.empty((batch, lr_patch, lr_patch, 3), dtype=np.uint8)
        hrs = np.empty((batch, lr_patch * s, lr_patch * s, 3), dtype=np.uint8)
        # Weight images by area so big photos are not under-sampled.
        areas = np.array([a.shape[0] * a.shape[1] for a in self.lr], dtype=np.float64)
        picks = rng.choice(len(self.lr), size=batch, p=areas / areas.sum())
        for i, k in enumerate(picks):
            lr_img, hr_img = self.lr[k], self.hr[k]
            y = int(rng.integers(0, lr_img.shape[0] - lr_patch + 1))
            x = int(rng.integers(0, lr_img.shape[1] - lr_patch + 1))
            lr_p = lr_img[y : y + lr_patch, x : x + lr_patch]
            hr_p = hr_img[y * s : (y + lr_patch) * s, x * s : (x + lr_patch) * s]
            rot = int(rng.integers(0, 4))
            flip = bool(rng.integers(0, 2))
            lr_p, hr_p = np.rot90(lr_p, rot), np.rot90(hr_p, rot)
            if flip:
                lr_p, hr_p = lr_p[:, ::-1], hr_p[:, ::-1]
            lrs[i], hrs[i] = lr_p, hr_p
        to_t = lambda a: torch.from_numpy(a).permute(0, 3, 1, 2).float().div_(255.0)  # noqa: E731
        return to_t(lrs), to_t(hrs)

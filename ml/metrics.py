"""PSNR and SSIM on the luminance channel, the way SR papers report them.

Y follows ITU-R BT.601 as in MATLAB's ``rgb2ycbcr``:
Y = 16 + (65.481 R + 128.553 G + 24.966 B) on R, G, B in [0, 1] (Y in [16, 235]).
``shave`` pixels are removed from every border before measuring (the scale,
by convention). SSIM is the Wang et al. 2004 definition with an 11x11
Gaussian window (sigma 1.5), K1=0.01, K2=0.03, L=255, "valid" filtering, as in
the common MATLAB ``ssim_index`` used for SR tables.
"""

from __future__ import annotations

import numpy as np
from PIL import Image


def rgb_to_y(image: Image.Image | np.ndarray) -> np.ndarray:
    """Y channel in [16, 235] as float64 from an RGB uint8 image/array."""
    rgb = np.asarray(image.convert("RGB") if isinstance(image, Image.Image) else image)
    if rgb.dtype != np.uint8:
        raise TypeError(f"Expected uint8 RGB, got {rgb.dtype}")
    x = rgb.astype(np.float64) / 255.0
    return 16.0 + 65.481 * x[..., 0] + 128.553 * x[..., 1] + 24.966 * x[..., 2]


def _shave(a: np.ndarray, shave: int) -> np.ndarray:
    return a[shave:-shave, shave:-shave] if shave > 0 else a


def psnr_y(hr: Image.Image | np.ndarray, sr: Image.Image | np.ndarray, shave: int = 0) -> float:
    """PSNR in dB between the Y channels (peak 255), after shaving ``shave`` px per border."""
    a, b = _shave(rgb_to_y(hr), shave), _shave(rgb_to_y(sr), shave)
    if a.shape != b.shape:
        raise ValueError(f"Shape mismatch {a.shape} vs {b.shape}")
    mse = float(np.mean((a - b) ** 2))
    return float("inf") if mse == 0 else 10.0 * np.log10(255.0**2 / mse)


def _gaussian_window(size: int = 11, sigma: float = 1.5) -> np.ndarray:
    ax = np.arange(size) - (size - 1) / 2
    g = np.exp(-(ax**2) / (2 * sigma**2))
    return g / g.sum()


def _filter_valid(a: np.ndarray, g: np.ndarray) -> np.ndarray:
    """Separable 'valid' correlation with the 1-D kernel ``g`` along both axes."""
    k = len(g)
    rows = sum(g[i] * a[i : a.shape[0] - k + 1 + i, :] for i in range(k))
    return sum(g[j] * rows[:, j : a.shape[1] - k + 1 + j] for j in range(k))


def ssim_y(hr: Image.Image | np.ndarray, sr: Image.Image | np.ndarray, shave: int = 0) -> float:
    """Mean SSIM between the Y channels, after shaving ``shave`` px per border."""
    a, b = _shave(rgb_to_y(hr), shave), _shave(rgb_to_y(sr), shave)
    if a.shape != b.shape:
        raise ValueError(f"Shape mismatch {a.shape} vs {b.shape}")
    g = _gaussian_window()
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    mu_a, mu_b = _filter_valid(a, g), _filter_valid(b, g)
    var_a = _filter_valid(a * a, g) - mu_a**2
    var_b = _filter_valid(b * b, g) - mu_b**2
    cov = _filter_valid(a * b, g) - mu_a * mu_b
    num = (2 * mu_a * mu_b + c1) * (2 * cov + c2)
    den = (mu_a**2 + mu_b**2 + c1) * (var_a + var_b + c2)
    return float(np.mean(num / den))

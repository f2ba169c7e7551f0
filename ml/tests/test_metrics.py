"""Y-channel PSNR/SSIM follow the SR papers' protocol (BT.601 Y, shave, peak 255)."""

import math

import numpy as np
import pytest

from ml.metrics import psnr_y, rgb_to_y, ssim_y


def test_y_channel_spans_16_to_235():
    img = np.array([[[0, 0, 0], [255, 255, 255]]], dtype=np.uint8)

    y = rgb_to_y(img)

    assert y[0, 0] == pytest.approx(16.0)
    assert y[0, 1] == pytest.approx(235.0)


def test_psnr_of_a_known_error():
    a = np.full((10, 10, 3), 100, dtype=np.uint8)
    b = a.copy()
    b[..., 1] += 10  # Y moves by 10 * 128.553 / 255

    dy = 10 * 128.553 / 255

    assert psnr_y(a, b) == pytest.approx(10 * math.log10(255**2 / dy**2))
    assert psnr_y(a, a) == math.inf


def test_shave_ignores_the_border():
    a = np.full((12, 12, 3), 80, dtype=np.uint8)
    b = a.copy()
    b[:2] = 0

    assert psnr_y(a, b, shave=2) == math.inf
    assert psnr_y(a, b, shave=1) < 30


def test_ssim_is_one_for_identical_and_lower_for_noise():
    rng = np.random.default_rng(0)
    ramp = np.linspace(60, 190, 40)
    a = np.repeat((ramp[:, None] + ramp[None, :] / 4)[..., None], 3, axis=2).astype(np.uint8)
    noise = rng.integers(-40, 41, a.shape)
    mild = np.clip(a + noise // 8, 0, 255).astype(np.uint8)
    strong = np.clip(a + noise, 0, 255).astype(np.uint8)

    assert ssim_y(a, a) == pytest.approx(1.0)
    assert 0.0 < ssim_y(a, strong) < ssim_y(a, mild) < 1.0
    assert ssim_y(a, strong) < 0.5

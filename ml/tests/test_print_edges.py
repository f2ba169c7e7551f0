"""ml.classical.print_edges: cel structure composed at print size, borders resolved there."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from ml.classical.print_edges import CelLayers, compose_print, labels_from_paint
from ml.classical.stylizer import AnimeCelStylizer, RetroCelStylizer
from ml.device import pick_device
from ml.metrics import ssim_y

RED, BLUE = (0.8, 0.1, 0.1), (0.1, 0.2, 0.8)


def half_planes(size: int = 64, slope: float = 0.3) -> CelLayers:
    """Two flat regions split by the line y = 20 + slope * x, rasterised (a staircase)."""
    yy, xx = np.mgrid[0:size, 0:size]
    labels = (yy > 20 + slope * xx).astype(np.int32)
    paint = np.where(labels[..., None] == 1, BLUE, RED).astype(np.float32)
    return CelLayers(labels, paint, np.zeros(labels.shape, np.float32), (0.0, 0.0, 0.0))


def edge_rows(img: np.ndarray, column: int) -> float:
    """Sub-pixel row where ``column`` turns from red to blue (0.5 crossing of the blue share)."""
    blue = img[:, column, 2].astype(np.float32) / 255
    share = (blue - 0.1) / 0.7
    i = int(np.argmax(share >= 0.5))
    return i - 1 + (0.5 - share[i - 1]) / (share[i] - share[i - 1])


def test_a_pixel_staircase_prints_as_a_straight_line() -> None:
    # Given a straight border rasterised at 64 px (treads of about 3 px)
    layers = half_planes()
    # When it is composed at x8
    out = compose_print(layers, (512, 512))
    # Then the printed border is straight to about half an output pixel (measured 0.55 px RMS:
    # a gentle wave with the staircase's period; the staircase itself is +-4 px, 2.3 px RMS),
    # and the flat areas keep their exact paint
    cols = np.arange(40, 470, 3)
    rows = np.array([edge_rows(out, c) for c in cols])
    fit = np.polyfit(cols, rows, 1)
    resid = rows - np.polyval(fit, cols)
    assert np.sqrt(np.mean(resid**2)) < 0.7
    assert abs(fit[0] - 0.3) < 0.01
    assert np.abs(out[5, 5] - np.array(RED) * 255).max() <= 0.51
    assert np.abs(out[500, 500] - np.array(BLUE) * 255).max() <= 0.51


def test_nearest_neighbour_enlargement_keeps_its_stairs() -> None:
    # The measurement above can fail: the same border enlarged pixel for pixel is a staircase.
    layers = half_planes()
    out = np.asarray(Image.fromarray((layers.paint * 255).astype(np.uint8)).resize((512, 512), 0))
    cols = np.arange(40, 470, 3)
    rows = np.array([edge_rows(out, c) for c in cols])
    resid = rows - np.polyval(np.polyfit(cols, rows, 1), cols)
    assert np.sqrt(np.mean(resid**2)) > 1.5


def test_strips_join_without_seams() -> None:
    yy, xx = np.mgrid[0:48, 0:40]
    disc = ((yy - 24) ** 2 + (xx - 20) ** 2 < 150).astype(np.float32)
    layers = CelLayers(
        half_planes(48).labels[:, :40].copy(),
        half_planes(48).paint[:, :40].copy(),
        disc,
        (0.1, 0.05, 0.1),
        grain=np.random.default_rng(1).normal(0, 0.01, (48, 40)).astype(np.float32),
    )
    whole = compose_print(layers, (250, 301), strip_rows=1000)
    strips = compose_print(layers, (250, 301), strip_rows=37)
    assert np.array_equal(whole, strips)


def test_labels_from_paint_keeps_washes_whole_and_flat_regions_apart() -> None:
    # Given two flat colours side by side and a smooth vertical wash below them
    paint = np.zeros((40, 60, 3), np.float32)
    paint[:20, :30] = RED
    paint[:20, 30:] = BLUE
    paint[20:] = np.linspace(0.3, 0.35, 20, dtype=np.float32)[:, None, None]  # 0.0026 per px
    # When regions are read back from the paint
    labels = labels_from_paint(paint)
    # Then there are three: the two flats and the whole wash
    assert len(np.unique(labels)) == 3
    assert len(np.unique(labels[20:])) == 1
    assert labels[0, 0] != labels[0, 59]


@pytest.mark.parametrize("stylizer_cls", [RetroCelStylizer, AnimeCelStylizer])
def test_the_print_composition_scaled_down_matches_the_preview(
    stylizer_cls, shared_data: Path
) -> None:
    # Given a photo and a cel style
    with Image.open(shared_data / "photos/sun80/beach_sun_bgtlposotyokcsdg.jpg") as im:
        photo = im.convert("RGB").resize((240, 320), Image.Resampling.LANCZOS)
    stylizer = stylizer_cls(pick_device(), {})
    # When it is drawn at x3 for print and the print is scaled back down
    preview = stylizer(photo, size=max(photo.size))
    printed = stylizer.render_print(photo, (720, 960))
    down = printed.resize(photo.size, Image.Resampling.LANCZOS)
    # Then it is the preview's picture
    score = ssim_y(preview, down)
    print(f"{stylizer.name}: SSIM(print scaled down, preview) = {score:.4f}")
    assert score > 0.9


def test_strength_below_one_blends_the_enlarged_photo_and_only_then_asks_for_it() -> None:
    stylizer = RetroCelStylizer(pick_device(), {})
    photo = Image.new("RGB", (80, 60), (200, 40, 40))
    asked: list[int] = []

    def big() -> Image.Image:
        asked.append(1)
        return Image.new("RGB", (160, 120), (0, 255, 0))

    full = np.asarray(stylizer.render_print(photo, (160, 120), photo=big)).astype(int)
    assert asked == []
    half = np.asarray(stylizer.render_print(photo, (160, 120), strength=0.5, photo=big))
    assert asked == [1]
    want = (full + np.array([0, 255, 0])) / 2
    assert np.abs(half.astype(int) - want).max() <= 1


def test_ml_print_edges_runs_on_tensors_from_any_device_dtype() -> None:
    # retro-cel's layers come from the tensor pipeline; half precision input still works
    stylizer = RetroCelStylizer(pick_device(), {})
    x = torch.rand(1, 3, 40, 50).half()
    layers = stylizer.layers(x)
    assert layers.labels.shape == (40, 50) and layers.paint.dtype == np.float32


def ink_only(coverage: np.ndarray) -> CelLayers:
    labels = np.zeros(coverage.shape, np.int32)
    paint = np.ones(coverage.shape + (3,), np.float32)
    return CelLayers(labels, paint, coverage.astype(np.float32), (0.0, 0.0, 0.0))


def test_faint_thin_ink_prints_whole_at_its_own_darkness() -> None:
    # Given a faint (0.4) one-pixel diagonal line, the kind retro-cel's XDoG draws
    cov = np.zeros((48, 48), np.float32)
    idx = np.arange(4, 44)
    cov[idx, idx] = 0.4
    # When it is composed at x6
    out = compose_print(ink_only(cov), (288, 288))
    ink = 1 - out[..., 0].astype(np.float32) / 255
    # Then it is neither dropped nor darkened (measured: 67 % of the analysis line's ink for
    # this worst case, a corner-to-corner diagonal; a plain 0.5 threshold drops it all) and
    # unbroken: every print row along it carries ink
    assert 0.5 * cov.mean() < ink.mean() < 1.25 * cov.mean()
    assert ink.max() <= 0.45
    rows = ink[40:250].max(axis=1)
    assert rows.min() > 0.2


def test_two_close_solid_lines_keep_their_gap() -> None:
    # Given two 2 px solid lines 2 px apart (anime-cel draws such pairs round a mouth)
    cov = np.zeros((32, 32), np.float32)
    cov[:, 10:12] = 1
    cov[:, 14:16] = 1
    # When composed at x5, the gap stays paper and the lines stay solid
    out = compose_print(ink_only(cov), (160, 160))
    ink = 1 - out[80, :, 0].astype(np.float32) / 255
    assert ink[65:70].max() < 0.05  # the gap, analysis columns 12-14 (x5 = 60-70)
    assert ink[52:58].min() > 0.95 and ink[72:78].min() > 0.95


def test_a_huge_enlargement_is_composed_at_x8_then_resampled() -> None:
    # A tiny crop on a big print: x20 is composed at x8 and Lanczos covers the rest
    layers = half_planes()
    out = compose_print(layers, (1280, 1280))
    assert out.shape == (1280, 1280, 3)
    cols = np.arange(100, 1180, 7)
    rows = np.array([edge_rows(out, c) for c in cols])
    resid = rows - np.polyval(np.polyfit(cols, rows, 1), cols)
    assert np.sqrt(np.mean(resid**2)) < 0.7 * 20 / 8  # the x8 figure, enlarged x2.5

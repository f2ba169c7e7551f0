"""Tiled inference and the upscale_to API, on CPU with the shipped weights or stand-in models."""

import functools
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from PIL import Image

import ml.sr
from ml.sr import MAX_SR_SCALE, load_rdn, upscale, upscale_to
from ml.sr.rdn import RDN
from ml.sr.tiling import sr_pass
from ml.sr.upscale import plan_passes
from ml.weights import WeightsRejected

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
SET5 = SHARED / "data" / "sr" / "Set5"


class Nearest(torch.nn.Module):
    """Stand-in SR model with no receptive field: tiling must reproduce it exactly."""

    def __init__(
        self, scale: int = 4, fail_on_call: int | None = None, oom_above: int | None = None
    ):
        super().__init__()
        self.scale = scale
        self.dummy = torch.nn.Parameter(torch.zeros(1))
        self.calls = 0
        self.fail_on_call = fail_on_call
        self.oom_above = oom_above
        self.sizes: list[int] = []

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.calls += 1
        self.sizes.append(max(x.shape[-2:]))
        if self.fail_on_call == self.calls:
            raise RuntimeError("tile exploded")
        if self.oom_above is not None and max(x.shape[-2:]) > self.oom_above:
            raise torch.cuda.OutOfMemoryError("fake OOM")
        return F.interpolate(x, scale_factor=self.scale, mode="nearest")


def _photo(w: int, h: int, seed: int = 0) -> np.ndarray:
    """A smooth-ish test picture (random blobs), HxWx3 uint8."""
    rng = np.random.default_rng(seed)
    small = rng.integers(0, 256, (h // 8 + 2, w // 8 + 2, 3), dtype=np.uint8)
    return np.asarray(Image.fromarray(small).resize((w, h), Image.Resampling.BICUBIC))


@pytest.mark.parametrize(("tile", "overlap"), [(64, 8), (64, 16), (50, 10), (33, 0)])
def test_blending_weights_sum_to_one_everywhere(tile, overlap):
    lr = _photo(200, 150)

    with torch.inference_mode():
        out = sr_pass(Nearest(scale=3), lr, tile=tile, overlap=overlap)

    assert np.array_equal(out, lr.repeat(3, axis=0).repeat(3, axis=1))


@functools.cache
def _whole_image_sr() -> tuple[np.ndarray, np.ndarray]:
    lr = _photo(200, 150, seed=1)
    with torch.inference_mode():
        return lr, sr_pass(load_rdn(), lr, tile=1024, overlap=0)


@pytest.mark.parametrize("overlap", [8, 16])
def test_tiled_equals_whole_image_within_one_level(overlap):
    lr, whole = _whole_image_sr()

    with torch.inference_mode():
        tiled = sr_pass(load_rdn(), lr, tile=64, overlap=overlap)

    assert tiled.shape == whole.shape == (600, 800, 3)
    assert np.abs(tiled.astype(int) - whole.astype(int)).max() <= 1


def test_an_error_inside_the_tile_loop_propagates():
    model = Nearest(fail_on_call=3)

    with pytest.raises(RuntimeError, match="tile exploded"):
        upscale_to(Image.new("RGB", (100, 80)), 400, 320, model=model, tile=32, device="cpu")

    assert model.calls == 3


def test_out_of_memory_shrinks_the_tile_and_retries():
    model = Nearest(scale=2, oom_above=40)
    lr = _photo(100, 90)

    with torch.inference_mode():
        out = sr_pass(model, lr, tile=96, overlap=8)

    assert np.array_equal(out, lr.repeat(2, axis=0).repeat(2, axis=1))
    assert model.sizes[0] == 96 and max(model.sizes[-5:]) <= 40


def test_upscale_to_reaches_the_exact_size_with_one_x4_pass():
    stages = []

    result = upscale_to(
        Image.fromarray(_photo(40, 30)), 150, 100, progress=lambda s, f: stages.append((s, f)),
        device="cpu",
    )  # fmt: skip

    assert result.image.size == (150, 100) and result.image.mode == "RGB"
    assert (result.effective_scale, result.passes) == (4.0, 1)
    assert stages[-1] == ("done", 1.0)
    fractions = [f for s, f in stages if s.startswith("upscale")]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0


def test_upscale_to_a_smaller_or_equal_size_only_resamples():
    model = Nearest(fail_on_call=1)  # any SR call would fail the test

    for size in [(40, 30), (20, 10)]:
        result = upscale_to(Image.fromarray(_photo(40, 30)), *size, model=model)

        assert result.image.size == size
        assert (result.effective_scale, result.passes) == (1.0, 0)


def test_passes_never_exceed_max_sr_scale():
    assert MAX_SR_SCALE == 4
    assert plan_passes(1350, 1800, 5400, 7200, 4) == 1
    assert plan_passes(1024, 1024, 6000, 6000, 4) == 1  # rest by Lanczos, not a x16 pass
    assert plan_passes(100, 100, 800, 800, 2) == 2
    assert plan_passes(100, 100, 150, 150, 2) == 1
    assert plan_passes(100, 100, 100, 100, 4) == 0


def test_upscale_by_an_exact_scale():
    out = upscale(Image.fromarray(_photo(30, 20)), 4, device="cpu")

    assert out.size == (120, 80)
    with pytest.raises(ValueError, match="power"):
        upscale(Image.fromarray(_photo(30, 20)), 3, device="cpu")


def test_shipped_weights_load_strictly_once_per_process():
    model = load_rdn()

    assert model is load_rdn(ml.sr.SHIPPED_WEIGHTS)
    assert model.scale == 4 and not model.training
    assert ml.sr.SHIPPED_WEIGHTS.stat().st_size < 5 * 1024 * 1024


def test_broken_or_mismatched_weights_are_refused(tmp_path):
    garbage = tmp_path / "garbage.pt"
    garbage.write_bytes(b"not a checkpoint")
    wrong = tmp_path / "wrong.pt"
    torch.save({"config": {"scale": 4, "G0": 8, "D": 1, "C": 1, "G": 4},
                "state_dict": RDN(scale=4, G0=8, D=2, C=1, G=4).state_dict()}, wrong)  # fmt: skip

    with pytest.raises(Exception):  # noqa: B017 - torch raises its own unpickling error
        load_rdn(garbage)
    with pytest.raises(WeightsRejected, match="RDBs.1"):
        load_rdn(wrong)
    with pytest.raises(WeightsRejected, match="not found"):
        load_rdn(tmp_path / "missing.pt")


@pytest.mark.skipif(not SET5.is_dir(), reason="needs ../shared/data/sr/Set5")
def test_shipped_weights_beat_bicubic_on_set5_crops():
    from ml.eval import evaluate_image

    model = load_rdn()
    gains = []
    for name in ["butterfly", "bird"]:
        with Image.open(SET5 / f"{name}.png") as im:
            w, h = im.size
            crop = im.convert("RGB").crop((w // 2 - 64, h // 2 - 64, w // 2 + 64, h // 2 + 64))
        score = evaluate_image(model, crop, 4)
        gains.append(score.psnr_model - score.psnr_bicubic)

    assert min(gains) > 0.5, gains


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_cuda_half_channels_last_matches_cpu():
    image = Image.fromarray(_photo(96, 80, seed=2))

    on_gpu = np.asarray(upscale(image, 4, device="cuda", tile=48))
    on_cpu = np.asarray(upscale(image, 4, device="cpu", tile=48))

    assert np.abs(on_gpu.astype(int) - on_cpu.astype(int)).max() <= 3

"""Architectures load the public checkpoints' state dicts strictly and handle any input size."""

from __future__ import annotations

import os
import pickle

import pytest
import torch

from ml.archs import ARCHITECTURES, build_architecture
from ml.device import pick_device
from ml.gan import GanStylizer, run_generator
from ml.tests.conftest import manifest, state_dict_from_manifest
from ml.weights import WeightsRejected, load_generator, verify_weights

NAMES = sorted(ARCHITECTURES)
PUBLISHED = [name for name in NAMES if ARCHITECTURES[name].published]
TINY = {
    "animeganv2": {"base_channels": 4, "num_blocks": 2},
    "animeganv2_half": {"base_channels": 4, "num_blocks": 2},
    "cartoongan": {"base_channels": 4, "num_blocks": 2},
    "cyclegan_resnet9": {"ngf": 4, "n_blocks": 2},
}


@pytest.mark.parametrize("name", PUBLISHED)
def test_published_layout_matches_manifest_exactly(name: str) -> None:
    model = build_architecture(name)
    shapes = {k: list(v.shape) for k, v in model.state_dict().items()}
    assert shapes == manifest(name)


@pytest.mark.parametrize("name", PUBLISHED)
def test_manifest_state_dict_loads_strictly_and_runs_on_odd_size(name: str, tmp_path) -> None:
    path = tmp_path / f"{name}.pth"
    torch.save(state_dict_from_manifest(name), path)
    sha = verify_weights(path, name)
    assert len(sha) == 64
    model = load_generator(path, name).eval()
    with torch.inference_mode():
        out = run_generator(model, ARCHITECTURES[name], torch.rand(1, 3, 37, 53))
    assert out.shape == (1, 3, 37, 53)
    assert torch.isfinite(out).all() and out.min() >= 0 and out.max() <= 1


def test_half_width_animeganv2_keeps_the_published_names_at_half_the_channels() -> None:
    published = manifest("animeganv2")
    half = {k: list(v.shape) for k, v in build_architecture("animeganv2_half").state_dict().items()}
    assert list(half) == list(published)
    # Every channel count halves (the image's 3 channels in and out stay).
    for key, shape in published.items():
        expected = [d if d == 3 else d // 2 for d in shape[:2]] + shape[2:]
        if len(shape) == 4 and shape[1] == 1:  # depthwise convolution: one input channel per group
            expected[1] = 1
        assert half[key] == expected, key
    assert sum(v.numel() for v in build_architecture("animeganv2_half").parameters()) == 544_416


@pytest.mark.parametrize("name", NAMES)
def test_tiny_config_round_trips_257x383_without_border_strip(name: str) -> None:
    torch.manual_seed(0)
    model = build_architecture(name, **TINY[name]).eval()
    x = torch.rand(1, 3, 257, 383)
    with torch.inference_mode():
        out = run_generator(model, ARCHITECTURES[name], x)
    assert out.shape == x.shape
    # No padded strip at the right/bottom: the last row/column changes from their
    # neighbours about as much as interior rows/columns do.
    row_steps = (out[..., 1:, :] - out[..., :-1, :]).abs().mean(dim=(0, 1, 3))
    col_steps = (out[..., :, 1:] - out[..., :, :-1]).abs().mean(dim=(0, 1, 2))
    assert row_steps[-1] < 3 * row_steps.median() + 1e-3
    assert col_steps[-1] < 3 * col_steps.median() + 1e-3


def test_animeganv2_constant_input_gives_constant_output() -> None:
    # Reflection padding everywhere: a flat grey photo must not grow a frame.
    model = build_architecture("animeganv2", **TINY["animeganv2"]).eval()
    with torch.inference_mode():
        out = run_generator(model, ARCHITECTURES["animeganv2"], torch.full((1, 3, 61, 97), 0.4))
    assert (out - out.mean(dim=(2, 3), keepdim=True)).abs().max() < 1e-4


def test_cartoongan_is_fed_bgr() -> None:
    class Probe(torch.nn.Module):
        def forward(self, x: torch.Tensor) -> torch.Tensor:
            self.seen = x.clone()
            return x

    probe = Probe()
    x = torch.zeros(1, 3, 8, 8)
    x[:, 0] = 1.0  # pure red
    out = run_generator(probe, ARCHITECTURES["cartoongan"], x)
    assert (
        probe.seen[0, 2].min() == 1.0 and probe.seen[0, 0].max() == -1.0
    )  # red in the B slot, [-1, 1]
    assert torch.equal(out, x)  # and converted back


def test_gan_stylizer_returns_input_size(tmp_path) -> None:
    from PIL import Image

    model = build_architecture("cyclegan_resnet9", **TINY["cyclegan_resnet9"])
    stylizer = GanStylizer(model, ARCHITECTURES["cyclegan_resnet9"], pick_device("cpu"), "tiny")
    image = Image.new("RGB", (203, 131), (120, 80, 40))
    out = stylizer(image, size=131)
    assert out.size == (203, 131) and out.mode == "RGB"


# --- wrong files -----------------------------------------------------------------


class _Evil:
    def __reduce__(self):
        return (os.getcwd, ())


def _save(path, obj):
    torch.save(obj, path)
    return path


def _with(**changes):
    sd = state_dict_from_manifest("animeganv2")
    sd.update(changes)
    return sd


def _truncated(tmp_path):
    data = _save(tmp_path / "good.pth", state_dict_from_manifest("animeganv2")).read_bytes()
    (tmp_path / "trunc.pth").write_bytes(data[: len(data) // 2])
    return tmp_path / "trunc.pth"


WRONG_FILES = {
    "other_architecture": (
        lambda d: _save(d / "o.pth", state_dict_from_manifest("cyclegan_resnet9")),
        "tensor 'block_a.0.1.weight' is missing",
    ),
    "truncated": (_truncated, "truncated"),
    "pickled_code": (lambda d: _save(d / "c.pth", {"w": _Evil()}), "refused for safety"),
    "plain_pickle_code": (
        # A bare pickle (no torch archive) is refused before its code is reached.
        lambda d: (d / "c.pkl").write_bytes(pickle.dumps(_Evil())) and d / "c.pkl",
        "'c.pkl'",
    ),
    "not_a_tensor_file": (
        lambda d: (d / "n.pth").write_text("not the weights you are looking for\n") and d / "n.pth",
        "not a PyTorch weights file",
    ),
    "mis_shaped": (
        lambda d: _save(d / "s.pth", _with(**{"block_a.0.1.weight": torch.zeros(16, 3, 7, 7)})),
        "'block_a.0.1.weight' has shape [16, 3, 7, 7], expected [32, 3, 7, 7]",
    ),
    "unexpected": (
        lambda d: _save(d / "u.pth", _with(**{"extra.weight": torch.zeros(1)})),
        "unexpected tensor 'extra.weight'",
    ),
}


@pytest.mark.parametrize("case", sorted(WRONG_FILES))
def test_wrong_file_is_rejected_with_a_readable_reason(case: str, tmp_path) -> None:
    make, fragment = WRONG_FILES[case]
    with pytest.raises(WeightsRejected) as info:
        verify_weights(make(tmp_path), "animeganv2")
    assert fragment in info.value.message


def test_module_prefix_and_wrapper_are_accepted(tmp_path) -> None:
    sd = {f"module.{k}": v for k, v in state_dict_from_manifest("cyclegan_resnet9").items()}
    path = tmp_path / "wrapped.pth"
    torch.save({"state_dict": sd, "epoch": torch.tensor(3)}, path)
    assert len(verify_weights(path, "cyclegan_resnet9")) == 64

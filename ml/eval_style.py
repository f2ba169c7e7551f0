"""How well and how fast a style student imitates its teacher.

    python -m ml.eval style [--teacher anime-cel] [--weights W] [--size 512]
                            [--speed-size 1024] [--repeats 3] [--compare OUT.png]

Quality: on the held-out photos (``ml.style_data.HELD_OUT``, never trained
on) at ``--size`` long side, PSNR and SSIM on Y (``ml.metrics``) of the
student against the teacher, next to the photo itself against the teacher
(the score of doing nothing; the student must beat it by a clear margin).
Speed: median ms per image, student and teacher through the same
``Stylizer`` call, on one held-out photo at ``--speed-size``, on this
machine's CPU (or GPU when the student runs there: say which when quoting).
Last lines, for scripts:

    mean_psnr_y photo=<dB> student=<dB>
    mean_ssim_y photo=<x> student=<x>
    speed_ms teacher=<ms> student=<ms> ratio=<teacher/student>
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from ml.metrics import psnr_y, ssim_y
from ml.style_data import SHARED_PHOTOS, held_out_paths, working_size_image
from ml.styles import StyleSpec, Stylizer, load_style
from ml.styles_weights import RETROCEL_ANIME_V1, RETROCEL_ANIME_V1_ARCH


def _median_ms(fn, repeats: int) -> float:
    fn()  # warm-up: first-call allocations and oneDNN kernel selection
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def compare_strip(rows: list[tuple[Image.Image, ...]], tile: int = 320) -> Image.Image:
    """A picture of (photo | teacher | student) rows, for looking at before shipping."""
    label = 16
    sheet = Image.new("RGB", (3 * tile, label + len(rows) * tile), "white")
    draw = ImageDraw.Draw(sheet)
    for c, name in enumerate(("photo", "teacher", "student")):
        draw.text((c * tile + 4, 2), name, fill="black")
    for r, images in enumerate(rows):
        for c, im in enumerate(images):
            im = im.copy()
            im.thumbnail((tile, tile), Image.Resampling.LANCZOS)
            sheet.paste(im, (c * tile + (tile - im.width) // 2, label + r * tile))
    return sheet


def evaluate(
    teacher: Stylizer, student: Stylizer, photos: list[Path], size: int
) -> tuple[list[tuple[str, float, float, float, float]], list[tuple[Image.Image, ...]]]:
    """Per photo: (name, PSNR photo, SSIM photo, PSNR student, SSIM student), all vs the teacher."""
    scores, images = [], []
    for path in photos:
        with Image.open(path) as im:
            photo = working_size_image(im, size)
        target = teacher(photo, size=max(photo.size))
        out = student(photo, size=max(photo.size))
        scores.append(
            (
                path.name,
                psnr_y(target, photo),
                ssim_y(target, photo),
                psnr_y(target, out),
                ssim_y(target, out),
            )
        )
        images.append((photo, target, out))
    return scores, images


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m ml.eval style", description=__doc__)
    p.add_argument("--teacher", default="anime-cel")
    p.add_argument("--weights", type=Path, default=RETROCEL_ANIME_V1)
    p.add_argument("--photos", type=Path, default=SHARED_PHOTOS, help="holds bsd68/ and sun80/")
    p.add_argument("--size", type=int, default=512)
    p.add_argument("--speed-size", type=int, default=1024)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--compare", type=Path, default=None, help="save photo|teacher|student PNG")
    p.add_argument("--speed-only", action="store_true", help="skip the quality part")
    args = p.parse_args(argv)

    photos = held_out_paths(args.photos)
    if not photos:
        raise SystemExit(f"error: no held-out photos under {args.photos}")
    teacher = load_style(StyleSpec(kind="classical", builtin=args.teacher))
    student = load_style(
        StyleSpec(kind="gan", architecture=RETROCEL_ANIME_V1_ARCH, weights=str(args.weights))
    )
    if not args.speed_only:
        _quality(teacher, student, photos, args)
    _speed(teacher, student, photos, args)
    return 0


def _quality(
    teacher: Stylizer, student: Stylizer, photos: list[Path], args: argparse.Namespace
) -> None:
    scores, images = evaluate(teacher, student, photos, args.size)
    print(f"{'photo':<48} {'photo vs teacher':>18} {'student vs teacher':>20}")
    for name, pp, sp, ps, ss in scores:
        print(f"{name:<48} {pp:8.2f} / {sp:.4f} {ps:10.2f} / {ss:.4f}")
    mean = lambda i: float(np.mean([s[i] for s in scores]))  # noqa: E731
    print(f"mean_psnr_y photo={mean(1):.2f} student={mean(3):.2f}")
    print(f"mean_ssim_y photo={mean(2):.4f} student={mean(4):.4f}")
    if args.compare:
        compare_strip(images).save(args.compare)
        print(f"wrote {args.compare}")


def _speed(
    teacher: Stylizer, student: Stylizer, photos: list[Path], args: argparse.Namespace
) -> None:
    speed_photo = max(photos, key=lambda q: Image.open(q).size[0] * Image.open(q).size[1])
    with Image.open(speed_photo) as im:
        big = working_size_image(im, args.speed_size)
    side = max(big.size)
    t_ms = _median_ms(lambda: teacher(big, size=side), args.repeats)
    s_ms = _median_ms(lambda: student(big, size=side), args.repeats)
    print(
        f"speed at {big.width}x{big.height} ({student.device.device}): "
        f"teacher {t_ms:.0f} ms, student {s_ms:.0f} ms"
    )
    print(f"speed_ms teacher={t_ms:.0f} student={s_ms:.0f} ratio={t_ms / s_ms:.2f}")


if __name__ == "__main__":
    raise SystemExit(main())

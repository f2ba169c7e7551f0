"""Benchmark moving pictures (issue 17; prints figures, not a test).

A clip made in code: a still camera on a shared photo (with sensor noise) while a red disc
crosses it, ``--seconds`` long at ``--fps`` and ``--size`` px long side (default 5 s, 24 fps,
512 px). For every seeded style kind (``--styles``, default all: the classical ``retro-cel``
and ``anime-cel``, our generator ``retrocel-anime-v1``, the reference style ``pop-waves`` with
the seeded reference picture) it prints one line:

* seconds per frame (styling only, this CPU, the threads ``OMP_NUM_THREADS`` allows);
* flicker (mean level change between consecutive styled frames over the pixels whose source
  barely changed, :func:`ml.motion.flicker`): ``naive`` (each frame styled on its own),
  ``hold`` (the still-pixel hold on the naive frames), and for classical styles ``centres``
  (every frame quantised onto its keyframes' k-means centres, :func:`ml.motion.clip_centres`)
  and ``centres+hold``; with ``--palette`` also the older pooled 18-colour ``palette`` column;
* for classical styles, colour fidelity of the fixed centres: the mean Oklab distance between
  each fixed-centre frame and the same frame's own per-frame render (and its 95th percentile);
* GIF, WebP and MP4 sizes of the clip the shop ships for that style;
* the peak RSS of the process that styled it (each style runs in a child process of its own,
  so the figure is that style's, not the largest so far).

Run niced on shared machines:

    OMP_NUM_THREADS=1 nice -n 10 python bench/ml_motion.py [--seconds 5] [--styles retro-cel,...]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from fractions import Fraction
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import torch  # noqa: E402
from PIL import Image, ImageFilter  # noqa: E402

from ml.color import srgb_to_oklab  # noqa: E402
from ml.motion import (  # noqa: E402
    clip_centres,
    clip_spec,
    flicker,
    stabilise,
    write_gif,
    write_mp4,
    write_webp,
)
from ml.motion.stable import STILL_TOLERANCE  # noqa: E402
from ml.sheet import SHARED_PHOTOS, shipped_generators  # noqa: E402
from ml.styles import StyleSpec, load_style  # noqa: E402
from ml.testing.clips import sprite_over_still  # noqa: E402

PHOTO = "sun80/abbey_sun_asztnlqhlrvirneh.jpg"
#: The seeded reference style ``pop-waves`` paints from this picture (``styling/seed.py``).
REFERENCE = ROOT / "styling" / "seed_assets" / "reference-pop-waves.png"
ORDER = ("retro-cel", "anime-cel", "retrocel-anime-v1", "pop-waves")


def specs() -> dict[str, StyleSpec]:
    """The seeded styles by slug, as the shop builds their specs (defaults, no params)."""
    out = {name: StyleSpec(kind="classical", builtin=name) for name in ("retro-cel", "anime-cel")}
    out.update(dict(shipped_generators()))
    out["pop-waves"] = StyleSpec(kind="reference", reference=str(REFERENCE))
    return out


def oklab_distance(a: Image.Image, b: Image.Image) -> np.ndarray:
    """Per-pixel Euclidean distance in Oklab between two same-size sRGB pictures."""

    def lab(im: Image.Image) -> torch.Tensor:
        x = torch.from_numpy(np.asarray(im.convert("RGB"), dtype=np.float32) / 255)
        return srgb_to_oklab(x.permute(2, 0, 1)[None])[0]

    return (lab(a) - lab(b)).pow(2).sum(0).sqrt().numpy()


def still_pixels(a: Image.Image, b: Image.Image) -> np.ndarray:
    """Where the source barely changed between two frames (as :func:`ml.motion.flicker` counts)."""

    def soft(im: Image.Image) -> np.ndarray:
        return np.asarray(im.convert("RGB").filter(ImageFilter.BoxBlur(1)), dtype=np.float32)

    return np.abs(soft(a) - soft(b)).max(axis=2) <= STILL_TOLERANCE


def self_distance(sources: Sequence[Image.Image], styled: Sequence[Image.Image]) -> float:
    """Mean Oklab distance between consecutive styled frames where the source held still: how
    far a per-frame render is from itself, the yardstick for the centres' colour distance."""
    values = [
        oklab_distance(styled[t], styled[t - 1])[still_pixels(sources[t], sources[t - 1])]
        for t in range(1, len(styled))
    ]
    return float(np.concatenate(values).mean())


def timed(
    style: Callable[[Image.Image], Image.Image], frames: Sequence[Image.Image]
) -> tuple[list[Image.Image], float]:
    t0 = time.perf_counter()
    out = [style(f) for f in frames]
    return out, (time.perf_counter() - t0) / len(frames)


def run_one(name: str, spec: StyleSpec, frames: list[Image.Image], args: argparse.Namespace) -> str:
    size = args.size
    base = load_style(spec)
    base(frames[0], size=size)  # warm-up (model load, first-call costs)
    naive, per_frame = timed(lambda f: base(f, size=size), frames)
    f_naive = flicker(frames, naive)
    held = list(stabilise(frames, naive))
    f_hold = flicker(frames, held)
    parts = [f"{per_frame:.2f} s/frame", f"flicker naive {f_naive:.3f}"]
    parts.append(f"hold {f_hold:.3f} ({f_hold / f_naive:.3f})")
    shipped = held
    if spec.kind == "classical":
        t0 = time.perf_counter()
        fixed = clip_centres(spec, frames, size)
        choose = time.perf_counter() - t0
        centred_style = load_style(fixed)
        centred, per_centred = timed(lambda f: centred_style(f, size=size), frames)
        both = list(stabilise(frames, centred))
        f_c, f_b = flicker(frames, centred), flicker(frames, both)
        dist = np.stack([oklab_distance(c, n) for c, n in zip(centred, naive, strict=True)])
        parts += [
            f"centres {f_c:.3f} ({f_c / f_naive:.3f})",
            f"centres+hold {f_b:.3f} ({f_b / f_naive:.3f})",
            f"centres vs own render: mean Oklab {dist.mean():.4f}, p95 "
            f"{np.percentile(dist, 95):.4f} (naive vs its previous frame where still: "
            f"{self_distance(frames, naive):.4f})",
            f"centres chosen in {choose:.1f} s, then {per_centred:.2f} s/frame",
        ]
        if args.palette:
            paletted_spec = clip_spec(spec, frames, lambda f: base(f, size=size))
            paletted_style = load_style(paletted_spec)
            paletted = [paletted_style(f, size=size) for f in frames]
            f_p = flicker(frames, paletted)
            parts.append(f"palette {f_p:.3f} ({f_p / f_naive:.3f})")
        shipped = both if args.ship_centres else held
    fps = Fraction(args.fps)
    gif, webp, mp4 = write_gif(shipped, fps), write_webp(shipped, fps), write_mp4(shipped, fps)
    parts.append(
        f"GIF {len(gif) / 1024:.0f} KiB, WebP {len(webp) / 1024:.0f} KiB, "
        f"MP4 {len(mp4) / 1024:.0f} KiB"
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    parts.append(f"peak RSS {peak:.0f} MB")
    return f"{name}: " + "; ".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--fps", type=int, default=24)
    parser.add_argument("--size", type=int, default=512)
    parser.add_argument("--styles", default="", help=f"comma-separated of {', '.join(ORDER)}")
    parser.add_argument("--palette", action="store_true", help="also the pooled-palette column")
    parser.add_argument(
        "--ship-centres",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="classical sizes from centres+hold (the shop's default) or the hold alone",
    )
    args = parser.parse_args()
    available = specs()
    wanted = [s for s in args.styles.split(",") if s] or [s for s in ORDER if s in available]
    unknown = [s for s in wanted if s not in available]
    if unknown:
        parser.error(f"unknown or unavailable style(s) {unknown}; have {sorted(available)}")
    n = int(args.seconds * args.fps)
    size = (args.size, args.size * 3 // 4 // 2 * 2)
    if len(wanted) > 1:  # one child per style: its own peak RSS, nothing cached across
        print(
            f"clip: {n} frames {size[0]}x{size[1]} at {args.fps} fps ({args.seconds:g} s); "
            f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', '(unset)')}; "
            f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs",
            flush=True,
        )
        rest = [f"--seconds={args.seconds}", f"--fps={args.fps}", f"--size={args.size}"]
        rest += ["--palette"] * args.palette
        rest += ["--ship-centres" if args.ship_centres else "--no-ship-centres"]
        for name in wanted:
            subprocess.run([sys.executable, __file__, *rest, "--styles", name], check=False)
        return
    photo = Image.open(SHARED_PHOTOS / PHOTO)
    frames = sprite_over_still(photo, n, size)
    print(
        f"[{n} frames {size[0]}x{size[1]} at {args.fps} fps, load {os.getloadavg()[0]:.2f}] "
        + run_one(wanted[0], available[wanted[0]], frames, args),
        flush=True,
    )


if __name__ == "__main__":
    main()

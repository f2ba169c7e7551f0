"""Benchmark moving pictures (issue 17; prints figures, not a test).

A clip made in code: a still camera on a shared photo (with sensor noise) while a red disc
crosses it, ``--seconds`` long at ``--fps`` and ``--size`` px long side (default 5 s, 24 fps,
512 px). For every style (the built-in classical styles, our shipped generator, the
reference style when its network is present) it prints:

* seconds per frame (styling only, this CPU, the threads ``OMP_NUM_THREADS`` allows);
* flicker (mean level change between consecutive styled frames over the pixels whose source
  barely changed, :func:`ml.motion.flicker`): naive (each frame styled on its own), with the
  clip palette only (classical styles), hold (the still-pixel hold on the naive frames: what
  the shop ships by default), and stable (clip palette + hold, the shop with
  ``STYLING_CLIP_FIXED_PALETTE``), each against naive;
* GIF, WebP and MP4 sizes of the held clip (the shipped one);

and at the end the process's peak RSS. Run niced on shared machines:

    OMP_NUM_THREADS=1 nice python bench/ml_motion.py [--seconds 5] [--styles retro-cel,...]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from fractions import Fraction
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PIL import Image

from ml.motion import clip_spec, flicker, stabilise, write_gif, write_mp4, write_webp
from ml.sheet import SHARED_PHOTOS, shipped_generators
from ml.styles import BUILTIN_STYLES, StyleSpec, load_style
from ml.testing.clips import sprite_over_still

PHOTO = "sun80/abbey_sun_asztnlqhlrvirneh.jpg"
REFERENCE = "sun80/beach_sun_bgtlposotyokcsdg.jpg"


def specs() -> list[tuple[str, StyleSpec]]:
    out = [(name, StyleSpec(kind="classical", builtin=name)) for name in BUILTIN_STYLES]
    out += shipped_generators()
    try:
        from ml.reference import model_dir

        if (model_dir() / "arbitrary_transform.onnx").is_file():
            out.append(
                ("reference", StyleSpec(kind="reference", reference=str(SHARED_PHOTOS / REFERENCE)))
            )
    except Exception as exc:  # an optional network missing only drops its row
        print(f"reference style unavailable: {exc}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--fps", type=int, default=24)
    parser.add_argument("--size", type=int, default=512)
    parser.add_argument("--styles", default="", help="comma-separated names (default: all)")
    args = parser.parse_args()
    n = int(args.seconds * args.fps)
    size = (args.size, args.size * 3 // 4 // 2 * 2)
    photo = Image.open(SHARED_PHOTOS / PHOTO)
    frames = sprite_over_still(photo, n, size)
    fps = Fraction(args.fps)
    print(
        f"clip: {n} frames {size[0]}x{size[1]} at {args.fps} fps ({args.seconds:g} s); "
        f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', '(unset)')}; "
        f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs"
    )
    wanted = {s for s in args.styles.split(",") if s}
    for name, spec in specs():
        if wanted and name not in wanted:
            continue
        base = load_style(spec)
        base(frames[0], size=args.size)  # warm-up (model load, first-call costs)
        t0 = time.perf_counter()
        naive = [base(f, size=args.size) for f in frames]
        per_frame = (time.perf_counter() - t0) / n
        fixed = clip_spec(spec, frames, lambda f, style=base: style(f, size=args.size))
        if fixed is spec:
            painted = naive  # GAN / reference: deterministic per frame, nothing to fix
        else:
            clip_style = load_style(fixed)
            painted = [clip_style(f, size=args.size) for f in frames]
        stable = list(stabilise(frames, painted))
        held = list(stabilise(frames, naive))
        f_naive, f_palette, f_hold, f_stable = (
            flicker(frames, naive),
            flicker(frames, painted),
            flicker(frames, held),
            flicker(frames, stable),
        )
        gif, webp = write_gif(held, fps), write_webp(held, fps)  # what the shop ships
        mp4 = write_mp4(held, fps)
        print(
            f"{name}: {per_frame:.2f} s/frame; flicker naive {f_naive:.3f}, clip palette "
            f"{f_palette:.3f}, hold {f_hold:.3f} (hold/naive {f_hold / f_naive:.3f}), "
            f"palette+hold {f_stable:.3f} (/naive {f_stable / f_naive:.3f}); "
            f"GIF {len(gif) / 1024:.0f} KiB, WebP {len(webp) / 1024:.0f} KiB, "
            f"MP4 {len(mp4) / 1024:.0f} KiB"
        )
        sys.stdout.flush()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:.0f} MB")


if __name__ == "__main__":
    main()

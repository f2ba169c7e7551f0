"""Benchmark tiled styling at print sizes: seconds and peak RSS per style, size and statistics mode.

Each measurement runs in its own subprocess, so its peak RSS (``ru_maxrss``)
is its own. Styles: ``reference`` (the seeded Pop waves picture through the
real transformer), ``animeganv2`` / ``cartoongan`` / ``cyclegan_resnet9``
(published sizes, random weights: speed and memory do not depend on the
values). The input is a photo-like picture at the long side asked for, 4:3.

    nice python bench/ml_tiling.py                          # reference + animeganv2, 2048 and 4096, seed
    nice python bench/ml_tiling.py --styles reference --sizes 1024 2048 4096 --stats seed exact
    nice python bench/ml_tiling.py --look --sizes 2048      # does the look survive resolution?

Prints one line per run: style, size, stats, seconds, peak RSS, RSS before the run (imports
and model loaded), progress steps. ``--look``: SSIM (Y channel) between the Pop waves preview
(network at 1024 px) and the same photo rendered at each size then scaled down to the preview.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _child(style: str, size: int, stats: str, tile: int) -> dict:
    import numpy as np
    import torch

    from ml.archs import ARCHITECTURES, build_architecture
    from ml.device import pick_device
    from ml.gan import GanStylizer
    from ml.testing.corpus import photo_like
    from ml.tiling import run_tiled

    device = pick_device()
    if style == "reference":
        from ml.reference import ReferenceStylizer
        from styling.sample_art import REFERENCE_PICTURE

        stylizer = ReferenceStylizer(device, REFERENCE_PICTURE, {})
    else:
        torch.manual_seed(0)
        stylizer = GanStylizer(build_architecture(style), ARCHITECTURES[style], device, style)
    from PIL import Image

    image = np.asarray(
        Image.fromarray(photo_like(512, 384)).resize(
            (size, size * 3 // 4), Image.Resampling.BICUBIC
        )
    )
    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    net = stylizer.tiled_network(Image.fromarray(image), 1.0)
    tiles = []
    start = time.perf_counter()
    out = run_tiled(net, image, tile=tile, stats=stats, progress=tiles.append)
    seconds = time.perf_counter() - start
    assert out.shape == image.shape
    return {
        "seconds": seconds,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "rss_before_mb": base_rss,
        "progress_steps": len(tiles),
    }


PHOTO = (
    ROOT / ".." / "shared" / "data" / "photos" / "sun80" / "canal_urban_sun_bioizsmryxlratmt.jpg"
)


def _look(sizes: list[int]) -> None:
    from PIL import Image

    from ml.metrics import ssim_y
    from ml.styles import StyleSpec, load_style
    from styling.sample_art import REFERENCE_PICTURE

    style = load_style(StyleSpec(kind="reference", reference=str(REFERENCE_PICTURE)))
    photo = Image.open(PHOTO).convert("RGB")
    preview_size = (1024, round(1024 * photo.height / photo.width))
    preview = style(photo.resize(preview_size, Image.Resampling.LANCZOS), size=1024)
    for size in sizes:
        big = photo.resize(
            (size, round(size * photo.height / photo.width)), Image.Resampling.LANCZOS
        )
        for stats in ("seed", "exact"):
            start = time.perf_counter()
            render = style(big, size=size, stats=stats)
            seconds = time.perf_counter() - start
            down = render.resize(preview_size, Image.Resampling.LANCZOS)
            print(
                f"look reference size={size} stats={stats} seconds={seconds:.0f} "
                f"ssim_y_vs_preview={ssim_y(preview, down):.3f}",
                flush=True,
            )


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--styles", nargs="+", default=["reference", "animeganv2"])
    p.add_argument("--sizes", nargs="+", type=int, default=[2048, 4096])
    p.add_argument("--stats", nargs="+", default=["seed"], choices=["seed", "exact"])
    p.add_argument("--tile", type=int, default=1024)
    p.add_argument("--look", action="store_true", help="SSIM of preview vs print render instead")
    p.add_argument("--child", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.look:
        _look(args.sizes)
        return
    if args.child:
        style, size, stats, tile = args.child.split(",")
        print(json.dumps(_child(style, int(size), stats, int(tile))))
        return
    print(
        f"{'style':<18} {'size':>5} {'stats':>5} {'seconds':>8} {'peak_rss_mb':>11} "
        f"{'before_mb':>9} {'steps':>5}"
    )
    for style in args.styles:
        for size in args.sizes:
            for stats in args.stats:
                cmd = [sys.executable, __file__, "--child", f"{style},{size},{stats},{args.tile}"]
                res = subprocess.run(
                    cmd, capture_output=True, text=True, env=os.environ, check=False
                )
                if res.returncode:
                    print(f"{style:<18} {size:>5} {stats:>5} failed: {res.stderr.strip()[-300:]}")
                    continue
                r = json.loads(res.stdout.strip().splitlines()[-1])
                print(
                    f"{style:<18} {size:>5} {stats:>5} {r['seconds']:>8.1f} "
                    f"{r['peak_rss_mb']:>11.0f} {r['rss_before_mb']:>9.0f} {r['progress_steps']:>5}",
                    flush=True,
                )


if __name__ == "__main__":
    main()

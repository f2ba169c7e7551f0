"""Benchmark print-size upscaling: ``python bench/ml_upscale.py [--quick]``.

Upscales a 1350x1800 photo to 5400x7200 (the 18x24 in poster at 300 DPI) with
``ml.sr.upscale_to`` and, for scale, with plain PIL bicubic and Lanczos
resampling. Every case runs in a fresh subprocess so its peak RSS
(``resource.getrusage(...).ru_maxrss``) is its own, imports included.
``--quick`` uses a 338x450 input (to 1352x1800) for a fast check.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
from PIL import Image
method, w, h, tw, th, tile = sys.argv[1], *map(int, sys.argv[2:7])
src = Path(sys.argv[7]) if len(sys.argv) > 7 else None
if src is not None and src.is_file():
    with Image.open(src) as im:
        img = im.convert("RGB").resize((w, h), Image.Resampling.LANCZOS)
else:  # no shared photos: a synthetic picture, timing barely depends on content
    img = Image.effect_mandelbrot((w, h), (-2.0, -1.5, 1.0, 1.5), 100).convert("RGB")
extra = {}
if method == "rdn":
    import ml.sr
    ml.sr.load_rdn()  # model load is once per worker process; time the upscale itself
    t0 = time.perf_counter()
    res = ml.sr.upscale_to(img, tw, th, tile=tile)
    out = res.image
    extra = {"effective_scale": res.effective_scale, "passes": res.passes}
else:
    resample = {"bicubic": Image.Resampling.BICUBIC, "lanczos": Image.Resampling.LANCZOS}[method]
    t0 = time.perf_counter()
    out = img.resize((tw, th), resample)
secs = time.perf_counter() - t0
assert out.size == (tw, th), out.size
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"method": method, "seconds": secs, "peak_rss_mib": peak, **extra}))
"""


def run_case(
    method: str, size: tuple[int, int], target: tuple[int, int], tile: int, src: Path | None
) -> dict:
    args = [sys.executable, "-c", CHILD, method, *map(str, (*size, *target, tile))]
    if src is not None:
        args.append(str(src))
    proc = subprocess.run(args, cwd=ROOT, check=True, capture_output=True, text=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--quick", action="store_true", help="338x450 -> 1352x1800 instead")
    p.add_argument("--tile", type=int, default=192)
    args = p.parse_args()
    size, target = ((338, 450), (1352, 1800)) if args.quick else ((1350, 1800), (5400, 7200))
    photos = sorted((SHARED / "data" / "photos" / "sun80").glob("*.jp*g"))
    src = photos[0] if photos else None
    out_mp = target[0] * target[1] / 1e6
    print(
        f"input {size[0]}x{size[1]} -> {target[0]}x{target[1]} ({out_mp:.1f} MP), tile {args.tile}"
    )
    print(f"{'method':<10} {'seconds':>9} {'out MP/s':>9} {'peak RSS MiB':>13}  notes")
    for method in ("bicubic", "lanczos", "rdn"):
        r = run_case(method, size, target, args.tile, src)
        notes = f"x{r['effective_scale']:g} in {r['passes']} pass(es)" if method == "rdn" else ""
        print(
            f"{method:<10} {r['seconds']:9.2f} {out_mp / r['seconds']:9.2f}"
            f" {r['peak_rss_mib']:13.0f}  {notes}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

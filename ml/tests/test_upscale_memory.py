"""Peak memory of tiled SR is bounded by the tile, not the image.

Each case runs in a fresh subprocess and reports its ru_maxrss high-water
mark after a warm-up on one tile (torch, MKL and allocator caches settled)
and after the measured pass; the difference is what the pass itself needed.
The torch CPU allocator cannot be traced with tracemalloc, so RSS is the
honest measure. A whole-image (untiled) pass of the larger size is measured
too, to show what tiling saves.
"""

import json
import subprocess
import sys

SCRIPT = r"""
import json, resource, sys
import numpy as np, torch
from ml.sr.rdn import RDN
from ml.sr.tiling import sr_pass
torch.set_num_threads(1)
torch.manual_seed(0)
side, tile = int(sys.argv[1]), int(sys.argv[2])
model = RDN(scale=2, G0=16, D=2, C=3, G=16).eval()
rss = lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
with torch.inference_mode():
    sr_pass(model, np.zeros((64, 64, 3), np.uint8), tile=64, overlap=8)
    lr = np.random.default_rng(0).integers(0, 256, (side, side, 3), dtype=np.uint8)
    before = rss()
    sr_pass(model, lr, tile=tile, overlap=8)
    print(json.dumps({"extra": rss() - before}))
"""


def _extra_peak(side: int, tile: int) -> int:
    procs = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(side), str(tile)],
        check=True, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    return json.loads(procs.stdout.strip().splitlines()[-1])["extra"]


def test_peak_memory_grows_far_less_than_the_image_area():
    small = _extra_peak(256, 64)
    large = _extra_peak(512, 64)  # 4x the area
    whole = _extra_peak(512, 512)
    mib = 1024 * 1024
    print(
        f"extra peak: tiled 256^2 {small / mib:.1f} MiB, tiled 512^2 {large / mib:.1f} MiB, whole 512^2 {whole / mib:.1f} MiB"
    )

    # The uint8 output grows 4x (0.75 -> 3 MiB); the tile's activations do not.
    assert large < 2.5 * small
    assert large - small < 8 * mib
    assert large < whole / 10

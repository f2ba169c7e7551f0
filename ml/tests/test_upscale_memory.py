"""Peak memory of tiled SR is bounded by the tile, not the image.

Each case runs in a fresh subprocess: after a warm-up on one tile (torch, MKL
and allocator caches settled) it resets the kernel's peak-RSS counter
(``/proc/self/clear_refs``), runs the measured pass and reads the new peak
(``VmHWM``); the difference from the RSS before the pass is what the pass
itself needed.
The torch CPU allocator cannot be traced with tracemalloc, so RSS is the
honest measure. A whole-image (untiled) pass of the larger size is measured
too, to show what tiling saves.
"""

import json
import subprocess
import sys

SCRIPT = r"""
import json, re, sys
import numpy as np, torch
from ml.sr.rdn import RDN
from ml.sr.tiling import sr_pass
torch.set_num_threads(1)
torch.manual_seed(0)
side, tile = int(sys.argv[1]), int(sys.argv[2])
model = RDN(scale=2, G0=16, D=2, C=3, G=16).eval()
def status(field):
    text = open("/proc/self/status").read()
    return int(re.search(field + r":\s+(\d+) kB", text).group(1)) * 1024
with torch.inference_mode():
    sr_pass(model, np.zeros((64, 64, 3), np.uint8), tile=64, overlap=8)
    lr = np.random.default_rng(0).integers(0, 256, (side, side, 3), dtype=np.uint8)
    before = status("VmRSS")
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # reset VmHWM to the current RSS
    sr_pass(model, lr, tile=tile, overlap=8)
    print(json.dumps({"extra": status("VmHWM") - before}))
"""


def _extra_peaks(cases: list[tuple[int, int]]) -> list[int]:
    """Run each (side, tile) case in its own fresh interpreter (in parallel); extra peak bytes."""
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", SCRIPT, str(side), str(tile)], stdout=subprocess.PIPE, text=True
        )
        for side, tile in cases
    ]
    peaks = []
    for proc in procs:
        out, _ = proc.communicate(timeout=120)
        assert proc.returncode == 0
        peaks.append(json.loads(out.strip().splitlines()[-1])["extra"])
    return peaks


def test_peak_memory_grows_far_less_than_the_image_area():
    small, large, whole = _extra_peaks([(256, 64), (512, 64), (512, 512)])  # 512^2 = 4x the area
    mib = 1024 * 1024
    print(
        f"extra peak: tiled 256^2 {small / mib:.1f} MiB, tiled 512^2 {large / mib:.1f} MiB,"
        f" whole 512^2 {whole / mib:.1f} MiB"
    )

    # Only the uint8 output (0.75 -> 3 MiB), the input and the one-row band grow with the
    # image; a whole-image pass needs ~300 MiB of activations at this size.
    assert large - small < 8 * mib
    assert large < whole / 10

"""Benchmark the 18 x 24 in poster print file: ``python bench/print_pdf.py [--quick]``.

A styled 1350x1800 image (a shared photo run through the built-in retro-cel
style) goes through the print pipeline's own functions, each phase in a fresh
subprocess so its peak RSS (``VmHWM`` of that process) is its own:

1. upscale: ``ml.sr.upscale_to`` (RDN, shipped weights) to the image's size on
   the poster's print canvas (bleed box at 300 DPI), as ``printing.pipeline.upscale_line``;
2. pdf: compose onto the canvas with bleed, write the PDF (reportlab +
   pikepdf output intent), preflight it, as ``printing.pipeline.write_line_pdf``.

Prints seconds per step, peak RSS per phase and the PDF's size. ``--quick``
uses a 338x450 image and a 4.5 x 6 in card for a fast check.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"

POSTER = {
    "name": "Poster 18 x 24 in",
    "trim_width_mm": "457.20",
    "trim_height_mm": "609.60",
    "bleed_mm": "3.18",
    "safe_margin_mm": "6.35",
    "min_dpi": 300,
}
CARD = {**POSTER, "name": "Card 4.5 x 6 in", "trim_width_mm": "114.30", "trim_height_mm": "152.40"}

CHILD = r"""
import json, os, resource, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")
import django
django.setup()
from PIL import Image
phase, spec_json, src, work = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
from printing.compose import Placement, compose, upscale_target
from orders.snapshots import SpecSnapshot
spec, placement = SpecSnapshot.from_json(json.loads(spec_json)), Placement()
out = {"phase": phase}
if phase == "upscale":
    from printing.pipeline import upscaler_weights
    from ml.sr import load_rdn, upscale_to
    with Image.open(src) as im:
        styled = im.convert("RGB")
    target = upscale_target(styled.size, spec, placement)
    model = load_rdn(upscaler_weights())  # loaded once per worker process; not timed
    t0 = time.perf_counter()
    res = upscale_to(styled, *target, model=model)
    out["upscale_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    res.image.save(os.path.join(work, "upscaled.png"), "PNG", compress_level=1)
    out["store_png_s"] = time.perf_counter() - t0
    out.update(target=list(target), passes=res.passes, effective_scale=res.effective_scale,
               png_bytes=os.path.getsize(os.path.join(work, "upscaled.png")))
else:
    from datetime import UTC, datetime
    from printing.pdf import TicketInfo, write_print_pdf
    from printing.preflight import preflight_pdf
    ticket = TicketInfo("BENCH00001", 1, 1, 1, "POSTER-18X24", "Poster", spec.name, "Retro cel", 1,
                        ("Ann Smith", "1 Main Street", "12345 Springfield", "US"), "Bench prints",
                        datetime(2025, 1, 1, tzinfo=UTC))
    t0 = time.perf_counter()
    with Image.open(os.path.join(work, "upscaled.png")) as im:
        upscaled = im.convert("RGB")
    out["load_png_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    canvas = compose(upscaled, spec, placement)
    out["compose_s"] = time.perf_counter() - t0
    del upscaled
    t0 = time.perf_counter()
    data = write_print_pdf(canvas, spec, ticket)
    out["write_pdf_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    result = preflight_pdf(data, spec)
    out["preflight_s"] = time.perf_counter() - t0
    assert result.passed, result.failures
    out.update(pdf_bytes=len(data), canvas=list(canvas.size), image_ppi=list(result.image_ppi))
# VmHWM: this process image's own peak (ru_maxrss would include the parent's peak before exec).
hwm = [l for l in open("/proc/self/status") if l.startswith("VmHWM:")]
out["peak_rss_mib"] = (int(hwm[0].split()[1]) if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) / 1024
print(json.dumps(out))
"""


def styled_source(size: tuple[int, int], path: Path) -> None:
    """A shared photo cropped to 3:4, resized, and run through the retro-cel style."""
    from PIL import Image, ImageOps

    photos = sorted((SHARED / "data" / "photos" / "sun80").glob("*.jp*g"))
    if photos:
        with Image.open(photos[0]) as im:
            img = ImageOps.fit(im.convert("RGB"), size, Image.Resampling.LANCZOS)
    else:
        img = Image.effect_mandelbrot(size, (-2.0, -1.5, 1.0, 1.5), 100).convert("RGB")
    import numpy as np
    import torch

    from ml.classical.retro_cel import RetroCelParams, retro_cel

    x = torch.from_numpy(np.array(img)).permute(2, 0, 1)[None].float() / 255
    with torch.inference_mode():
        y = retro_cel(x, RetroCelParams())
    styled = (y[0].permute(1, 2, 0).clamp(0, 1) * 255).round().byte().numpy()
    Image.fromarray(styled, "RGB").save(path, "PNG")


def run_phase(phase: str, spec: dict, src: Path, work: Path) -> dict:
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, phase, json.dumps(spec), str(src), str(work)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "LOG_LEVEL": "WARNING"},
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--quick", action="store_true", help="338x450 image, 4.5 x 6 in card")
    args = p.parse_args()
    size, spec = ((338, 450), CARD) if args.quick else ((1350, 1800), POSTER)
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory(prefix="bench-print-") as folder:
        work = Path(folder)
        src = work / "styled.png"
        styled_source(size, src)
        up = run_phase("upscale", spec, src, work)
        pdf = run_phase("pdf", spec, src, work)
    tw, th = up["target"]
    print(f"{spec['name']}: styled {size[0]}x{size[1]} -> placed {tw}x{th} -> canvas "
          f"{pdf['canvas'][0]}x{pdf['canvas'][1]} px at {pdf['image_ppi'][0]:.0f} ppi")  # fmt: skip
    print(f"{'phase':<8} {'step':<12} {'seconds':>8} {'peak RSS MiB':>13}")
    print(f"{'upscale':<8} {'rdn+resize':<12} {up['upscale_s']:8.1f} {up['peak_rss_mib']:13.0f}"
          f"  x{up['effective_scale']:g} RDN in {up['passes']} pass(es)")  # fmt: skip
    print(f"{'':<8} {'store png':<12} {up['store_png_s']:8.1f} {'':>13}  "
          f"{up['png_bytes'] / 2**20:.1f} MiB intermediate")  # fmt: skip
    print(f"{'pdf':<8} {'load png':<12} {pdf['load_png_s']:8.1f} {pdf['peak_rss_mib']:13.0f}")
    for step, key in (("compose", "compose_s"), ("write pdf", "write_pdf_s"), ("preflight", "preflight_s")):  # fmt: skip
        print(f"{'':<8} {step:<12} {pdf[key]:8.1f}")
    print(f"PDF file size: {pdf['pdf_bytes'] / 2**20:.1f} MiB ({pdf['pdf_bytes']} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

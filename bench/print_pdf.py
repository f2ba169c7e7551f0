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

``--from-original [PHOTO]`` runs the print path as ``printing.pipeline`` does since
issue 12: the photo (default: a shared photo enlarged to a 12-megapixel 3024x4032 JPEG;
or e.g. ``../shared/data/photos/sun80/beach_sun_bgtlposotyokcsdg.jpg``) is cropped to the
poster's aspect, the retro-cel style re-runs on that crop at the pixels the print needs
(``styling.placement.print_render``, 150 min / 300 recommended DPI) and is composed at
the placed size (issue 19: ``CelStylizer.render_print``, no RDN), then compose + PDF +
preflight. ``--raster`` runs the path before issue 19 instead: the style at that size,
then RDN for the remaining factor (``printing.pipeline.enlarge``). Prints the tier,
seconds per step, peak RSS per phase and the PDF's image ppi.
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
POSTER_TIERS = {**POSTER, "min_dpi": 150, "recommended_dpi": 300}
CARD = {**POSTER, "name": "Card 4.5 x 6 in", "trim_width_mm": "114.30", "trim_height_mm": "152.40"}

# The PDF phase and the peak-RSS report, shared by both child scripts (indented for their
# final ``else:`` branch).
PDF_PHASE = r"""
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
    canvas = compose_print_canvas(upscaled, spec, placement)
    out["compose_s"] = time.perf_counter() - t0
    del upscaled
    t0 = time.perf_counter()
    data = write_print_pdf(canvas, spec, ticket)
    out["write_pdf_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    result = preflight_pdf(data, spec)
    out["preflight_s"] = time.perf_counter() - t0
    assert result.passed, result.failures
    with open(os.path.join(work, "print.pdf"), "wb") as fh:
        fh.write(data)
    out.update(pdf_bytes=len(data), canvas=list(canvas.size), image_ppi=list(result.image_ppi))
"""

PEAK_RSS = r"""
# VmHWM: this process image's own peak (ru_maxrss would include the parent's peak before exec).
hwm = [l for l in open("/proc/self/status") if l.startswith("VmHWM:")]
out["peak_rss_mib"] = (int(hwm[0].split()[1]) if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) / 1024
print(json.dumps(out))
"""

CHILD = (
    r"""
import json, os, resource, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")
import django
django.setup()
from PIL import Image
phase, spec_json, src, work = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
from printing.compose import Placement, compose_print_canvas, upscale_target
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
else:"""
    + PDF_PHASE
    + PEAK_RSS
)


ORIGINAL_CHILD = (
    r"""
import json, os, resource, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")
import django
django.setup()
import torch
from dataclasses import replace
from django.conf import settings
from PIL import Image, ImageOps
phase, spec_json, src, work = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
from orders.snapshots import SpecSnapshot
from printing.compose import Placement, compose_print_canvas, upscale_target
from styling.placement import print_render, quality_tier
spec, placement = SpecSnapshot.from_json(json.loads(spec_json)), Placement()
sr = settings.STYLING_MAX_SR_SCALE
out = {"phase": phase, "torch_threads": torch.get_num_threads()}
with Image.open(src) as im:
    size = im.size
# The crop the editor locks to the poster's aspect (bleed box), centred.
bw, bh = float(spec.bleed_width_mm), float(spec.bleed_height_mm)
w, h = size
cw, ch = (w, round(w * bh / bw)) if w * bh / bw <= h else (round(h * bw / bh), h)
crop_box = ((w - cw) // 2, (h - ch) // 2, (w - cw) // 2 + cw, (h - ch) // 2 + ch)
plan = print_render((cw, ch), spec, placement, target_dpi=spec.recommended_dpi, max_sr_scale=sr,
                    max_style_pixels=settings.PRINT_STYLE_MAX_PIXELS)
spec = replace(spec, render_dpi=max(plan.dpi, spec.min_dpi))
out.update(source=list(size), crop=[cw, ch], dpi=plan.dpi, style_px=list(plan.style_px),
           tier=str(quality_tier(plan.dpi, spec.min_dpi, spec.recommended_dpi)))
if phase == "render":
    from ml.sr import load_rdn
    from ml.styles import StyleSpec, load_style
    from printing.pipeline import enlarge, upscaler_weights
    stylizer = load_style(StyleSpec(kind="classical", builtin=os.environ["BENCH_STYLE"]))
    model = load_rdn(upscaler_weights())  # loaded once per worker process; not timed
    t0 = time.perf_counter()
    with Image.open(src) as im:
        photo = ImageOps.exif_transpose(im).convert("RGB").crop(crop_box)
    if photo.size != plan.style_px:
        photo = photo.resize(plan.style_px, Image.Resampling.LANCZOS)
    out["load_crop_s"] = time.perf_counter() - t0
    target = upscale_target(plan.style_px, spec, placement)
    if os.environ.get("BENCH_RASTER") == "1":  # the path before issue 19: enlarge the raster
        t0 = time.perf_counter()
        styled = stylizer(photo, strength=1.0, size=max(photo.size))
        out["style_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        res = enlarge(styled, target, model=model)
        out["sr_s"] = time.perf_counter() - t0
        image, passes, scale = res.image, res.passes, res.effective_scale
        del styled
    else:  # cel styles since issue 19: analysed at style_px, composed at the placed size
        t0 = time.perf_counter()
        image = stylizer.render_print(photo, target)
        out["style_s"], out["sr_s"], passes, scale = time.perf_counter() - t0, 0.0, 0, 1.0
    del photo
    t0 = time.perf_counter()
    image.save(os.path.join(work, "upscaled.png"), "PNG", compress_level=1)
    out["store_png_s"] = time.perf_counter() - t0
    out.update(target=list(target), passes=passes, effective_scale=scale,
               sr_min_factor=settings.PRINT_SR_MIN_FACTOR,
               factor_left=max(target[0] / plan.style_px[0], target[1] / plan.style_px[1]))
else:"""
    + PDF_PHASE
    + PEAK_RSS
)


def twelve_megapixel_photo(path: Path) -> None:
    """A shared photo enlarged (Lanczos) to a 3024x4032 JPEG: a 12-MP phone photo's size."""
    from PIL import Image, ImageOps

    photos = sorted((SHARED / "data" / "photos" / "sun80").glob("*.jp*g"))
    with Image.open(photos[0]) as im:
        img = ImageOps.fit(im.convert("RGB"), (3024, 4032), Image.Resampling.LANCZOS)
    img.save(path, "JPEG", quality=92)


def from_original(
    photo: str | None, keep: Path | None, raster: bool = False, style: str = "retro-cel"
) -> int:
    """The ``--from-original`` benchmark (see the module docstring)."""
    os.environ["BENCH_STYLE"] = style
    if raster:
        os.environ["BENCH_RASTER"] = "1"
    spec = {**POSTER_TIERS, "trim_width_mm": "457.20", "trim_height_mm": "609.60"}
    with tempfile.TemporaryDirectory(prefix="bench-print-orig-") as folder:
        work = Path(folder)
        src = Path(photo) if photo else work / "photo-12mp.jpg"
        if not photo:
            twelve_megapixel_photo(src)
        render = run_child(ORIGINAL_CHILD, "render", spec, src, work)
        pdf = run_child(ORIGINAL_CHILD, "pdf", spec, src, work)
        if keep is not None:
            keep.write_bytes((work / "print.pdf").read_bytes())
    sw, sh = render["source"]
    tw, th = render["target"]
    sr_how = (
        f"RDN x{render['effective_scale']:g} + Lanczos"
        if render["passes"]
        else "Lanczos only"
        if raster
        else "composed at print size"
    )
    print(f"{style}, {spec['name']} from {Path(src).name} ({sw}x{sh}, crop {render['crop'][0]}x"
          f"{render['crop'][1]}): {render['dpi']} DPI, tier {render['tier']} "
          f"(min {spec['min_dpi']}, recommended {spec['recommended_dpi']})")  # fmt: skip
    print(f"style at {render['style_px'][0]}x{render['style_px'][1]} -> placed {tw}x{th} "
          f"(x{render['factor_left']:.2f} left: {sr_how}, "
          f"PRINT_SR_MIN_FACTOR {render['sr_min_factor']:g}) -> canvas "
          f"{pdf['canvas'][0]}x{pdf['canvas'][1]} px; PDF image {pdf['image_ppi'][0]:.1f} x "
          f"{pdf['image_ppi'][1]:.1f} ppi; torch threads {render['torch_threads']}")  # fmt: skip
    print(f"{'phase':<8} {'step':<12} {'seconds':>8} {'peak RSS MiB':>13}")
    print(
        f"{'render':<8} {'load+crop':<12} {render['load_crop_s']:8.1f} {render['peak_rss_mib']:13.0f}"
    )
    for step, key in (("style", "style_s"), ("sr+resize", "sr_s"), ("store png", "store_png_s")):
        print(f"{'':<8} {step:<12} {render[key]:8.1f}")
    print(f"{'pdf':<8} {'load png':<12} {pdf['load_png_s']:8.1f} {pdf['peak_rss_mib']:13.0f}")
    for step, key in (("compose", "compose_s"), ("write pdf", "write_pdf_s"), ("preflight", "preflight_s")):  # fmt: skip
        print(f"{'':<8} {step:<12} {pdf[key]:8.1f}")
    print(f"PDF file size: {pdf['pdf_bytes'] / 2**20:.1f} MiB ({pdf['pdf_bytes']} bytes)")
    return 0


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


def run_child(script: str, phase: str, spec: dict, src: Path, work: Path) -> dict:
    """Run one phase of ``script`` in a fresh interpreter (its own peak RSS); its JSON line."""
    proc = subprocess.run(
        [sys.executable, "-c", script, phase, json.dumps(spec), str(src), str(work)],
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
    p.add_argument(
        "--from-original",
        nargs="?",
        const="",
        metavar="PHOTO",
        help="render from an original photo (default: a 12-MP enlargement of a shared photo)",
    )
    p.add_argument("--keep-pdf", type=Path, help="with --from-original: copy the PDF here")
    p.add_argument(
        "--raster",
        action="store_true",
        help="with --from-original: the path before issue 19 (the style's raster + RDN)",
    )
    p.add_argument(
        "--style",
        choices=["retro-cel", "anime-cel"],
        default="retro-cel",
        help="with --from-original: the built-in style (default retro-cel)",
    )
    args = p.parse_args()
    if args.from_original is not None:
        sys.path.insert(0, str(ROOT))
        return from_original(args.from_original or None, args.keep_pdf, args.raster, args.style)
    size, spec = ((338, 450), CARD) if args.quick else ((1350, 1800), POSTER)
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory(prefix="bench-print-") as folder:
        work = Path(folder)
        src = work / "styled.png"
        styled_source(size, src)
        up = run_child(CHILD, "upscale", spec, src, work)
        pdf = run_child(CHILD, "pdf", spec, src, work)
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

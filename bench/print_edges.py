"""Issue 19's disc card through both print paths: ``python bench/print_edges.py [--path old|new]``.

The disc card (``ml.edge_metrics``, 800 x 1064 px) styled with retro-cel on the 18 x 24 in
poster at 100 % (175 DPI, tier good), as ``printing.pipeline`` would:

* ``old``: retro-cel at 800 px, then ``printing.pipeline.enlarge`` (RDN x4 + Lanczos) to
  the placed size: the path before issue 19;
* ``new``: ``RetroCelStylizer.render_print``: the 800 px analysis composed at the placed size
  (``ml.classical.print_edges``).

Each then goes through compose, PDF, preflight; every disc is rendered from the PDF with
``pdftoppm -r 300`` and its edge measured (RMS from the fitted circle, longest stair tread,
in 300 DPI pixels). Prints seconds per step and the PDF's size. ``--keep DIR`` keeps the
PDFs and the 300 DPI crops.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DPI = 300
POSTER = {
    "name": "Poster 18 x 24 in",
    "trim_width_mm": "457.20",
    "trim_height_mm": "609.60",
    "bleed_mm": "3.18",
    "safe_margin_mm": "6.35",
    "min_dpi": 150,
    "recommended_dpi": 300,
}


def run(path: str, keep: Path | None) -> dict:
    """One path, end to end; returns its figures."""
    from dataclasses import replace
    from datetime import UTC, datetime

    import numpy as np
    from django.conf import settings

    from ml.classical.stylizer import RetroCelStylizer
    from ml.device import pick_device
    from ml.edge_metrics import CARD_SIZE, DISCS, disc_card, measure_disc
    from orders.snapshots import SpecSnapshot
    from printing.compose import Placement, compose_print_canvas, upscale_target
    from printing.pdf import TicketInfo, write_print_pdf
    from printing.pipeline import enlarge, upscaler_weights
    from printing.preflight import preflight_pdf
    from printing.tests import poppler
    from styling.placement import image_rect_mm, print_render

    spec, placement = SpecSnapshot.from_json(POSTER), Placement()
    plan = print_render(CARD_SIZE, spec, placement, target_dpi=300,
                        max_sr_scale=settings.STYLING_MAX_SR_SCALE)  # fmt: skip
    spec = replace(spec, render_dpi=max(plan.dpi, spec.min_dpi))
    target = upscale_target(plan.style_px, spec, placement)
    card = disc_card()
    stylizer = RetroCelStylizer(pick_device(), {})
    out: dict = {"path": path, "dpi": plan.dpi, "target": list(target)}
    t0 = time.perf_counter()
    if path == "old":
        from ml.sr import load_rdn

        model = load_rdn(upscaler_weights())
        t0 = time.perf_counter()
        styled = stylizer(card, size=max(card.size))
        out["style_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        placed = enlarge(styled, target, model=model).image
        out["enlarge_s"] = time.perf_counter() - t0
    else:
        placed = stylizer.render_print(card, target)
        out["style_and_compose_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    canvas = compose_print_canvas(placed, spec, placement)
    del placed
    ticket = TicketInfo("BENCH00001", 1, 1, 1, "POSTER-18X24", "Poster", spec.name, "Retro cel",
                        1, ("Ann Smith", "1 Main Street", "12345 Springfield", "US"),
                        "Bench prints", datetime(2025, 1, 1, tzinfo=UTC))  # fmt: skip
    data = write_print_pdf(canvas, spec, ticket)
    out["pdf_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    result = preflight_pdf(data, spec)
    out["preflight_s"] = time.perf_counter() - t0
    out.update(preflight=result.passed, pdf_bytes=len(data), pages=poppler.pdf_info(data)["Pages"])
    boxes = poppler.pdf_boxes(data)
    media, bleed = boxes["MediaBox"], boxes["BleedBox"]
    left, top = (bleed[0] - media[0]) / 72 * DPI, (media[3] - bleed[3]) / 72 * DPI
    rect = image_rect_mm(CARD_SIZE, spec, placement)
    k = rect.w / CARD_SIZE[0] / 25.4 * DPI
    discs = []
    for i, d in enumerate(DISCS):
        cx = left + rect.x / 25.4 * DPI + d.cx * k
        cy = top + rect.y / 25.4 * DPI + d.cy * k
        r = d.r * k
        box = (round(cx - 1.25 * r), round(cy - 1.25 * r), round(2.5 * r), round(2.5 * r))
        crop = poppler.render_region(data, box, dpi=DPI)
        s = measure_disc(np.asarray(crop), cx - box[0], cy - box[1], r)
        discs.append({"r": round(r, 1), "rms": s.rms, "tread": s.longest_step, "fit_r": s.r})
        if keep is not None:
            crop.save(keep / f"disc{i}-{path}-r300.png")
    if keep is not None:
        (keep / f"discs-{path}.pdf").write_bytes(data)
    out["discs"] = discs
    return out


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--path", choices=["old", "new", "both"], default="both")
    p.add_argument("--keep", type=Path)
    args = p.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
    paths = ["old", "new"] if args.path == "both" else [args.path]
    for path in paths:
        r = run(path, args.keep)
        steps = {k: v for k, v in r.items() if k.endswith("_s")}
        print(f"[{path}] 18 x 24 in poster, {r['dpi']} DPI, placed {r['target'][0]}x"
              f"{r['target'][1]} px; " + ", ".join(f"{k[:-2]} {v:.1f} s" for k, v in steps.items()))  # fmt: skip
        print(f"[{path}] PDF {r['pdf_bytes'] / 2**20:.1f} MiB ({r['pdf_bytes']} bytes), "
              f"{r['pages']} pages, preflight {'passed' if r['preflight'] else 'FAILED'}")  # fmt: skip
        for d in r["discs"]:
            print(f"[{path}] disc r {d['r']:7.1f} px @300dpi: RMS {d['rms']:.2f} px, "
                  f"longest tread {d['tread']:.1f} px (fitted r {d['fit_r']:.1f})")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

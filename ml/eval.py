"""Evaluate RDN on an SR benchmark: ``python -m ml.eval rdn --data DIR --scale 4 [--weights W]``.

Standard protocol: HR cropped to a multiple of the scale, LR made with the
same PIL bicubic as training (``ml.sr.data.bicubic_downscale``), PSNR and
SSIM on Y (BT.601, [16, 235]) with ``scale`` pixels shaved from each border.
Bicubic upscaling of the same LR (PIL BICUBIC) is measured alongside.
(``python -m ml.eval style ...`` scores a style student instead; see ``ml.eval_style``.)
Published bicubic figures (28.42 dB on Set5 x4) use MATLAB's imresize, whose
bicubic differs slightly from PIL's; compare model and bicubic from this
script with each other, and with papers only loosely.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from ml.metrics import psnr_y, ssim_y
from ml.sr.data import bicubic_downscale, list_images, mod_crop
from ml.sr.tiling import sr_pass
from ml.sr.upscale import DEFAULT_OVERLAP, DEFAULT_TILE, _resolve, load_rdn


@dataclass(frozen=True)
class Score:
    name: str
    psnr_bicubic: float
    ssim_bicubic: float
    psnr_model: float
    ssim_model: float


def evaluate_image(
    model: torch.nn.Module, hr: Image.Image, scale: int, tile: int = DEFAULT_TILE, name: str = ""
) -> Score:
    """Score one HR image (protocol in the module docstring). ``model`` is on its device."""
    hr = mod_crop(hr.convert("RGB"), scale)
    lr = bicubic_downscale(hr, scale)
    bicubic = lr.resize(hr.size, Image.Resampling.BICUBIC)
    with torch.inference_mode():
        sr = sr_pass(model, np.asarray(lr), tile=tile, overlap=DEFAULT_OVERLAP)
    return Score(
        name,
        psnr_y(hr, bicubic, scale),
        ssim_y(hr, bicubic, scale),
        psnr_y(hr, sr, scale),
        ssim_y(hr, sr, scale),
    )


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["style"]:
        from ml.eval_style import main as eval_style

        return eval_style(argv[1:])
    p = argparse.ArgumentParser(prog="python -m ml.eval", description=__doc__)
    p.add_argument("arch", choices=["rdn"])
    p.add_argument("--data", type=Path, required=True, help="folder of HR benchmark images")
    p.add_argument("--scale", type=int, default=4)
    p.add_argument("--weights", type=Path, default=None, help="default: the shipped weights")
    p.add_argument("--tile", type=int, default=DEFAULT_TILE)
    p.add_argument("--device", default=None)
    args = p.parse_args(argv)

    model = load_rdn(args.weights)
    if model.scale != args.scale:
        raise SystemExit(f"The weights are x{model.scale}, not x{args.scale}")
    net, _ = _resolve(model, args.device)
    files = list_images([args.data])
    if not files:
        raise SystemExit(f"No images in {args.data}")
    print(f"{'image':<12} {'bicubic PSNR/SSIM':>20} {'model PSNR/SSIM':>20}")
    scores = []
    for path in files:
        with Image.open(path) as im:
            s = evaluate_image(net, im, args.scale, args.tile, path.stem)
        scores.append(s)
        print(
            f"{s.name:<12} {s.psnr_bicubic:11.2f} / {s.ssim_bicubic:.4f}"
            f" {s.psnr_model:11.2f} / {s.ssim_model:.4f}"
        )
    mean = lambda attr: float(np.mean([getattr(s, attr) for s in scores]))  # noqa: E731
    print(
        f"{'mean':<12} {mean('psnr_bicubic'):11.2f} / {mean('ssim_bicubic'):.4f}"
        f" {mean('psnr_model'):11.2f} / {mean('ssim_model'):.4f}"
    )
    print(f"mean_ssim_y bicubic={mean('ssim_bicubic'):.4f} model={mean('ssim_model'):.4f}")
    print(f"mean_psnr_y bicubic={mean('psnr_bicubic'):.2f} model={mean('psnr_model'):.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Command line for developers and admins: stylize a file, show the setup, render a contact sheet.

    python -m ml stylize IN -o OUT (--style retro-cel | --arch A --weights F | --reference IMG)
                         [--strength S] [--size N] [--preserve-color] [--palette-from STILL]
    python -m ml info
    python -m ml sheet -o OUT.png [--photos DIR] [--count N] [--size N] [--weights ARCH=FILE]
    python -m ml palette IMAGES... [--csv OUT.csv] [--pooled]

Bad input gives one line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import logging
import platform
import sys
from pathlib import Path

log = logging.getLogger("ml.cli")

SHARED_PHOTOS = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "photos"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m ml", description="Retrocel styling engine")
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("stylize", help="stylize one image")
    s.add_argument("input")
    s.add_argument("-o", "--output", required=True)
    which = s.add_mutually_exclusive_group(required=True)
    which.add_argument("--style", help="built-in style name, e.g. retro-cel")
    which.add_argument("--weights", help="generator state-dict file (with --arch)")
    which.add_argument("--reference", help="reference picture for an arbitrary style")
    s.add_argument("--arch", help="architecture of --weights")
    s.add_argument("--strength", type=float, default=1.0)
    s.add_argument("--size", type=int, default=1024)
    s.add_argument("--preserve-color", action="store_true")
    s.add_argument(
        "--palette-from", help="a still whose 18-colour palette paints a classical style"
    )
    s.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="style parameter, e.g. palette_size=10 (repeatable)",
    )
    sub.add_parser("info", help="device, versions and built-in styles")
    sh = sub.add_parser("sheet", help="contact sheet of every available style on sample photos")
    sh.add_argument("-o", "--output", required=True)
    sh.add_argument("--photos", default=str(SHARED_PHOTOS))
    sh.add_argument("--count", type=int, default=7)
    sh.add_argument("--size", type=int, default=384)
    sh.add_argument(
        "--weights",
        action="append",
        default=[],
        metavar="ARCH=FILE",
        help="also render a GAN style (repeatable)",
    )
    pa = sub.add_parser("palette", help="18-colour palette (3x2 regions x 3 k-means colours)")
    pa.add_argument("images", nargs="+")
    pa.add_argument("--csv", help="write the rows here (default: standard output)")
    pa.add_argument(
        "--pooled", action="store_true", help="one palette for the whole set, image column '*'"
    )
    return p


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = _parser().parse_args(argv)
    from ml.imageio import ImageRejected
    from ml.weights import WeightsRejected

    try:
        if args.command == "info":
            return _info()
        if args.command == "stylize":
            return _stylize(args)
        if args.command == "palette":
            return _palette(args)
        return _sheet(args)
    except (ImageRejected, WeightsRejected) as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    except (ValueError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _params(pairs: list[str]) -> dict[str, float]:
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise ValueError(f"--param needs KEY=VALUE, got {pair!r}")
        out[key] = float(value)
    return out


def _stylize(args: argparse.Namespace) -> int:
    from ml.imageio import open_image
    from ml.styles import StyleSpec, load_style

    params = _params(args.param)
    palette: tuple = ()
    if args.palette_from:
        from ml.palette import palette_of

        if not args.style:
            raise ValueError("--palette-from works with --style (classical styles) only")
        palette = tuple(c.rgb for c in palette_of(open_image(args.palette_from).image))
    if args.style:
        spec = StyleSpec(kind="classical", builtin=args.style, params=params, palette=palette)
    elif args.weights:
        if not args.arch:
            raise ValueError("--weights needs --arch")
        spec = StyleSpec(kind="gan", architecture=args.arch, weights=args.weights, params=params)
    else:
        open_image(args.reference)  # a readable error for a bad reference picture
        spec = StyleSpec(kind="reference", reference=args.reference, params=params)
    photo = open_image(args.input).image
    out = load_style(spec)(
        photo, strength=args.strength, size=args.size, preserve_color=args.preserve_color
    )
    out.save(args.output)
    print(f"wrote {args.output} ({out.width}x{out.height})")
    return 0


def _info() -> int:
    import numpy
    import PIL
    import torch

    from ml.archs import ARCHITECTURES
    from ml.device import pick_device
    from ml.styles import BUILTIN_STYLES

    dev = pick_device()
    print(f"device: {dev.device} ({dev.dtype}), torch threads {torch.get_num_threads()}")
    print(
        f"python {platform.python_version()}, torch {torch.__version__}, "
        f"numpy {numpy.__version__}, pillow {PIL.__version__}"
    )
    try:
        import onnxruntime

        from ml.reference import model_dir

        ok = (model_dir() / "arbitrary_transform.onnx").is_file()
        print(
            f"onnxruntime {onnxruntime.__version__}; reference styles "
            f"{'available' if ok else 'unavailable'}"
        )
    except Exception as exc:  # report, do not fail: info is a diagnostic
        print(f"reference styles unavailable: {exc}")
    print("built-in styles: " + ", ".join(BUILTIN_STYLES))
    print("architectures: " + ", ".join(ARCHITECTURES))
    return 0


def _palette(args: argparse.Namespace) -> int:
    from ml.imageio import open_image
    from ml.palette import csv_rows, palette_of, write_csv

    images = [(path, open_image(path).image) for path in args.images]
    if args.pooled:
        rows = csv_rows("*", palette_of([image for _, image in images]))
    else:
        rows = [row for path, image in images for row in csv_rows(path, palette_of(image))]
    if args.csv:
        with open(args.csv, "w", encoding="utf-8", newline="") as out:
            write_csv(out, rows)
        print(f"wrote {args.csv} ({len(rows)} colours from {len(images)} image(s))")
    else:
        write_csv(sys.stdout, rows)
    return 0


def _sheet(args: argparse.Namespace) -> int:
    from ml.sheet import render_sheet

    weights = [tuple(w.split("=", 1)) for w in args.weights]
    sheet = render_sheet(Path(args.photos), count=args.count, tile=args.size, weights=weights)
    sheet.save(args.output)
    print(f"wrote {args.output} ({sheet.width}x{sheet.height})")
    return 0

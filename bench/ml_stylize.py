"""Benchmark the styling engine (prints figures; not a test).

For each architecture (random weights), each built-in style and our shipped
generator ``retrocel-anime-v1`` (as the shop runs it: in bfloat16 on a CPU that
has it, see ``ml.device.cpu_bf16_wanted``; and again in float32): median/min/max
ms per image at 512 and 1024 px long side after warm-up, and peak RSS. With
CUDA: images/s at batch 1 and batch 4 in half precision. Then the same
AnimeGANv2 network timed the plain way (float32, eval, ``no_grad``, NCHW)
against our path, for the speed-up ratio printed on the last line:

    speedup_vs_plain=<ratio> animeganv2_1024_ms=<ms>

Then, for each built-in (classical) style, ink specks per megapixel at 1024 px
(:mod:`ml.specks`; all small fragments, and the loose ones that are not the
end of a larger dark shape) on the shared sheet photos, and anime-cel's time and peak
RSS at a 4000 px long side (the print path), measured in a fresh subprocess.

Run niced on shared machines:  nice python bench/ml_stylize.py [--quick] [--classical-only]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch
from PIL import Image

from ml.archs import ARCHITECTURES, build_architecture
from ml.device import DeviceInfo, configure_cpu_threads, pick_device
from ml.gan import prepare_for_inference, run_generator
from ml.sheet import SHARED_PHOTOS, SHEET_PHOTOS
from ml.specks import at_reference_size, loose_specks_per_megapixel, specks_per_megapixel
from ml.styles import BUILTIN_STYLES, StyleSpec, load_style
from ml.testing.corpus import photo_like

BIG_RUN = """
import resource, sys, time
from PIL import Image
from ml.styles import StyleSpec, load_style
from ml.testing.corpus import photo_like
photo = Image.fromarray(photo_like(4000, 3000))
style = load_style(StyleSpec(kind="classical", builtin=sys.argv[1]))
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
t = time.perf_counter()
style(photo, size=4000)
ms = (time.perf_counter() - t) * 1000
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"{sys.argv[1]} 4000x3000: {ms:.0f} ms, peak RSS {peak:.0f} MB (before the call {before:.0f} MB)")
"""


def timed(fn, repeats: int, warmup: int = 1) -> list[float]:
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def shape_for(side: int) -> tuple[int, int]:
    return side, side * 3 // 4  # landscape 4:3, long side = side


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def row(name: str, side: int, ms: list[float]) -> None:
    print(
        f"{name:<22} {side:>5} {statistics.median(ms):>10.0f} {min(ms):>10.0f} {max(ms):>10.0f} "
        f"{rss_mb():>9.0f}"
    )


def shipped_student(sides: list[int], repeats: int) -> None:
    """Our trained generator ``retrocel-anime-v1`` through the GAN stylizer, as the shop runs it."""
    from ml.styles_weights import RETROCEL_ANIME_V1, RETROCEL_ANIME_V1_ARCH

    if not RETROCEL_ANIME_V1.is_file():
        print(f"retrocel-anime-v1: {RETROCEL_ANIME_V1} missing, skipped")
        return
    spec = StyleSpec(
        kind="gan", architecture=RETROCEL_ANIME_V1_ARCH, weights=str(RETROCEL_ANIME_V1)
    )
    for label, device in (
        ("retrocel-anime-v1", pick_device()),
        ("  ...float32 on cpu", DeviceInfo(torch.device("cpu"), torch.float32)),
    ):
        style = load_style(spec, device=device)
        for side in sides:
            photo = Image.fromarray(photo_like(*shape_for(side)))
            row(label, side, timed(lambda p=photo, s=side, st=style: st(p, size=s), repeats))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="fewer repeats")
    ap.add_argument("--sides", default="512,1024")
    ap.add_argument("--classical-only", action="store_true", help="skip the GAN architectures")
    args = ap.parse_args()
    repeats = 2 if args.quick else 5
    sides = [int(s) for s in args.sides.split(",")]
    torch.manual_seed(0)
    dev = pick_device()
    print(
        f"device {dev.device} {dev.dtype}, generators in {dev.net_dtype} "
        f"(RETROCEL_CPU_BF16), threads {configure_cpu_threads()}, torch {torch.__version__}"
    )
    print(
        f"{'style':<22} {'side':>5} {'median_ms':>10} {'min_ms':>10} {'max_ms':>10} {'peakRSS_MB':>9}"
    )
    for name, arch in ({} if args.classical_only else ARCHITECTURES).items():
        model = prepare_for_inference(build_architecture(name), dev)
        for side in sides:
            w, h = shape_for(side)
            x = torch.rand(1, 3, h, w, device=dev.device, dtype=dev.net_dtype)

            def ours(model=model, arch=arch, x=x):
                with torch.inference_mode():
                    run_generator(model, arch, x)

            row(name, side, timed(ours, repeats))
        if dev.is_cuda:
            for batch in (1, 4):
                xb = torch.rand(batch, 3, 768, 1024, device=dev.device, dtype=dev.net_dtype)

                def gpu(model=model, arch=arch, xb=xb):
                    with torch.inference_mode():
                        run_generator(model, arch, xb)
                    torch.cuda.synchronize()

                ms = statistics.median(timed(gpu, repeats, warmup=2))
                print(
                    f"{name:<22} cuda batch {batch}: {batch * 1000 / ms:.1f} images/s at 1024x768"
                )
        del model
    for name in BUILTIN_STYLES:
        style = load_style(StyleSpec(kind="classical", builtin=name))
        for side in sides:
            w, h = shape_for(side)
            photo = Image.fromarray(photo_like(w, h))
            row(
                name,
                side,
                timed(lambda style=style, photo=photo, side=side: style(photo, size=side), repeats),
            )

    specks()
    for name in BUILTIN_STYLES:
        big = subprocess.run(
            [sys.executable, "-c", BIG_RUN, name],
            cwd=Path(__file__).resolve().parents[1],
            capture_output=True,
            text=True,
        )
        failed = (big.stderr.strip().splitlines() or [f"exit status {big.returncode}"])[-1]
        print(big.stdout.strip() or f"{name} 4000x3000: failed: {failed}")
    if args.classical_only:
        return 0
    shipped_student(sides, repeats)

    # Plain reference path vs ours, same AnimeGANv2 network and weights, CPU float32, 1024 px.
    cpu = DeviceInfo(torch.device("cpu"), torch.float32)  # float32 against float32
    base = build_architecture("animeganv2").eval()
    plain = build_architecture("animeganv2").eval()
    plain.load_state_dict(base.state_dict())
    ours_model = prepare_for_inference(base, cpu)
    w, h = shape_for(1024)
    x = torch.rand(1, 3, h, w)

    def plain_fwd():
        with torch.no_grad():
            plain(x * 2 - 1)

    def ours_fwd():
        with torch.inference_mode():
            run_generator(ours_model, ARCHITECTURES["animeganv2"], x)

    with torch.no_grad():
        diff = (plain(x * 2 - 1) * 0.5 + 0.5).clamp(0, 1) - run_generator(
            ours_model, ARCHITECTURES["animeganv2"], x
        )
    ms_plain = statistics.median(timed(plain_fwd, repeats))
    ms_ours = statistics.median(timed(ours_fwd, repeats))
    print(
        f"animeganv2 1024 plain (NCHW, no_grad) {ms_plain:.0f} ms; ours (channels_last, "
        f"inference_mode) {ms_ours:.0f} ms; max |diff| {diff.abs().max().item():.2e}"
    )
    print(f"speedup_vs_plain={ms_plain / ms_ours:.2f} animeganv2_1024_ms={ms_ours:.0f}")
    return 0


def specks() -> None:
    """Ink specks per megapixel at 1024 px for each built-in style on the shared sheet photos."""
    photos = [SHARED_PHOTOS / p for p in SHEET_PHOTOS if (SHARED_PHOTOS / p).is_file()]
    if not photos:
        print("specks: shared photos not available")
        return
    print(f"ink specks per MP at 1024 px on {len(photos)} shared photos:")
    for name in BUILTIN_STYLES:
        style = load_style(StyleSpec(kind="classical", builtin=name))
        values, loose = [], []
        for path in photos:
            photo = at_reference_size(Image.open(path).convert("RGB"))
            out = style(photo, size=1024)
            values.append(specks_per_megapixel(out))
            loose.append(loose_specks_per_megapixel(out))
        each = " ".join(f"{v:.0f}" for v in values)
        print(f"{name:<22} specks_per_mp mean {statistics.mean(values):.0f} ({each})")
        each = " ".join(f"{v:.0f}" for v in loose)
        print(f"{name:<22} loose_specks_per_mp mean {statistics.mean(loose):.0f} ({each})")


if __name__ == "__main__":
    raise SystemExit(main())

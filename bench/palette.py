"""Benchmark colour analysis and palette-driven paint (prints figures; not a test).

1. ``ml.palette.palette_of`` per picture on the shared photos (median / max ms), which the
   worker adds to every styling job;
2. retro-cel and anime-cel at 1024 px with and without a palette (median ms of 3 runs),
   i.e. what mapping the paint onto a still's palette costs;
3. how close the paint lies to the palette (median Oklab distance to the nearest palette
   colour, ink excluded), with and without the palette.

Run niced on shared machines:  OMP_NUM_THREADS=1 nice python bench/palette.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch
from PIL import Image

from ml.color import pil_to_tensor, srgb_to_oklab
from ml.palette import palette_lab, palette_of
from ml.styles import StyleSpec, load_style

PHOTOS = Path(__file__).resolve().parents[2] / "shared" / "data" / "photos" / "sun80"
PHOTO = PHOTOS / "house_sun_bgjytsucreqesmlo.jpg"
STILL = PHOTOS / "desert_sand_sun_bgwdwaeuakbmuxeg.jpg"


def ms(fn, repeat: int = 3) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def distance(image: Image.Image, palette: list[tuple[int, int, int]]) -> float:
    lab = srgb_to_oklab(pil_to_tensor(image))[0].reshape(3, -1).T
    target = torch.from_numpy(palette_lab(palette)[0])
    return float(torch.cdist(lab, target).min(1).values[lab[:, 0] > 0.25].median())


def main() -> None:
    photos = sorted(PHOTOS.glob("*.jpg"))[:20]
    images = [Image.open(p).convert("RGB") for p in photos]
    palette_of(images[0])  # warm-up
    per = [ms(lambda im=im: palette_of(im), repeat=1) for im in images]
    print(
        f"palette_of: {len(images)} photos ({images[0].width}x{images[0].height} ...), "
        f"median {statistics.median(per):.1f} ms, max {max(per):.1f} ms"
    )
    photo = Image.open(PHOTO).convert("RGB")
    palette = [c.rgb for c in palette_of(Image.open(STILL).convert("RGB"))]
    for builtin in ("retro-cel", "anime-cel"):
        plain = load_style(StyleSpec(kind="classical", builtin=builtin))
        painted = load_style(StyleSpec(kind="classical", builtin=builtin, palette=palette))
        t_plain = ms(lambda s=plain: s(photo, size=1024))
        t_painted = ms(lambda s=painted: s(photo, size=1024))
        d_plain = distance(plain(photo, size=1024), palette)
        d_painted = distance(painted(photo, size=1024), palette)
        print(
            f"{builtin} 1024 px: {t_plain:.0f} ms plain, {t_painted:.0f} ms with palette; "
            f"median Oklab distance to the still's palette {d_plain:.3f} -> {d_painted:.3f}"
        )


if __name__ == "__main__":
    main()

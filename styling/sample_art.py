"""The fixed sample photos styles are previewed on, and the seeded reference picture.

All drawn by code: the public benchmark photos in ``../shared/data`` may not be
shipped or shown on the storefront, so the product carries its own small
photo-like scenes (soft gradients, depth blur, sensor noise) that exercise
what styles care about: skin and hair, foliage and sky, hard architectural
edges. ``python -m styling.sample_art`` redraws the committed PNGs.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

HERE = Path(__file__).resolve().parent
SAMPLE_DIR = HERE / "sample_photos"
REFERENCE_PICTURE = HERE / "seed_assets" / "reference-pop-waves.png"
SAMPLE_NAMES = ("portrait", "lakeside", "street")


def _finish(img: Image.Image, seed: int, grain: float = 6.0) -> Image.Image:
    rng = np.random.default_rng(seed)
    arr = np.asarray(img.filter(ImageFilter.GaussianBlur(0.8)), np.float64)
    arr += rng.normal(0, grain, arr.shape)
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "RGB")


def _vertical(size: tuple[int, int], top: tuple, bottom: tuple) -> Image.Image:
    w, h = size
    t = np.linspace(0, 1, h)[:, None, None]
    col = np.array(top, float) * (1 - t) + np.array(bottom, float) * t
    return Image.fromarray(np.repeat(col, w, axis=1).astype(np.uint8), "RGB")


def portrait(size: tuple[int, int] = (256, 320)) -> Image.Image:
    w, h = size
    img = _vertical(size, (120, 150, 170), (70, 90, 80))
    bokeh = Image.new("RGB", size, (0, 0, 0))
    d = ImageDraw.Draw(bokeh)
    rng = np.random.default_rng(4)
    for _ in range(14):
        x, y, r = rng.uniform(0, w), rng.uniform(0, h * 0.7), rng.uniform(8, 26)
        d.ellipse((x - r, y - r, x + r, y + r), fill=tuple(int(c) for c in rng.uniform(60, 140, 3)))
    img = Image.blend(img, Image.composite(bokeh, img, bokeh.convert("L")), 0.35)
    img = img.filter(ImageFilter.GaussianBlur(3))
    d = ImageDraw.Draw(img)
    cx = w * 0.5
    d.ellipse((cx - w * 0.42, h * 0.7, cx + w * 0.42, h * 1.25), fill=(180, 60, 55))  # shoulders
    d.rectangle((cx - w * 0.09, h * 0.5, cx + w * 0.09, h * 0.75), fill=(214, 160, 130))  # neck
    d.ellipse((cx - w * 0.25, h * 0.12, cx + w * 0.25, h * 0.38), fill=(48, 32, 26))  # hair
    d.ellipse((cx - w * 0.2, h * 0.18, cx + w * 0.2, h * 0.6), fill=(226, 176, 146))  # face
    d.chord(
        (cx - w * 0.23, h * 0.13, cx + w * 0.23, h * 0.42), 180, 360, fill=(48, 32, 26)
    )  # fringe
    for ex in (-0.08, 0.08):
        d.ellipse(
            (cx + w * ex - 7, h * 0.4 - 4, cx + w * ex + 7, h * 0.4 + 4), fill=(250, 250, 250)
        )
        d.ellipse(
            (cx + w * ex - 3.5, h * 0.4 - 3.5, cx + w * ex + 3.5, h * 0.4 + 3.5), fill=(60, 40, 30)
        )
    d.arc((cx - w * 0.07, h * 0.45, cx + w * 0.07, h * 0.53), 20, 160, fill=(150, 70, 70), width=3)
    d.ellipse((cx - w * 0.16, h * 0.46, cx - w * 0.1, h * 0.49), fill=(232, 150, 130))
    d.ellipse((cx + w * 0.1, h * 0.46, cx + w * 0.16, h * 0.49), fill=(232, 150, 130))
    shade = _vertical(size, (255, 255, 255), (200, 200, 210))
    return _finish(Image.blend(img, Image.composite(img, shade, Image.new("L", size, 200)), 0.2), 1)


def lakeside(size: tuple[int, int] = (320, 240)) -> Image.Image:
    w, h = size
    img = _vertical(size, (110, 160, 220), (230, 220, 200))
    d = ImageDraw.Draw(img)
    rng = np.random.default_rng(9)
    for _ in range(5):  # clouds
        x, y = rng.uniform(0, w), rng.uniform(10, h * 0.3)
        for k in range(4):
            r = rng.uniform(10, 22)
            d.ellipse(
                (x + k * 14 - r, y - r * 0.6, x + k * 14 + r, y + r * 0.6), fill=(245, 245, 250)
            )
    img = img.filter(ImageFilter.GaussianBlur(2))
    d = ImageDraw.Draw(img)
    ridge = (
        [(0, h * 0.5)]
        + [
            (x, h * (0.32 + 0.12 * np.sin(x / 37) + 0.05 * np.sin(x / 11)))
            for x in range(0, w + 8, 8)
        ]
        + [(w, h * 0.62), (0, h * 0.62)]
    )
    d.polygon(ridge, fill=(96, 110, 140))
    d.polygon(
        [(0, h * 0.55)]
        + [(x, h * (0.47 + 0.04 * np.sin(x / 19))) for x in range(0, w + 8, 8)]
        + [(w, h * 0.62), (0, h * 0.62)],
        fill=(52, 92, 62),
    )
    water = _vertical((w, h - int(h * 0.62)), (70, 120, 160), (30, 60, 90))
    img.paste(water, (0, int(h * 0.62)))
    reflection = img.crop((0, int(h * 0.3), w, int(h * 0.62))).transpose(Image.FLIP_TOP_BOTTOM)
    reflection = reflection.filter(ImageFilter.GaussianBlur(2)).resize((w, h - int(h * 0.62)))
    img.paste(Image.blend(img.crop((0, int(h * 0.62), w, h)), reflection, 0.35), (0, int(h * 0.62)))
    d = ImageDraw.Draw(img)
    for x in range(6, w, 23):  # pines on the near shore
        th = rng.uniform(30, 60)
        base = h * 0.64
        d.polygon([(x, base - th), (x - th * 0.22, base), (x + th * 0.22, base)], fill=(22, 58, 36))
    return _finish(img, 2)


def street(size: tuple[int, int] = (320, 240)) -> Image.Image:
    w, h = size
    img = _vertical(size, (250, 190, 140), (160, 170, 200))
    d = ImageDraw.Draw(img)
    rng = np.random.default_rng(12)
    x = 0
    while x < w:
        bw, bh = rng.uniform(40, 75), rng.uniform(h * 0.35, h * 0.8)
        colour = tuple(int(c) for c in rng.uniform(90, 200, 3))
        d.rectangle((x, h * 0.85 - bh, x + bw, h * 0.85), fill=colour, outline=(40, 40, 50))
        for wy in np.arange(h * 0.85 - bh + 8, h * 0.8, 16):
            for wx in np.arange(x + 6, x + bw - 10, 14):
                lit = rng.random() < 0.4
                d.rectangle((wx, wy, wx + 8, wy + 9), fill=(255, 222, 140) if lit else (60, 70, 90))
        x += bw + rng.uniform(2, 8)
    d.rectangle((0, h * 0.85, w, h), fill=(70, 70, 76))
    for lx in range(0, w, 40):
        d.rectangle((lx, h * 0.92, lx + 20, h * 0.93), fill=(230, 230, 220))
    d.ellipse((w * 0.1, h * 0.78, w * 0.3, h * 0.9), fill=(200, 40, 40))  # a red car
    d.rectangle((w * 0.08, h * 0.84, w * 0.34, h * 0.9), fill=(200, 40, 40))
    for cx in (w * 0.13, w * 0.29):
        d.ellipse((cx - 6, h * 0.87, cx + 6, h * 0.93), fill=(20, 20, 20))
    return _finish(img, 3)


def reference_pop_waves(size: tuple[int, int] = (384, 384)) -> Image.Image:
    """A flat poster of inked waves under a setting sun: the seeded reference style's picture.

    Drawn for what the arbitrary-style network picks up: it transfers a
    picture's palette and its stroke texture. Warm banded sky over cool teal
    water gives a warm/cool split (skin, brick and fur stay warm, shadows and
    water go cool) instead of the all-blue cast of a mostly-blue picture;
    thick dark outlines and halftone dots give crisp ink-and-print strokes.
    """
    w, h = size
    ink = (24, 22, 36)
    img = Image.new("RGB", size)
    d = ImageDraw.Draw(img)
    bands = [(255, 214, 102), (255, 170, 90), (246, 112, 110), (214, 76, 128), (120, 60, 140)]
    band_h = h * 0.5 / len(bands)
    for i, colour in enumerate(bands):
        d.rectangle((0, i * band_h, w, (i + 1) * band_h + 1), fill=colour)
    d.ellipse((w * 0.3, h * 0.2, w * 0.7, h * 0.6), fill=(255, 240, 170), outline=ink, width=4)
    for i in range(0, w, 10):  # halftone dots fading down the sky
        for j in range(0, int(h * 0.3), 10):
            r = 1 + 2.2 * (1 - j / (h * 0.3))
            d.ellipse((i - r, j - r, i + r, j + r), fill=(255, 250, 230))
    waves = [(38, 120, 130), (250, 236, 214), (22, 86, 110), (72, 160, 160), (16, 52, 80)]
    for row, colour in enumerate(waves):
        y = h * (0.5 + 0.1 * row)
        crest = [(x, y + 12 * np.sin(x / 20 + row * 1.7)) for x in range(0, w + 4, 4)]
        d.polygon([(0, h), *crest, (w, h)], fill=colour)
        d.line(crest, fill=ink, width=4)
        for cx in range(-10 + 17 * row % 40, w, 48):  # curling white crests
            cy = y + 12 * np.sin(cx / 20 + row * 1.7)
            d.arc((cx, cy - 12, cx + 26, cy + 12), 190, 330, fill=(255, 252, 240), width=3)
    return img


def sample_paths() -> dict[str, Path]:
    return {name: SAMPLE_DIR / f"{name}.png" for name in SAMPLE_NAMES}


def main() -> None:
    SAMPLE_DIR.mkdir(exist_ok=True)
    for name, draw in (("portrait", portrait), ("lakeside", lakeside), ("street", street)):
        draw().save(SAMPLE_DIR / f"{name}.png", optimize=True)
    REFERENCE_PICTURE.parent.mkdir(exist_ok=True)
    reference_pop_waves().save(REFERENCE_PICTURE, optimize=True)


if __name__ == "__main__":
    main()

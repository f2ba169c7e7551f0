"""The house sample design shown on every product before a shopper makes their own.

Drawn by code (a synthwave sunset in flat cel colours), so the storefront
never shows a picture we have no right to. Deterministic for a given size.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from PIL import Image, ImageDraw, ImageFilter


@lru_cache(maxsize=32)
def house_design(width: int, height: int) -> Image.Image:
    """A ``width`` x ``height`` RGB picture that reads well at any aspect ratio."""
    t = np.linspace(0, 1, height)[:, None, None]
    sky = np.array([54, 26, 92]) * (1 - t) + np.array([255, 134, 94]) * t
    img = Image.fromarray(np.repeat(sky, width, axis=1).astype(np.uint8), "RGB")
    draw = ImageDraw.Draw(img)
    unit = min(width, height)
    horizon = int(height * 0.62)
    # Striped sun.
    cx, cy, r = width / 2, horizon - unit * 0.22, unit * 0.3
    sun = Image.new("L", img.size, 0)
    ImageDraw.Draw(sun).ellipse((cx - r, cy - r, cx + r, cy + r), fill=255)
    stripes = ImageDraw.Draw(sun)
    for i in range(6):
        y = cy + r * (0.1 + i * 0.15)
        stripes.rectangle((0, y, width, y + r * 0.04 * (i + 1)), fill=0)
    img.paste(Image.new("RGB", img.size, (255, 214, 92)), mask=sun)
    line = max(2, unit // 160)
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=(44, 18, 60), width=line * 2)
    # Two mountain ranges.
    rng = np.random.default_rng(1990)
    for depth, colour in ((0.0, (120, 54, 140)), (0.08, (66, 28, 96))):
        pts = [(0, horizon)]
        for x in np.linspace(0, width, 9):
            pts.append((float(x), horizon - unit * (0.08 + 0.22 * rng.random()) + depth * unit))
        pts += [(width, horizon), (width, height), (0, height)]
        draw.polygon(pts, fill=colour)
    # Neon grid floor.
    draw.rectangle((0, horizon, width, height), fill=(30, 12, 54))
    for i in range(1, 12):
        y = horizon + (height - horizon) * (i / 11) ** 1.8
        draw.line((0, y, width, y), fill=(255, 80, 180), width=line)
    for i in range(-12, 13):
        draw.line(
            (cx + i * unit * 0.02, horizon, cx + i * unit * 0.25, height),
            fill=(255, 80, 180),
            width=line,
        )
    return img.filter(ImageFilter.SMOOTH)

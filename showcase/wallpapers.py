"""Wallpapers: the styled image cropped (centred, cover) and resized to a named screen size.

Pure Pillow: no Django. The styled image is at most ``STYLING_WORKING_SIZE`` on its long
side, so the larger presets are enlarged with Lanczos (the print path's RDN would cost
seconds of CPU per request, which a free download does not justify).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageOps


@dataclass(frozen=True)
class Preset:
    slug: str
    label: str
    width: int
    height: int


PRESETS: dict[str, Preset] = {
    p.slug: p
    for p in (
        Preset("phone", "Phone (1080 × 2400)", 1080, 2400),
        Preset("iphone", "iPhone (1179 × 2556)", 1179, 2556),
        Preset("tablet", "Tablet (2048 × 2732)", 2048, 2732),
        Preset("desktop", "Desktop HD (1920 × 1080)", 1920, 1080),
        Preset("desktop-qhd", "Desktop QHD (2560 × 1440)", 2560, 1440),
    )
}


def render(image: Image.Image, preset: Preset) -> bytes:
    """JPEG bytes of ``image`` cropped to ``preset``'s aspect about its centre and resized."""
    fitted = ImageOps.fit(
        image.convert("RGB"), (preset.width, preset.height), Image.Resampling.LANCZOS
    )
    out = io.BytesIO()
    fitted.save(out, "JPEG", quality=90, optimize=True, progressive=True)
    return out.getvalue()

"""How a stored palette (``ml.palette`` JSON) is shown: swatch geometry and the 3D plot's points.

Pure functions over the stored JSON, so the result page, the style gallery
and the style editor draw palettes the same way. Swatches are SVG shapes
with ``fill`` attributes (no inline style, no script), so they show without
JavaScript and under a strict Content-Security-Policy.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

#: The swatch grid mirrors the picture's 3 x 2 regions; each cell is this many SVG units.
CELL_W, CELL_H = 100, 60


@dataclass(frozen=True)
class Swatch:
    """One palette colour as an SVG rectangle in its region's cell (height by share)."""

    x: float
    y: float
    width: float
    height: float
    hex: str
    percent: str
    label: str


def swatches(palette: Iterable[Mapping[str, Any]]) -> list[Swatch]:
    """Rectangles for the 18 colours: region cells in a 3 x 2 grid, stacked by share within a cell."""
    by_region: dict[int, list[Mapping[str, Any]]] = {}
    for colour in palette:
        by_region.setdefault(int(colour["region"]), []).append(colour)
    out = []
    for region, colours in sorted(by_region.items()):
        x0, y0 = (region % 3) * CELL_W, (region // 3) * CELL_H
        total = sum(float(c["share"]) for c in colours) or 1.0
        y = float(y0)
        for colour in sorted(colours, key=lambda c: int(c["rank"])):
            height = CELL_H * float(colour["share"]) / total
            out.append(
                Swatch(
                    x=x0,
                    y=round(y, 3),
                    width=CELL_W,
                    height=round(height, 3),
                    hex=str(colour["hex"]),
                    percent=f"{float(colour['share']) * 100:.1f}%",
                    label=f"{colour['hex']}, {float(colour['share']) * 100:.1f}% of the picture",
                )
            )
            y += height
    return out


def plot_points(palette: Iterable[Mapping[str, Any]]) -> dict[str, list[Any]]:
    """The 3D plot's data: each colour in the RGB cube and the HSV cylinder, with size and colour.

    HSV cylinder coordinates: x = s cos h, y = s sin h, z = v (hue round the axis).
    """
    colours = list(palette)
    hue = [math.radians(float(c["hsv"][0])) for c in colours]
    sat = [float(c["hsv"][1]) for c in colours]
    return {
        "hex": [str(c["hex"]) for c in colours],
        "share": [float(c["share"]) for c in colours],
        "rgb": [[int(v) for v in c["rgb"]] for c in colours],
        "hsv": [
            [round(s * math.cos(h), 4), round(s * math.sin(h), 4), float(c["hsv"][2])]
            for c, h, s in zip(colours, hue, sat, strict=True)
        ],
    }

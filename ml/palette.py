"""Colour analysis as the ARTWORKER service did it, and palette-driven paint.

The palette of a picture is 18 colours: the picture is cut into a 3 x 2 grid
(3 columns, 2 rows: left/centre/right of the upper and lower half, the split
ARTWORKER used per film frame), and k-means with k = 3 finds three
representative colours in each region. Clustering runs in Oklab
(:mod:`ml.color`) because distances there follow perceived differences, so a
small saturated area is not averaged into its grey surroundings. Every
colour carries its sRGB, its HSV (hue in degrees, saturation and value in
[0, 1]) and the share of the *whole* picture's pixels it stands for, so the
18 shares add up to 1.

A region with fewer distinct colours than clusters (a flat sky, a uniform
image) gets fewer colours: clusters that end up empty are dropped rather
than duplicated. A set of pictures (a style's samples) is analysed by
pooling each region's pixels over the set.

:func:`map_to_palette` is the other direction: a renderer's paint colours
are moved onto a palette (from a film still an admin likes), in Oklab, with
the paint's tonal order kept, so the picture keeps its light and shade and
takes the still's colours.

Pure numpy/torch; never imports Django.
"""

from __future__ import annotations

import colorsys
import csv
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import IO, Any

import numpy as np
import torch
from PIL import Image

from ml.color import oklab_to_srgb, srgb_to_oklab

#: Grid of regions: (columns, rows).
GRID = (3, 2)
#: Colours per region.
PER_REGION = 3
#: Pictures are analysed at this long side at most: palettes are about large areas, and
#: a fixed size keeps the analysis cost independent of the upload (``bench/palette.py``).
ANALYSIS_SIDE = 256
#: Columns of ``python -m ml palette --csv`` and of the data the pages plot.
CSV_COLUMNS = ("image", "region", "rank", "hex", "r", "g", "b", "h", "s", "v", "share")
_ITERATIONS = 15


@dataclass(frozen=True)
class PaletteColour:
    """One representative colour of one region.

    Attributes:
        region: 0..5, row-major in the 3 x 2 grid (0 top left, 5 bottom right).
        rank: 0 for the region's most common colour, then 1, 2.
        rgb: sRGB, 0..255 each.
        hsv: hue in degrees [0, 360), saturation and value in [0, 1].
        share: fraction of the whole picture's pixels in this cluster.
    """

    region: int
    rank: int
    rgb: tuple[int, int, int]
    hsv: tuple[float, float, float]
    share: float

    @property
    def hex(self) -> str:
        return "#{:02x}{:02x}{:02x}".format(*self.rgb)

    def as_dict(self) -> dict[str, Any]:
        """The JSON form stored with styled images and styles (``hex`` included for templates)."""
        out = asdict(self)
        out["rgb"] = list(self.rgb)
        out["hsv"] = [round(x, 4) for x in self.hsv]
        out["share"] = round(self.share, 5)
        out["hex"] = self.hex
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PaletteColour:
        r, g, b = (int(c) for c in data["rgb"])
        return cls(
            region=int(data["region"]),
            rank=int(data["rank"]),
            rgb=(r, g, b),
            hsv=_hsv((r, g, b)),
            share=float(data["share"]),
        )


def _hsv(rgb: tuple[int, int, int]) -> tuple[float, float, float]:
    h, s, v = colorsys.rgb_to_hsv(*(c / 255.0 for c in rgb))
    return (h * 360.0 % 360.0, s, v)


def _analysis_pixels(image: Image.Image) -> np.ndarray:
    """The picture at :data:`ANALYSIS_SIDE` as (H, W, 3) float sRGB in [0, 1]."""
    image = image.convert("RGB")
    if max(image.size) > ANALYSIS_SIDE:
        k = ANALYSIS_SIDE / max(image.size)
        size = (max(1, round(image.width * k)), max(1, round(image.height * k)))
        image = image.resize(size, Image.Resampling.BOX)  # area average: no ringing colours
    return np.asarray(image, dtype=np.float32) / 255.0


def _regions(rgb: np.ndarray) -> list[np.ndarray]:
    """The 3 x 2 grid's pixels, row-major, each (N, 3); a 1-px picture gives empty regions."""
    h, w = rgb.shape[:2]
    cols, rows = GRID
    xs = [round(i * w / cols) for i in range(cols + 1)]
    ys = [round(j * h / rows) for j in range(rows + 1)]
    return [
        rgb[ys[j] : ys[j + 1], xs[i] : xs[i + 1]].reshape(-1, 3)
        for j in range(rows)
        for i in range(cols)
    ]


def _to_oklab(rgb: np.ndarray) -> np.ndarray:
    """(N, 3) sRGB -> (N, 3) Oklab."""
    t = torch.from_numpy(np.ascontiguousarray(rgb.T.reshape(1, 3, -1, 1), dtype=np.float32))
    return srgb_to_oklab(t)[0, :, :, 0].T.numpy()


def _to_srgb(lab: np.ndarray) -> np.ndarray:
    t = torch.from_numpy(np.ascontiguousarray(lab.T.reshape(1, 3, -1, 1), dtype=np.float32))
    return oklab_to_srgb(t)[0, :, :, 0].T.numpy()


def kmeans(points: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Deterministic Lloyd's k-means: (centres (m, 3), counts (m,)) with m <= k, largest first.

    Starts from the most common colour and adds the farthest point each time
    (no randomness, so a palette never changes between runs). With fewer
    distinct colours than ``k`` only the distinct colours come back; clusters
    left empty are dropped.
    """
    distinct = np.unique(points.round(5), axis=0)
    if len(distinct) <= k:
        centres = distinct
    else:
        first = ((points - points.mean(0)) ** 2).sum(1).argmin()
        chosen = [points[first]]
        dist = ((points - chosen[0]) ** 2).sum(1)
        for _ in range(1, k):
            nxt = dist.argmax()
            chosen.append(points[nxt])
            dist = np.minimum(dist, ((points - points[nxt]) ** 2).sum(1))
        centres = np.stack(chosen)
    for _ in range(_ITERATIONS):
        labels = ((points[:, None, :] - centres[None]) ** 2).sum(2).argmin(1)
        counts = np.bincount(labels, minlength=len(centres))
        sums = np.stack(
            [np.bincount(labels, weights=points[:, d], minlength=len(centres)) for d in range(3)],
            axis=1,
        )
        keep = counts > 0
        new = sums[keep] / counts[keep, None]
        if len(new) == len(centres) and np.allclose(new, centres, atol=1e-6):
            break
        centres = new
    labels = ((points[:, None, :] - centres[None]) ** 2).sum(2).argmin(1)
    counts = np.bincount(labels, minlength=len(centres))
    keep = counts > 0
    centres, counts = centres[keep], counts[keep]
    order = np.argsort(-counts, kind="stable")
    return centres[order], counts[order]


def palette_of(images: Image.Image | Sequence[Image.Image]) -> list[PaletteColour]:
    """The 18-colour palette of one picture, or of a set pooled region by region.

    Raises:
        ValueError: an empty set.
    """
    if isinstance(images, Image.Image):
        images = [images]
    if not images:
        raise ValueError("palette_of needs at least one picture")
    pooled: list[list[np.ndarray]] = [[] for _ in range(GRID[0] * GRID[1])]
    for image in images:
        for i, pixels in enumerate(_regions(_analysis_pixels(image))):
            pooled[i].append(pixels)
    regions = [np.concatenate(parts) for parts in pooled]
    total = sum(len(p) for p in regions)
    out: list[PaletteColour] = []
    for region, pixels in enumerate(regions):
        if not len(pixels):
            continue
        centres, counts = kmeans(_to_oklab(pixels), PER_REGION)
        rgb = np.clip(np.round(_to_srgb(centres) * 255), 0, 255).astype(int)
        for rank, (colour, count) in enumerate(zip(rgb, counts, strict=True)):
            triple = (int(colour[0]), int(colour[1]), int(colour[2]))
            out.append(PaletteColour(region, rank, triple, _hsv(triple), float(count / total)))
    return out


def to_json(colours: Iterable[PaletteColour]) -> list[dict[str, Any]]:
    return [c.as_dict() for c in colours]


def from_json(data: Iterable[dict[str, Any]] | None) -> list[PaletteColour]:
    """Colours back from their stored JSON (``None`` or ``[]`` -> no colours)."""
    return [PaletteColour.from_dict(d) for d in data or []]


def csv_rows(name: str, colours: Iterable[PaletteColour]) -> list[dict[str, Any]]:
    """One row per colour with :data:`CSV_COLUMNS` (what the pages show and plot)."""
    return [
        {
            "image": name,
            "region": c.region,
            "rank": c.rank,
            "hex": c.hex,
            "r": c.rgb[0],
            "g": c.rgb[1],
            "b": c.rgb[2],
            "h": round(c.hsv[0], 2),
            "s": round(c.hsv[1], 4),
            "v": round(c.hsv[2], 4),
            "share": round(c.share, 5),
        }
        for c in colours
    ]


def write_csv(out: IO[str], rows: Iterable[dict[str, Any]]) -> None:
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)


# --- Palette-driven paint ----------------------------------------------------------------------


def palette_lab(colours: Sequence[Sequence[int]]) -> tuple[np.ndarray, np.ndarray]:
    """Oklab (P, 3) of sRGB 0..255 triples, and their weights (equal; duplicates count twice).

    Raises:
        ValueError: no colours, or a value that is not an sRGB triple.
    """
    arr = np.asarray(colours, dtype=np.float32)
    if arr.ndim != 2 or arr.shape[1] != 3 or not len(arr):
        raise ValueError("A palette is a non-empty list of [r, g, b] colours")
    if (arr < 0).any() or (arr > 255).any():
        raise ValueError("Palette colours must be sRGB values between 0 and 255")
    return _to_oklab(arr / 255.0), np.full(len(arr), 1.0 / len(arr))


def _weighted_quantile(values: np.ndarray, weights: np.ndarray, q: np.ndarray) -> np.ndarray:
    order = np.argsort(values, kind="stable")
    v, w = values[order], weights[order]
    cdf = (np.cumsum(w) - 0.5 * w) / w.sum()
    return np.interp(q, cdf, v)


#: Lightness counts this much more than hue when a paint colour picks its palette colour:
#: the picture's light and shade decide, the paint's hue only breaks ties.
LIGHTNESS_WEIGHT = 2.0


def map_to_palette(
    lab: np.ndarray, weights: np.ndarray, palette: Sequence[Sequence[int]]
) -> np.ndarray:
    """Move paint colours onto a palette, in Oklab: (N, 3) Oklab in, (N, 3) palette colours out.

    1. Tonal matching: each paint colour's lightness is replaced by the
       palette's lightness at the same (area-weighted) quantile, so the darkest
       paint takes the palette's darks and the lightest its lights.
    2. Each paint colour then takes the palette colour nearest to (that
       lightness, its own a/b), lightness weighted by :data:`LIGHTNESS_WEIGHT`.

    The result is exactly palette colours, so the styled picture's paint lies
    on the palette; ``weights`` are the paint colours' pixel counts.
    """
    target, target_w = palette_lab(palette)
    lab = np.asarray(lab, dtype=np.float32)
    w = np.asarray(weights, dtype=np.float64).clip(min=1e-9)
    order = np.argsort(lab[:, 0], kind="stable")
    cdf = np.empty(len(lab))
    cdf[order] = (np.cumsum(w[order]) - 0.5 * w[order]) / w.sum()
    lightness = 0.5 * lab[:, 0] + 0.5 * _weighted_quantile(
        target[:, 0].astype(np.float64), target_w, cdf
    )
    probe = np.column_stack([lightness, lab[:, 1:]]).astype(np.float32)
    scale = np.array([LIGHTNESS_WEIGHT, 1.0, 1.0], dtype=np.float32)
    dist = (((probe[:, None, :] - target[None]) ** 2) * scale).sum(2)
    return target[dist.argmin(1)]


def map_centres(
    centres: torch.Tensor, labels: torch.Tensor, palette: Sequence[Sequence[int]]
) -> torch.Tensor:
    """:func:`map_to_palette` for a renderer's cluster centres (k, 3) and its label map."""
    counts = torch.bincount(labels.reshape(-1), minlength=centres.shape[0]).cpu().numpy()
    mapped = map_to_palette(centres.detach().float().cpu().numpy(), counts, palette)
    return torch.from_numpy(mapped).to(centres)


def recolour(lab: np.ndarray, palette: Sequence[Sequence[int]]) -> np.ndarray:
    """:func:`map_to_palette` for a flat-painted (H, W, 3) Oklab picture (few distinct colours)."""
    flat = lab.reshape(-1, 3)
    colours, inverse, counts = np.unique(flat, axis=0, return_inverse=True, return_counts=True)
    mapped = map_to_palette(colours, counts, palette)
    return mapped[inverse.reshape(-1)].reshape(lab.shape).astype(lab.dtype)

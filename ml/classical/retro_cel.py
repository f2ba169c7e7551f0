"""``retro-cel``: the 1990s cel-animation look, built from classical image operations.

Pipeline (every step a tensor op, so it runs on the GPU as well):

1. edge-preserving smoothing: a few bilateral passes in Oklab flatten texture
   (skin pores, foliage) while keeping object boundaries sharp;
2. flat paint: k-means in Oklab picks ``palette_size`` colours from the
   smoothed picture, every pixel takes its cluster's colour, and a small
   majority filter removes speckles at region borders;
3. a gentle saturation lift on the Oklab chroma (cels were painted in clean,
   saturated gouache);
4. ink: difference-of-Gaussians (the XDoG family) on the smoothed lightness,
   soft-thresholded into dark outlines along strong edges; then kept off
   texture (where the DoG fires densely: fur, gravel, foliage) and cleared of
   fragments smaller than a few pixels, so ink follows object boundaries.

Sizes are relative to a 1024 px long side so the look does not change with
the working resolution. Deterministic: the k-means samples a fixed grid and
starts from a deterministic farthest-point initialisation.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

import torch
import torch.nn.functional as F

from ml.color import gaussian_blur, oklab_to_srgb, srgb_to_oklab
from ml.palette import map_centres

Progress = Callable[[float], None]
INK = (0.07, 0.06, 0.09)  # not pure black: printed cels use a warm/cool dark line
CHROMA_WEIGHT = 2.0


@dataclass(frozen=True)
class RetroCelParams:
    """Knobs an admin can set on a ``retro-cel`` style (``StyleSpec.params``).

    Attributes:
        palette_size: number of flat paint colours (4..32).
        line_weight: outline thickness, 0 disables outlines (0..3).
        smoothing: strength of the edge-preserving smoothing (0..3).
        saturation: chroma multiplier applied to the paint (0.5..2).
    """

    palette_size: int = 14
    line_weight: float = 1.0
    smoothing: float = 1.0
    saturation: float = 1.2

    @classmethod
    def from_mapping(cls, params: Mapping[str, Any]) -> RetroCelParams:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(params) - known)
        if unknown:
            raise ValueError(f"Unknown retro-cel parameter(s) {unknown}; known: {sorted(known)}")
        p = cls(**{k: type(getattr(cls, k))(v) for k, v in params.items()})
        for name, lo, hi in (
            ("palette_size", 4, 32),
            ("line_weight", 0, 3),
            ("smoothing", 0, 3),
            ("saturation", 0.5, 2),
        ):
            if not lo <= getattr(p, name) <= hi:
                raise ValueError(f"retro-cel {name} must be between {lo} and {hi}")
        return p


def retro_cel(
    x: torch.Tensor,
    params: RetroCelParams,
    progress: Progress | None = None,
    palette: Sequence[Sequence[int]] = (),
    centres: torch.Tensor | None = None,
) -> torch.Tensor:
    """(1, 3, H, W) sRGB in [0, 1] -> the cel-shaded picture, same shape.

    A ``palette`` (sRGB triples, e.g. a film still's) replaces the paint colours
    (:func:`ml.palette.map_centres`); the saturation lift is then left out. ``centres``
    (from :func:`retro_cel_centres`) replace the picture's own k-means centres: a clip's
    frames all quantise onto its keyframes' centres, so a region keeps its paint from frame
    to frame.
    """
    labels, colours, ink = retro_cel_layers(x, params, progress, palette, centres)
    rgb = colours[labels].permute(0, 3, 1, 2)  # (1, 3, H, W) sRGB paint
    if ink is not None:
        ink_rgb = torch.tensor(INK, device=x.device).view(1, 3, 1, 1)
        rgb = rgb * (1 - ink) + ink_rgb * ink
    return rgb.clamp(0, 1).to(x.dtype)


def retro_cel_layers(
    x: torch.Tensor,
    params: RetroCelParams,
    progress: Progress | None = None,
    palette: Sequence[Sequence[int]] = (),
    centres: torch.Tensor | None = None,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor | None]:
    """The picture's structure before it is flattened: what :func:`retro_cel` and the print
    composition (:mod:`ml.classical.print_edges`) both draw from.

    ``centres`` ((palette_size, 3) in the clustering space, :func:`retro_cel_centres`) are
    used instead of the picture's own k-means; None (every photo) clusters the picture.

    Returns (1, H, W) long palette labels, (k, 3) float sRGB paint per label, and the
    (1, 1, H, W) ink coverage in [0, 1] (None when ``line_weight`` is 0).
    """
    report = progress or (lambda _f: None)
    x = x.float()  # half is too coarse for Oklab cube roots and k-means distances
    scale = max(x.shape[-2:]) / 1024.0
    smooth = _smoothed(x, params, report)
    weight = _cluster_weight(x.device)
    if centres is None:
        centres = kmeans_palette(smooth * weight, params.palette_size)
    else:
        centres = checked_centres(centres, params.palette_size).to(x.device)
    report(0.6)
    labels = assign(smooth * weight, centres)
    centres = centres / weight.view(1, 3)
    labels = majority_filter(labels, params.palette_size, size=max(3, 2 * round(1.5 * scale) + 1))
    if palette:
        centres = map_centres(centres, labels, palette)
    saturation = 1.0 if palette else params.saturation
    paint = torch.cat([centres[:, :1], centres[:, 1:] * saturation], dim=1)  # (k, 3) Oklab
    colours = oklab_to_srgb(paint.T.reshape(1, 3, -1, 1))[0, :, :, 0].T.contiguous()
    report(0.8)
    ink = None
    if params.line_weight > 0:
        sigma = max(0.6, 1.1 * scale) * params.line_weight
        ink = xdog_lines(smooth[:, :1], sigma=sigma)
        # Below 1024 px the 0.6 px floor makes lines relatively thicker, so they fill more of
        # the window: the texture threshold grows with that thickness.
        thickness = sigma / (1.1 * scale * max(params.line_weight, 1e-6))
        ink = keep_off_texture(ink, scale, dense=min(0.6, 0.18 * thickness))
        ink = drop_ink_fragments(ink, min_area=max(6.0, 40 * scale * scale))
    report(1.0)
    return labels, colours, ink


def _smoothed(x: torch.Tensor, params: RetroCelParams, report: Progress) -> torch.Tensor:
    """Oklab of ``x`` after the edge-preserving smoothing passes: what the paint is clustered on."""
    scale = max(x.shape[-2:]) / 1024.0
    smooth = srgb_to_oklab(x)
    passes = int(round(2 * params.smoothing))
    for i in range(passes):
        smooth = bilateral(smooth, sigma_space=max(1.0, 2.5 * scale), sigma_range=0.05)
        report(0.1 + 0.4 * (i + 1) / passes)
    return smooth


def _cluster_weight(device: torch.device) -> torch.Tensor:
    """Chroma counts double when clustering: Oklab a/b spans ~0.3 against L's 1.0, and
    without the weight small saturated areas (water, signs) turn grey."""
    return torch.tensor([1.0, CHROMA_WEIGHT, CHROMA_WEIGHT], device=device).view(1, 3, 1, 1)


def checked_centres(centres: torch.Tensor, k: int) -> torch.Tensor:
    """Fixed quantisation centres as float32 (k, 3), or a ValueError naming the shape."""
    centres = torch.as_tensor(centres, dtype=torch.float32)
    if centres.shape != (k, 3):
        raise ValueError(f"need {k} colour centres of 3 values, got {tuple(centres.shape)}")
    return centres


def pooled_kmeans(features: Sequence[torch.Tensor], k: int) -> torch.Tensor:
    """:func:`kmeans_palette` over several (1, 3, H, W) feature maps together, each given the
    same share of samples as a single picture gets: a clip's keyframes' one set of centres."""
    if not features:
        raise ValueError("pooled k-means needs at least one picture")
    flat = torch.cat([f.reshape(1, 3, 1, -1) for f in features], dim=3)
    return kmeans_palette(flat, k, samples=6000 * len(features))


def retro_cel_centres(xs: Sequence[torch.Tensor], params: RetroCelParams) -> torch.Tensor:
    """The k-means centres of several pictures pooled: (palette_size, 3) in the clustering
    space, for :func:`retro_cel_layers`' ``centres``.

    Each picture is smoothed exactly as when it is painted, and the same deterministic
    k-means runs on their pixels together (the same share of samples from each), so a
    clip's keyframes choose one set of paint colours for every frame.
    """
    feats = [_smoothed(x.float(), params, lambda _f: None) * _cluster_weight(x.device) for x in xs]
    return pooled_kmeans(feats, params.palette_size)


def bilateral(lab: torch.Tensor, sigma_space: float, sigma_range: float) -> torch.Tensor:
    """Bilateral filter by summing shifted copies: memory O(HW), deterministic.

    The window is sampled on a 5x5 grid whatever the radius, which keeps the
    cost at 25 shifts per pass; with two passes the gaps fill in.
    """
    radius = max(2, math.ceil(2 * sigma_space))
    step = max(1, radius // 2)
    h, w = lab.shape[-2:]
    padded = F.pad(lab, (radius, radius, radius, radius), mode="reflect")
    acc = torch.zeros_like(lab)
    norm = torch.zeros_like(lab[:, :1])
    inv_r = -1.0 / (2 * sigma_range**2)
    for dy in range(-radius, radius + 1, step):
        for dx in range(-radius, radius + 1, step):
            shifted = padded[:, :, radius + dy : radius + dy + h, radius + dx : radius + dx + w]
            wgt = (shifted - lab).square_().sum(1, keepdim=True).mul_(inv_r)
            wgt = wgt.add_(-(dx * dx + dy * dy) / (2 * sigma_space**2)).exp_()
            acc.addcmul_(wgt, shifted)
            norm += wgt
    return acc.div_(norm)


def kmeans_palette(lab: torch.Tensor, k: int, samples: int = 6000, iters: int = 12) -> torch.Tensor:
    """``k`` Oklab colours by Lloyd's k-means on a fixed pixel grid (deterministic)."""
    pixels = lab[0].reshape(3, -1).T
    stride = max(1, pixels.shape[0] // samples)
    pts = pixels[::stride]
    # Farthest-point initialisation, starting from the pixel nearest the mean colour.
    first = (pts - pts.mean(0)).pow(2).sum(1).argmin()
    centres = [pts[first]]
    dist = (pts - centres[0]).pow(2).sum(1)
    for _ in range(1, k):
        nxt = dist.argmax()
        centres.append(pts[nxt])
        dist = torch.minimum(dist, (pts - pts[nxt]).pow(2).sum(1))
    c = torch.stack(centres)
    for _ in range(iters):
        lbl = torch.cdist(pts, c).argmin(1)
        sums = torch.zeros_like(c).index_add_(0, lbl, pts)
        counts = torch.bincount(lbl, minlength=k).unsqueeze(1).to(pts)
        c = torch.where(counts > 0, sums / counts.clamp(min=1), c)
    return c


#: Rows per band in :func:`assign` and :func:`majority_filter`: their per-pixel
#: temporaries are k x larger than the image, so print-size renders (12 MP and more)
#: go band by band; the result is the same as whole-image, memory O(k x band x W).
BAND_ROWS = 256


def assign(lab: torch.Tensor, centres: torch.Tensor) -> torch.Tensor:
    """Nearest centre for every pixel: (1, H, W) long."""
    h = lab.shape[-2]
    out = torch.empty((lab.shape[0], h, lab.shape[-1]), dtype=torch.long, device=lab.device)
    c = centres.view(1, -1, 3, 1, 1)
    for y in range(0, h, BAND_ROWS):
        d = (lab[:, :, y : y + BAND_ROWS].unsqueeze(1) - c).pow(2).sum(2)
        out[:, y : y + BAND_ROWS] = d.argmin(1)
    return out


def majority_filter(labels: torch.Tensor, k: int, size: int) -> torch.Tensor:
    """Most frequent label in a ``size`` window: removes speckles at region borders.

    Edges are replicated (clamped indices), band by band with a ``size // 2`` halo.
    """
    r = size // 2
    h, w = labels.shape[-2:]
    dev = labels.device
    cols = torch.arange(-r, w + r, device=dev).clamp_(0, w - 1)
    classes = torch.arange(k, device=dev).view(1, k, 1, 1)
    out = torch.empty_like(labels)
    for y in range(0, h, BAND_ROWS):
        y1 = min(h, y + BAND_ROWS)
        rows = torch.arange(y - r, y1 + r, device=dev).clamp_(0, h - 1)
        band = labels[:, rows][:, :, cols]
        onehot = (band.unsqueeze(1) == classes).float()
        out[:, y:y1] = F.avg_pool2d(onehot, size, stride=1).argmax(1)
    return out


def xdog_lines(
    lightness: torch.Tensor,
    sigma: float,
    k: float = 1.6,
    threshold: float = 0.008,
    softness: float = 0.01,
) -> torch.Tensor:
    """Ink coverage in [0, 1] where the difference of Gaussians is strongly negative.

    The dark side of every strong lightness edge gets a line whose width
    follows ``sigma``; weak texture stays below ``threshold``.
    """
    dog = gaussian_blur(lightness, sigma) - gaussian_blur(lightness, sigma * k)
    return ((-dog - threshold) / softness).clamp(0, 1)


def keep_off_texture(ink: torch.Tensor, scale: float, dense: float = 0.18) -> torch.Tensor:
    """Fade ink where it is dense: texture inks a large share of its neighbourhood, a boundary a thin line.

    In a window of about 25 px at 1024, a single outline covers ~10% of the
    pixels; fur, gravel and foliage cover well over 20%. Ink fades out
    between ``dense`` - 0.06 and ``dense`` of the window covered.
    """
    size = max(15, int(round(25 * scale)) | 1)  # several line widths even on small pictures
    density = F.avg_pool2d(
        F.pad(ink, [size // 2] * 4, mode="replicate"), size, stride=1, count_include_pad=False
    )
    keep = ((dense - density) / 0.06).clamp(0, 1)
    return ink * keep


def drop_ink_fragments(ink: torch.Tensor, min_area: float) -> torch.Tensor:
    """Remove ink fragments smaller than ``min_area`` px (connected components, on the CPU)."""
    from ml.classical.ink import drop_fragments

    cov = ink[0, 0].float().cpu().numpy()
    cleaned = drop_fragments(cov, min_area)
    return torch.from_numpy(cleaned).to(ink)[None, None]

"""``anime-cel``: a photo painted as a frame of 1990s TV anime.

What makes that look, and the step that makes it here:

1. large flat paint regions that follow objects, not texture
   (:mod:`ml.classical.regions`: a mean-shift filter flattens foliage, fur,
   stone and gravel into a few patches but keeps anything that stands apart
   in colour, a trunk, a window, a tiger's stripes; colour clusters split
   into connected regions, similar neighbours joined, small pieces absorbed
   unless they stand out like an eye or a nostril);
2. cel shading: big regions painted in two or three tones (base, a
   hard-edged shadow shape one clear step darker in the same hue, a
   highlight) placed where the photo's large-scale lighting is darker or
   brighter than the region's average;
3. big smooth low-texture regions (sky, walls, water) painted as a soft
   gradient wash fitted to the photo instead of a flat fill, so no banding;
4. ink only on region boundaries that lie on a sharp photo edge (weight from
   the paint contrast; in texture only clear contrast is inked, so a painted
   background has no outlines) and on long isolated interior edges
   (:mod:`ml.classical.ink`);
5. faces found by OpenCV's bundled cascade (large enough to redraw) get their
   skin as one region in two tones and stroke-drawn brows, eyes, nose and
   mouth (:mod:`ml.classical.faces`, :mod:`ml.classical.face_features`);
6. the 90s palette: warm highlights, cooler shadows, lifted blacks, gentle
   saturation, and a faint deterministic film grain.

All analysis runs on a picture of at most :data:`ANALYSIS_SIDE` px (sizes
are relative to a 1024 px long side), and the paint and ink are resized to
the working size at the end: a print render downscaled matches the preview,
and memory at 4000 px stays a few full-size float images.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

import cv2
import numpy as np
import torch
from PIL import Image

from ml.classical import face_features, ink, regions
from ml.classical import faces as facemod
from ml.classical.print_edges import CelLayers, labels_from_paint
from ml.classical.retro_cel import pooled_kmeans
from ml.color import oklab_to_srgb, srgb_to_oklab
from ml.palette import recolour

Progress = Callable[[float], None]
ANALYSIS_SIDE = 1024
INK = np.array([0.10, 0.08, 0.12], dtype=np.float32)  # dark violet-brown, not pure black
#: Eye whites and catch-lights (Oklab): a warm off-white, like cel paint, not paper white.
EYE_WHITE = np.array([0.96, 0.002, 0.012], dtype=np.float32)
GRAIN_SEED = 1990
#: Lightness weight of the colour clusters (:func:`ml.classical.regions.cluster_features`).
CLUSTER_LIGHTNESS = 1.0

#: (name, low, high) for every parameter, checked by :meth:`AnimeCelParams.from_mapping`.
RANGES: tuple[tuple[str, float, float], ...] = (
    ("colours", 6, 40),
    ("detail", 0, 1),
    ("line_weight", 0, 3),
    ("shading", 0, 1),
    ("saturation", 0.5, 2),
    ("grain", 0, 1),
    ("faces", 0, 1),
)


@dataclass(frozen=True)
class AnimeCelParams:
    """Knobs an admin can set on an ``anime-cel`` style (``StyleSpec.params``).

    Attributes:
        colours: colour clusters that seed the paint regions (6..40).
        detail: how small a paint region may be; 0 = broad areas, 1 = fine (0..1).
        line_weight: ink thickness, 0 disables ink (0..3).
        shading: how strongly the cel shadow and highlight tones differ from the base (0..1).
        saturation: chroma multiplier on the paint (0.5..2).
        grain: film grain strength, 0 disables it (0..1).
        faces: 1 treats detected faces specially, 0 paints them like everything else (0..1).
    """

    colours: int = 18
    detail: float = 0.5
    line_weight: float = 1.0
    shading: float = 0.8
    saturation: float = 1.25
    grain: float = 0.35
    faces: int = 1

    @classmethod
    def from_mapping(cls, params: Mapping[str, Any]) -> AnimeCelParams:
        """Validated parameters; a ``ValueError`` names the offending parameter and its range."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(params) - known)
        if unknown:
            raise ValueError(f"Unknown anime-cel parameter(s) {unknown}; known: {sorted(known)}")
        values = {}
        for name, value in params.items():
            kind = type(getattr(cls, name))
            try:
                number = float(value)
            except (TypeError, ValueError):
                raise ValueError(f"anime-cel {name} must be a number, got {value!r}") from None
            if kind is int and number != int(number):
                raise ValueError(f"anime-cel {name} must be a whole number, got {value!r}")
            values[name] = kind(number)
        p = cls(**values)
        for name, lo, hi in RANGES:
            if not lo <= getattr(p, name) <= hi:
                raise ValueError(f"anime-cel {name} must be between {lo:g} and {hi:g}")
        return p


def anime_cel(
    x: torch.Tensor,
    params: AnimeCelParams,
    progress: Progress | None = None,
    palette: Sequence[Sequence[int]] = (),
    centres: torch.Tensor | None = None,
) -> torch.Tensor:
    """(1, 3, H, W) sRGB in [0, 1] -> the anime-cel picture, same shape, dtype and device.

    A ``palette`` (sRGB triples, e.g. a film still's) replaces the graded paint colours
    (:func:`ml.palette.recolour`) before the washes. ``centres`` (:func:`anime_cel_centres`)
    replace the picture's own colour clusters' k-means centres (a clip's keyframes').
    """
    report = progress or (lambda _f: None)
    h_full, w_full = x.shape[-2:]
    paint, coverage = _analyse(x, params, report, palette, centres)
    out = _finish(paint, coverage, params, (w_full, h_full))
    report(1.0)
    return torch.from_numpy(out).permute(2, 0, 1)[None].to(device=x.device, dtype=x.dtype)


def anime_cel_layers(
    x: torch.Tensor,
    params: AnimeCelParams,
    progress: Progress | None = None,
    palette: Sequence[Sequence[int]] = (),
    centres: torch.Tensor | None = None,
) -> CelLayers:
    """The analysis-size structure :func:`anime_cel` flattens, for composing at print size.

    Regions are read back from the paint (flat cells and smooth washes,
    :func:`ml.classical.print_edges.labels_from_paint`), so the print composition needs
    nothing from :func:`render` but its two results.
    """
    report = progress or (lambda _f: None)
    paint, coverage = _analyse(x, params, report, palette, centres)
    labels = labels_from_paint(paint)
    h, w = paint.shape[:2]
    return CelLayers(
        labels=labels,
        paint=_to_srgb(paint).astype(np.float32),
        ink=coverage.astype(np.float32),
        ink_rgb=tuple(float(c) for c in INK),
        grain=_grain(h, w, params),
    )


def _analyse(
    x: torch.Tensor,
    params: AnimeCelParams,
    report: Progress,
    palette: Sequence[Sequence[int]] = (),
    centres: torch.Tensor | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Paint (Oklab) and ink coverage of ``x`` at the analysis size (<= ANALYSIS_SIDE)."""
    rgb = _analysis_rgb(x)
    unit = max(rgb.shape[:2]) / 1024.0
    return render(rgb, params, unit, report, palette, centres)


def _analysis_rgb(x: torch.Tensor) -> np.ndarray:
    """``x`` as float32 (H, W, 3) sRGB at the analysis size (<= ANALYSIS_SIDE)."""
    full = x[0].detach().float().permute(1, 2, 0).cpu().numpy()
    h_full, w_full = full.shape[:2]
    shrink = min(1.0, ANALYSIS_SIDE / max(h_full, w_full))
    if shrink < 1.0:
        size = (max(1, round(w_full * shrink)), max(1, round(h_full * shrink)))
        rgb = _downscale(full, size)
    else:
        rgb = full
    del full
    return np.ascontiguousarray(rgb, dtype=np.float32)


def anime_cel_centres(xs: Sequence[torch.Tensor], params: AnimeCelParams) -> torch.Tensor:
    """The colour clusters' k-means centres of several pictures pooled: (colours, 3) in
    :func:`ml.classical.regions.cluster_features`' space, for ``centres``.

    Each picture is flattened by mean shift exactly as when it is painted, and the same
    deterministic k-means runs on their pixels together (an equal share of samples from
    each), so a clip's frames all seed their regions from one set of colours.
    """
    feats = []
    for x in xs:
        rgb = _analysis_rgb(x)
        flat = regions.mean_shift(rgb, max(rgb.shape[:2]) / 1024.0)
        feats.append(regions.cluster_features(flat, CLUSTER_LIGHTNESS))
    return pooled_kmeans(feats, params.colours)


def _downscale(rgb: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Lanczos, the resampler the stylizer uses for the working size, so a print render
    analyses (almost) the same pixels as the preview made from the same upload."""
    chans = [
        np.asarray(Image.fromarray(rgb[..., c], mode="F").resize(size, Image.Resampling.LANCZOS))
        for c in range(3)
    ]
    return np.clip(np.stack(chans, axis=-1), 0, 1)


def render(
    rgb: np.ndarray,
    params: AnimeCelParams,
    unit: float,
    report: Progress,
    palette: Sequence[Sequence[int]] = (),
    centres: torch.Tensor | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Analysis-size paint (H, W, 3 Oklab) and ink coverage (H, W) for an sRGB (H, W, 3) picture."""
    lab = _to_oklab(rgb)
    smooth = regions.edge_aware_smooth(lab, unit)
    flat = regions.mean_shift(rgb, unit)
    report(0.25)
    found = facemod.drawable(facemod.detect_faces(rgb, unit), rgb.shape[:2]) if params.faces else []
    clusters = regions.colour_clusters(
        flat, params.colours, lightness_weight=CLUSTER_LIGHTNESS, centres=centres
    )
    clusters = regions.smooth_labels(clusters, params.colours, max(3, int(round(5 * unit))))
    reg, n = regions.connected_regions(clusters, params.colours)
    # Join first, absorb after: along a gradient the clusters dither into many small pieces,
    # and absorbing those before they are joined would erase a stripe or a face's markings.
    reg, n = regions.merge_similar(reg, n, flat, threshold=0.045)
    min_area = max(8, int(reg.size * (0.0008 - 0.0007 * params.detail)))
    texture = regions.texture_map(lab[..., 0], unit)
    keep = regions.standout(reg, n, flat[..., 0], unit)
    # ...but not in texture, where a dark gap between leaves or a grain of rock stands out too.
    keep &= regions.region_means(reg, n, texture[..., None])[:, 0] < 0.4
    keep &= np.bincount(reg.ravel(), minlength=n) >= max(4.0, 12 * unit * unit)
    reg, n = regions.compact_ids(regions.absorb_small(reg, min_area, keep))
    face = facemod.face_mask(reg.shape, found)
    skin = facemod.skin_mask(flat, found) if found else None
    if skin is not None:
        reg = np.where(skin, n, reg)
        reg, n = regions.compact_ids(reg)
    report(0.5)

    tones = _tones(smooth[..., 0], reg, n, unit, face)
    if skin is not None:
        # Skin in exactly two tones: the base and one clean shadow shape.
        tones[skin] = facemod.skin_shadow(smooth[..., 0], skin, found)[skin]
    paint = _paint(smooth, reg, n, tones, params)
    if palette:
        paint = recolour(paint, palette)
    paint = _washes(paint, smooth, lab, reg, n, unit)
    report(0.75)

    coverage = np.zeros(reg.shape, dtype=np.float32)
    if params.line_weight > 0:
        # In texture (foliage, fur, rock, gravel) only borders of clear contrast are inked: a
        # painted background has no outlines, and patches of a calmed texture are not objects.
        strength = ink.boundary_strength(reg, paint, 0.02, 0.09) * (1 - texture)
        strength += ink.boundary_strength(reg, paint, 0.12, 0.2) * texture
        strength *= ink.edge_support(smooth, unit)
        border = cv2.dilate(regions.boundaries(reg).astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
        inside = ink.interior_features(
            smooth[..., 0], unit, exclude=border | (face > 0.05), min_length=28 * unit
        )
        strength = np.maximum(strength, 0.8 * inside)
        if skin is not None:
            # Inside a face only the skin's own outline (cheeks, jaw, hair line) and strong
            # boundaries keep their ink, at full weight: a faded line would break into specks.
            outline = (
                cv2.dilate(
                    regions.boundaries(skin.astype(np.int32)).astype(np.uint8),
                    np.ones((3, 3), np.uint8),
                )
                > 0
            )
            # Boosted where the skin meets something of another colour; where the skin
            # shape only stops at the face ellipse (same colour beyond) no line is drawn.
            strength = np.where(outline & (strength > 0.25), np.maximum(strength, 0.6), strength)
            weak = (face > 0.2) & (strength < 0.8) & ~outline
            strength = np.where(weak, 0.0, strength).astype(np.float32)
        coverage = ink.stroke(strength, sigma=max(0.5, 1.1 * unit) * params.line_weight)
        coverage = ink.drop_fragments(coverage, min_area=max(4.0, 12 * unit * unit))
        if found:  # drawn on purpose, after the speck filter
            marks = face_features.feature_marks(smooth[..., 0], found)
            coverage = np.maximum(coverage, marks.ink)
            paint = np.where(marks.white[..., None] > 0, EYE_WHITE, paint).astype(paint.dtype)
    return paint, coverage


def _to_oklab(rgb: np.ndarray) -> np.ndarray:
    t = torch.from_numpy(np.ascontiguousarray(rgb.transpose(2, 0, 1)))[None]
    return srgb_to_oklab(t)[0].permute(1, 2, 0).contiguous().numpy()


def _to_srgb(lab: np.ndarray) -> np.ndarray:
    t = torch.from_numpy(np.ascontiguousarray(lab.transpose(2, 0, 1)))[None]
    return oklab_to_srgb(t)[0].permute(1, 2, 0).contiguous().numpy()


def _tones(
    lightness: np.ndarray, reg: np.ndarray, n: int, unit: float, face: np.ndarray
) -> np.ndarray:
    """Tone per pixel: 0 base, 1 shadow, 2 highlight, from the large-scale lighting.

    The lighting is the smoothed lightness blurred further, so shadow shapes
    have smooth hard edges; faces get a broader blur and no highlight
    (two-tone skin). Tone specks are voted away by a majority filter.
    """
    light = cv2.GaussianBlur(lightness, (0, 0), 4.0 * unit)
    if face.any():
        # Skin shading at the scale of the face, so it comes out as one or two big shapes.
        width = max(face.sum(0).max(), 1.0)
        face_light = cv2.GaussianBlur(lightness, (0, 0), max(8.0 * unit, width / 14))
        light = light * (1 - face) + face_light * face
    mean = regions.region_means(reg, n, light[..., None])[:, 0]
    dev = light - mean[reg]
    tones = np.zeros(reg.shape, dtype=np.int32)
    tones[dev < -0.05] = 1
    tones[(dev > 0.07) & (face < 0.5)] = 2
    # Only big areas carry a cel shadow or highlight: on a small patch the second tone is a
    # dark or light speck, which reads as dirt, not as light.
    big = np.bincount(reg.ravel(), minlength=n) >= 0.004 * reg.size
    tones[~big[reg]] = 0
    tones = regions.smooth_labels(tones, 3, int(round(9 * unit)))
    for t in (1, 2):
        count, pieces, stats, _ = cv2.connectedComponentsWithStats(
            (tones == t).astype(np.uint8), connectivity=8
        )
        small = stats[:, cv2.CC_STAT_AREA] < 0.001 * reg.size
        small[0] = False
        tones[small[pieces]] = 0
    return tones


def _paint(
    smooth: np.ndarray, reg: np.ndarray, n: int, tones: np.ndarray, params: AnimeCelParams
) -> np.ndarray:
    """Oklab paint: every (region, tone) filled with its mean colour, then the 90s grade."""
    region_mean = regions.region_means(reg, n, smooth)
    cell = reg * 3 + tones
    tone_mean = regions.region_means(cell, n * 3, smooth)
    counts = np.bincount(cell.ravel(), minlength=n * 3)
    tone_mean[counts == 0] = np.repeat(region_mean, 3, axis=0)[counts == 0]
    base = np.repeat(region_mean, 3, axis=0)
    colours = base + params.shading * (tone_mean - base)
    # A cel shadow is one clear step darker than the region's lit paint, not the photo's
    # darkest corner (eye sockets, a fold): deeper than that it reads as a dark mask on a face;
    # and it keeps the lit paint's hue (a greyed shadow on skin reads as dirt or a bruise).
    tone_of = np.tile(np.arange(3), n)
    lit = np.repeat(colours[0::3], 3, axis=0)
    step = colours[:, 0] - lit[:, 0]
    limits = {1: (-0.07 * params.shading, 0.0), 2: (0.0, 0.07)}
    for t, (lo, hi) in limits.items():
        sel = tone_of == t
        colours[sel, 0] = lit[sel, 0] + np.clip(step[sel], lo, hi)
        colours[sel, 1:] = lit[sel, 1:] + 0.3 * (colours[sel, 1:] - lit[sel, 1:])
    # Make the tones read as cel paint: shadows a clear step darker and cooler, highlights warmer.
    colours[tone_of == 1, 0] -= 0.02 * params.shading
    colours[tone_of == 1, 2] -= 0.012 * params.shading
    colours[tone_of == 1, 1] += 0.006 * params.shading
    colours[tone_of == 2, 0] += 0.03 * params.shading
    colours[tone_of == 2, 2] += 0.015 * params.shading
    return _grade(colours[cell], params)


def _grade(lab: np.ndarray, params: AnimeCelParams) -> np.ndarray:
    """The 90s palette on Oklab paint: lifted blacks, warm lights, cool darks, gentle chroma."""
    out = lab.copy()
    # A dull photo (overcast street, grey beach) makes dull paint; a background painter works
    # from a full range. Stretch the paint's lightness part of the way to it (robust ends).
    lo, hi = np.percentile(out[..., 0], (1, 99))
    if hi - lo > 0.05:
        full = 0.26 + (out[..., 0] - lo) * (0.71 / (hi - lo))
        out[..., 0] += 0.6 * (np.clip(full, 0.0, 1.0) - out[..., 0])
    lightness = out[..., 0]
    out[..., 1:] *= params.saturation
    warm = np.clip((lightness - 0.55) / 0.45, 0, 1)
    cool = np.clip((0.5 - lightness) / 0.5, 0, 1)
    out[..., 1] += 0.006 * warm + 0.004 * cool
    out[..., 2] += 0.018 * warm - 0.022 * cool
    out[..., 0] = 0.08 + 0.9 * lightness
    return out


def _washes(
    paint: np.ndarray, smooth: np.ndarray, lab: np.ndarray, reg: np.ndarray, n: int, unit: float
) -> np.ndarray:
    """Large low-texture regions (sky, far walls, water) become smooth gradient washes.

    A quadratic in x, y fitted to the region's smoothed colour gives a
    gradient without steps; its chroma and lightness are then graded like the
    rest of the paint, keeping the region's flat mean so it still sits in the
    palette.
    """
    h, w = reg.shape
    areas = np.bincount(reg.ravel(), minlength=n)
    gy, gx = np.gradient(cv2.GaussianBlur(lab[..., 0], (0, 0), 0.8 * unit))
    texture = regions.region_means(reg, n, np.hypot(gx, gy)[..., None])[:, 0] / unit
    big = np.flatnonzero((areas > 0.02 * h * w) & (texture < 0.012))
    if not len(big):
        return paint
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    yy /= h
    xx /= w
    out = paint.copy()
    for r in big:
        ys, xs = np.nonzero(reg == r)
        step = max(1, len(ys) // 4000)
        sy, sx = ys[::step], xs[::step]
        basis = _quad(xx[sy, sx], yy[sy, sx])
        target = smooth[sy, sx]
        coef, *_ = np.linalg.lstsq(basis, target, rcond=None)
        fitted = _quad(xx[ys, xs], yy[ys, xs]) @ coef
        flat_mean = paint[ys, xs].mean(0)
        # Keep the gradient's shape but centre it on the graded flat colour.
        out[ys, xs] = flat_mean + 0.9 * (fitted - fitted.mean(0))
    return out


def _quad(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return np.stack([np.ones_like(x), x, y, x * x, x * y, y * y], axis=1)


def _grain(h: int, w: int, params: AnimeCelParams) -> np.ndarray | None:
    """Faint deterministic film grain at the analysis size (sRGB offset), or None."""
    if params.grain <= 0:
        return None
    rng = np.random.default_rng(GRAIN_SEED)
    noise = rng.standard_normal((h, w)).astype(np.float32)
    return cv2.GaussianBlur(noise, (0, 0), 0.6 * max(h, w) / 1024) * 0.018 * params.grain


def _finish(
    paint_lab: np.ndarray, coverage: np.ndarray, params: AnimeCelParams, size: tuple[int, int]
) -> np.ndarray:
    """Paint and ink resized to the working size, grain added: sRGB (H, W, 3) float32.

    The preview's path; a print composes the same layers at its own size instead
    (:func:`anime_cel_layers`, :mod:`ml.classical.print_edges`).
    """
    h, w = paint_lab.shape[:2]
    grain = _grain(h, w, params)
    rgb = _to_srgb(paint_lab)
    if (w, h) != size:
        rgb = cv2.resize(rgb, size, interpolation=cv2.INTER_LINEAR)
        if grain is not None:
            grain = cv2.resize(grain, size, interpolation=cv2.INTER_LINEAR)
    cov = ink.crisp_upsample(coverage, size)
    if grain is not None:
        rgb += grain[..., None]
    rgb = rgb * (1 - cov[..., None]) + INK * cov[..., None]
    return np.clip(rgb, 0, 1, out=rgb)

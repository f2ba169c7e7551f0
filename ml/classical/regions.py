"""Flat paint regions for ``anime-cel``: edge-aware smoothing, colour clusters, connected regions.

A cel painter fills whole objects with one paint, so the renderer needs
regions that follow objects, not the photo's texture. Clustering colours
alone gives posterized texture (every leaf its own blob); here the picture is
first flattened by mean shift (:func:`mean_shift`), and clusters are only the
seed: their connected pieces become regions, similar neighbours are joined and
pieces smaller than ``min_area`` are absorbed into the nearest large region,
so foliage, gravel and fur become a few paint areas.

Everything is numpy/OpenCV on one analysis-size picture (about 1024 px), so
the cost and the look do not depend on the print resolution.
"""

from __future__ import annotations

import cv2
import numpy as np
import torch

from ml.classical.retro_cel import checked_centres, kmeans_palette, majority_filter
from ml.color import srgb_to_oklab


def edge_aware_smooth(lab: np.ndarray, unit: float, passes: int = 3) -> np.ndarray:
    """Repeated bilateral filtering in Oklab: flattens texture, keeps object boundaries.

    ``unit`` is the size of one pixel of a 1024 px picture at the working size.
    """
    out = lab.astype(np.float32, copy=True)
    for i in range(passes):
        # Growing range sigma: the first pass removes noise, later ones flatten shading texture.
        out = cv2.bilateralFilter(out, d=-1, sigmaColor=0.04 + 0.015 * i, sigmaSpace=3.0 * unit)
    return out


def mean_shift(rgb: np.ndarray, unit: float, colour_radius: float = 28.0) -> np.ndarray:
    """Oklab (H, W, 3): the picture flattened into patches that keep its structure.

    OpenCV's mean-shift filter moves every pixel to the mode of the colours
    around it (within ``colour_radius`` in 8-bit sRGB and about 16 px at
    1024): foliage, fur, gravel and stone become a few painted patches, while
    anything that stands apart in colour (a trunk against a forest, a window
    in a wall, a tiger's stripes) keeps its shape and edges. A blur-based
    calming bleeds such things into their surroundings.

    It runs at half the analysis size (its cost grows with the window's area
    times the pixels: 0.4 s there against 4-6 s at 1024 px on one core) and is
    enlarged back; the cel borders are rounded later anyway.
    """
    h, w = rgb.shape[:2]
    half = min(1.0, 0.5 / max(unit, 1e-3))
    small_size = (max(1, round(w * half)), max(1, round(h * half)))
    img = np.clip(rgb * 255 + 0.5, 0, 255).astype(np.uint8)
    if small_size != (w, h):
        img = cv2.resize(img, small_size, interpolation=cv2.INTER_AREA)
    scale = unit * half  # one pixel here, in pixels of a 1024 px picture, halved
    img = cv2.bilateralFilter(img, -1, 30, max(1.0, 2.5 * scale * 2))
    img = cv2.pyrMeanShiftFiltering(img, max(2, round(16 * scale)), colour_radius, maxLevel=1)
    out = img.astype(np.float32) / 255
    if small_size != (w, h):
        out = cv2.resize(out, (w, h), interpolation=cv2.INTER_LINEAR)
    t = torch.from_numpy(np.ascontiguousarray(np.clip(out, 0, 1).transpose(2, 0, 1)))[None]
    return srgb_to_oklab(t)[0].permute(1, 2, 0).contiguous().numpy()


def texture_map(lightness: np.ndarray, unit: float) -> np.ndarray:
    """(H, W) in [0, 1]: how much a pixel sits in texture (foliage, fur, gravel, sand ripples).

    Texture is where edges are dense: the fraction of Canny edge pixels in a
    window of about 15 px at 1024. An object boundary is a single edge and
    scores low; leaves and fur score high.

    A picture smaller than 1024 px is measured enlarged to 1024 (edges are cheap): at
    320 px an eye is a five-pixel dot whose one Canny ring fills a five-pixel window,
    so it read as texture and was painted over; enlarged, it is one small ring in a
    15-pixel window, as in a 1024 px preview of the same photo.
    """
    h, w = lightness.shape
    grow = max(1.0, 1.0 / unit)
    if grow > 1.0:
        big = (max(1, round(w * grow)), max(1, round(h * grow)))
        t = texture_map(cv2.resize(lightness, big, interpolation=cv2.INTER_LINEAR), 1.0)
        return cv2.resize(t, (w, h), interpolation=cv2.INTER_AREA)
    img = np.clip(lightness * 255, 0, 255).astype(np.uint8)
    edges = (cv2.Canny(img, 20, 50, L2gradient=True) > 0).astype(np.float32)
    win = max(3, int(round(15 * unit)) | 1)
    density = cv2.boxFilter(edges, -1, (win, win))
    t = np.clip((density - 0.08) / 0.12, 0, 1)
    return cv2.GaussianBlur(t, (0, 0), 4 * unit)


def cluster_features(
    lab: np.ndarray, lightness_weight: float = 0.7, chroma_weight: float = 2.0
) -> torch.Tensor:
    """(1, 3, H, W) weighted Oklab: the space :func:`colour_clusters` runs k-means in.

    Lightness counts less than in plain Oklab so an object's lit and shaded
    sides land in one cluster (the shading is painted back later as cel
    tones); chroma counts more so small saturated things keep their colour.
    """
    w = np.array([lightness_weight, chroma_weight, chroma_weight], dtype=np.float32)
    return torch.from_numpy(np.ascontiguousarray((lab * w).transpose(2, 0, 1)))[None]


def colour_clusters(
    lab: np.ndarray,
    k: int,
    lightness_weight: float = 0.7,
    chroma_weight: float = 2.0,
    centres: torch.Tensor | None = None,
) -> np.ndarray:
    """Cluster index per pixel (H, W) int32, k-means in :func:`cluster_features` (deterministic).

    ``centres`` ((k, 3) in that space, e.g. a clip's keyframes' pooled k-means) are used
    instead of the picture's own k-means.
    """
    feat = cluster_features(lab, lightness_weight, chroma_weight)
    centres = kmeans_palette(feat, k) if centres is None else checked_centres(centres, k)
    h, wid = lab.shape[:2]
    labels = torch.empty((1, h, wid), dtype=torch.long)
    # Assign in row bands: the (k, 3, H, W) distance tensor would be large at print size.
    band = max(1, 2_000_000 // (k * wid))
    for y in range(0, h, band):
        d = (feat[:, :, y : y + band].unsqueeze(1) - centres.view(1, -1, 3, 1, 1)).pow(2).sum(2)
        labels[:, y : y + band] = d.argmin(1)
    return labels[0].numpy().astype(np.int32)


def smooth_labels(labels: np.ndarray, k: int, size: int) -> np.ndarray:
    """Majority filter: rounds region borders and drops specks smaller than the window."""
    if size < 3:
        return labels
    t = torch.from_numpy(labels.astype(np.int64))[None]
    return majority_filter(t, k, size | 1)[0].numpy().astype(np.int32)


def connected_regions(clusters: np.ndarray, k: int) -> tuple[np.ndarray, int]:
    """Split every cluster into its 4-connected pieces: region id per pixel, region count."""
    regions = np.zeros(clusters.shape, dtype=np.int32)
    total = 0
    for c in range(k):
        mask = (clusters == c).astype(np.uint8)
        if not mask.any():
            continue
        n, lab = cv2.connectedComponents(mask, connectivity=4, ltype=cv2.CV_32S)
        sel = lab > 0
        regions[sel] = lab[sel] - 1 + total
        total += n - 1
    return regions, total


def absorb_small(regions: np.ndarray, min_area: int, keep: np.ndarray | None = None) -> np.ndarray:
    """Give every pixel of a region smaller than ``min_area`` the id of the nearest large region.

    ``keep`` (bool per region id) spares small regions a painter would keep
    (an eye, a nostril, a glint). One distance transform (OpenCV's labelled
    Voronoi) does it for all small regions at once, so the cost does not grow
    with the number of specks.
    """
    areas = np.bincount(regions.ravel())
    small_id = areas < min_area
    if keep is not None:
        small_id &= ~keep[: len(small_id)]
    small = small_id[regions]
    if not small.any() or small.all():
        return regions
    _, nearest = cv2.distanceTransformWithLabels(
        small.astype(np.uint8), cv2.DIST_L2, 3, labelType=cv2.DIST_LABEL_PIXEL
    )
    keep = ~small
    lut = np.zeros(int(nearest.max()) + 1, dtype=np.int32)
    lut[nearest[keep]] = regions[keep]
    return lut[nearest]


def standout(regions: np.ndarray, n: int, lightness: np.ndarray, unit: float) -> np.ndarray:
    """Bool per region: clearly darker or lighter than what surrounds it (about 8 px at 1024).

    Eyes, nostrils, a mouth, a glint on glass: small, but what a face or an
    object is recognised by, so they survive :func:`absorb_small`.
    """
    around = cv2.GaussianBlur(lightness, (0, 0), max(1.5, 8 * unit))
    diff = region_means(regions, n, (lightness - around)[..., None])[:, 0]
    return np.abs(diff) > 0.09


def compact_ids(regions: np.ndarray) -> tuple[np.ndarray, int]:
    """Renumber region ids to 0..n-1."""
    ids, inv = np.unique(regions, return_inverse=True)
    return inv.reshape(regions.shape).astype(np.int32), len(ids)


def region_means(regions: np.ndarray, n: int, values: np.ndarray) -> np.ndarray:
    """Mean of ``values`` (H, W, C) over every region: (n, C)."""
    flat = regions.ravel()
    counts = np.maximum(np.bincount(flat, minlength=n), 1).astype(np.float64)
    chans = values.reshape(-1, values.shape[-1])
    return np.stack(
        [
            np.bincount(flat, weights=chans[:, c], minlength=n) / counts
            for c in range(chans.shape[1])
        ],
        axis=1,
    ).astype(np.float32)


def boundaries(regions: np.ndarray) -> np.ndarray:
    """True on pixels whose right or lower neighbour is in another region."""
    b = np.zeros(regions.shape, dtype=bool)
    b[:, :-1] |= regions[:, :-1] != regions[:, 1:]
    b[:-1, :] |= regions[:-1, :] != regions[1:, :]
    return b


def merge_similar(
    regions: np.ndarray, n: int, lab: np.ndarray, threshold: float, lightness_weight: float = 0.7
) -> tuple[np.ndarray, int]:
    """Join neighbouring regions whose mean colours differ by less than ``threshold``.

    A region adjacency graph with union-find: pairs are joined from the most
    similar up, and a pair is only joined while the running means of the two
    groups are still close, so a slow gradient (sand, a wall in shade) becomes
    one region but a chain of small steps does not swallow the picture.
    """
    w = np.array([lightness_weight, 1.0, 1.0], dtype=np.float64)
    flat = regions.ravel()
    counts = np.bincount(flat, minlength=n).astype(np.float64)
    sums = np.stack(
        [np.bincount(flat, weights=lab[..., c].ravel(), minlength=n) for c in range(3)], 1
    )
    pairs = []
    for a, b in ((regions[:, :-1], regions[:, 1:]), (regions[:-1, :], regions[1:, :])):
        d = a != b
        pairs.append(np.stack([a[d], b[d]], 1))
    edges = np.unique(np.sort(np.concatenate(pairs), axis=1), axis=0)
    if not len(edges):
        return regions, n
    means = sums / np.maximum(counts, 1)[:, None]
    dist = np.sqrt((((means[edges[:, 0]] - means[edges[:, 1]]) * w) ** 2).sum(1))
    order = np.argsort(dist, kind="stable")
    parent = np.arange(n)

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for e in order:
        if dist[e] >= threshold:
            break
        ra, rb = root(int(edges[e, 0])), root(int(edges[e, 1]))
        if ra == rb:
            continue
        ma, mb = sums[ra] / counts[ra], sums[rb] / counts[rb]
        if np.sqrt((((ma - mb) * w) ** 2).sum()) >= threshold:
            continue
        parent[rb] = ra
        sums[ra] += sums[rb]
        counts[ra] += counts[rb]
    roots = np.array([root(i) for i in range(n)])
    return compact_ids(roots[regions])

"""Temporally stable styling of a clip, and the flicker figure that shows it.

Styling each frame on its own flickers on a still camera: sensor noise and
compression change a frame by a few levels, a classical style's k-means then
picks slightly different paint colours and moves a region border, and the
styled frames jump where the picture did not. Two measures, both pure
functions of the clip (so a job can style frames one at a time, store each,
resume after a crash, and still get the same result):

1. :func:`clip_centres` fixes a classical style's quantisation once per clip: the
   k-means centres its paint is chosen from are computed once over a few keyframes
   and every frame is quantised onto those same centres (``StyleSpec.centres``), so a
   region does not change paint because of noise or a passing object elsewhere.
   The colours are the style's own (unlike :func:`clip_spec`, which maps the paint
   onto 18 pooled palette colours and shifts hues). GAN and reference styles are
   deterministic per frame already (inference mode, fixed weights, no noise).
2. :func:`stabilise` holds a styled pixel while its *source* pixel stays
   within a small tolerance of what it was when the styled pixel was taken
   (compared to that reference, not the previous frame, so a slow pan cannot
   creep through the tolerance). Moving parts update at once.

:func:`flicker` is the mean absolute difference between consecutive styled
frames over the pixels whose source barely changed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Sequence

import numpy as np
from PIL import Image, ImageFilter

from ml.palette import palette_of
from ml.styles import StyleSpec, load_style

__all__ = ["clip_centres", "clip_spec", "flicker", "keyframe_indices", "stabilise", "StillMask"]

#: Keyframes sampled for a classical style's clip palette.
KEYFRAMES = 4
#: A source pixel counts as unchanged while its (slightly blurred) RGB stays within this many
#: levels of its reference: above camera noise and H.264 ripple, below real movement.
HOLD_TOLERANCE = 10.0
#: The same tolerance for the flicker figure's "source barely changed".
STILL_TOLERANCE = 4.0


def keyframe_indices(n: int, k: int = KEYFRAMES) -> list[int]:
    """``k`` frame numbers spread across ``n`` frames (first and last included)."""
    if n <= k:
        return list(range(n))
    return sorted({round(i * (n - 1) / (k - 1)) for i in range(k)})


def clip_spec(
    spec: StyleSpec, frames: Sequence[Image.Image], style: Callable[[Image.Image], Image.Image]
) -> StyleSpec:
    """The spec every frame of this clip is styled with.

    ``style`` styles one frame with ``spec`` (the caller's working size and strength). A
    classical style without a palette of its own gets its keyframes' pooled palette; every
    other spec is returned unchanged.
    """
    if spec.kind != "classical" or spec.palette:
        return spec
    styled = [style(frames[i]) for i in keyframe_indices(len(frames))]
    colours = tuple(c.rgb for c in palette_of(styled))
    return dataclasses.replace(spec, palette=colours)


def clip_centres(spec: StyleSpec, frames: Sequence[Image.Image], size: int) -> StyleSpec:
    """``spec`` with a classical style's quantisation centres fixed from ``frames``' keyframes
    (styled at ``size``, the working size); any other spec, or one with centres already,
    is returned unchanged."""
    if spec.kind != "classical" or spec.centres or not frames:
        return spec
    stylizer = load_style(spec)
    keys = [frames[i] for i in keyframe_indices(len(frames))]
    return dataclasses.replace(spec, centres=stylizer.clip_centres(keys, size))  # type: ignore[attr-defined]


def _soft(image: Image.Image) -> np.ndarray:
    """The source as float RGB, blurred a little so single-pixel noise does not count as change."""
    return np.asarray(image.convert("RGB").filter(ImageFilter.BoxBlur(1)), dtype=np.float32)


class StillMask:
    """Per pixel: has the source moved since the styled pixel we show was taken?"""

    def __init__(self, tolerance: float = HOLD_TOLERANCE) -> None:
        self.tolerance = tolerance
        self.reference: np.ndarray | None = None

    def changed(self, source: Image.Image) -> np.ndarray:
        """(H, W) bool: pixels to take from the new styled frame; updates the references."""
        now = _soft(source)
        if self.reference is None or self.reference.shape != now.shape:
            self.reference = now
            return np.ones(now.shape[:2], dtype=bool)
        moved = np.abs(now - self.reference).max(axis=2) > self.tolerance
        # Grow the moving area a little: a styled edge (ink, a region border) is a few pixels
        # wide, and half of it held while the other half moves would leave a seam.
        grown = Image.fromarray(moved.astype(np.uint8) * 255).filter(ImageFilter.MaxFilter(5))
        moved = np.asarray(grown) > 0
        self.reference[moved] = now[moved]
        return moved


def stabilise(
    sources: Sequence[Image.Image], styled: Sequence[Image.Image]
) -> Iterator[Image.Image]:
    """The styled frames with still parts held (see the module docstring), one at a time."""
    mask = StillMask()
    shown: np.ndarray | None = None
    for source, frame in zip(sources, styled, strict=True):
        new = np.asarray(frame.convert("RGB"))
        moved = mask.changed(source.resize(frame.size) if source.size != frame.size else source)
        shown = new.copy() if shown is None else np.where(moved[..., None], new, shown)
        yield Image.fromarray(shown, "RGB")


def flicker(
    sources: Sequence[Image.Image],
    styled: Sequence[Image.Image],
    tolerance: float = STILL_TOLERANCE,
) -> float:
    """Mean |styled[t] - styled[t-1]| (0..255 levels) over pixels whose source barely changed.

    NaN when the source never holds still (nothing to measure).
    """
    total = 0.0
    count = 0
    prev_src: np.ndarray | None = None
    prev_out: np.ndarray | None = None
    for source, frame in zip(sources, styled, strict=True):
        out = np.asarray(frame.convert("RGB"), dtype=np.float32)
        src = _soft(source.resize(frame.size) if source.size != frame.size else source)
        if prev_src is not None and prev_out is not None:
            still = np.abs(src - prev_src).max(axis=2) <= tolerance
            total += float(np.abs(out - prev_out).mean(axis=2)[still].sum())
            count += int(still.sum())
        prev_src, prev_out = src, out
    return total / count if count else float("nan")

"""One interface for every style kind: a :class:`StyleSpec` in, a cached :class:`Stylizer` out.

The Django side (styling worker, Wagtail style admin) uses exactly
:class:`StyleSpec`, :func:`load_style`, :func:`verify_weights` and
:class:`WeightsRejected`; everything else in ``ml`` is an implementation detail.

Caching: :func:`load_style` keeps one stylizer per distinct spec per process
(GAN weights identified by their sha256, reference pictures by theirs, so a
re-uploaded file with the same name but new content is a new style). Loading
is the expensive part; calling a stylizer is stateless and can be repeated.
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ml.device import DeviceInfo, pick_device
from ml.model_cache import MODELS
from ml.stylizer import ProgressFn, Stylizer
from ml.weights import WeightsRejected, load_generator, sha256_file, verify_weights

log = logging.getLogger(__name__)

__all__ = [
    "BUILTIN_STYLES",
    "KINDS",
    "BuiltinStyle",
    "FrozenParams",
    "ProgressFn",
    "StyleSpec",
    "Stylizer",
    "WeightsRejected",
    "clear_style_cache",
    "load_style",
    "verify_weights",
]

KINDS = ("gan", "reference", "classical")


class FrozenParams(Mapping[str, Any]):
    """An immutable, hashable mapping, so a :class:`StyleSpec` can be a cache key."""

    def __init__(self, data: Mapping[str, Any] | None = None) -> None:
        self._data = dict(data or {})

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __hash__(self) -> int:
        return hash(tuple(sorted((k, repr(v)) for k, v in self._data.items())))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Mapping) and dict(self) == dict(other)

    def __repr__(self) -> str:
        return f"FrozenParams({self._data!r})"


@dataclass(frozen=True)
class StyleSpec:
    """What a style is: its kind plus what that kind needs.

    ``gan``: ``architecture`` (see :data:`ml.archs.ARCHITECTURES`) and ``weights`` (a state-dict file).
    ``reference``: ``reference`` (a picture); params ``detail`` (0..1, default 0.35).
    ``classical``: ``builtin`` (see :data:`BUILTIN_STYLES`); retro-cel params
    ``palette_size``, ``line_weight``, ``smoothing``, ``saturation``; anime-cel params
    ``colours``, ``detail``, ``line_weight``, ``shading``, ``saturation``, ``grain``, ``faces``.
    ``palette`` (classical only): sRGB triples, e.g. a film still's :func:`ml.palette.palette_of`;
    the paint colours are mapped onto it in Oklab.
    ``centres`` (classical only): the style's quantisation centres fixed for a clip (from its
    keyframes, :meth:`ml.classical.stylizer.CelStylizer.clip_centres`), so every frame paints
    onto the same colours; empty for photos, which cluster their own.
    """

    kind: str
    architecture: str | None = None
    weights: str | None = None
    reference: str | None = None
    builtin: str | None = None
    params: Mapping[str, Any] = field(default_factory=FrozenParams)
    palette: tuple[tuple[int, int, int], ...] = ()
    centres: tuple[tuple[float, float, float], ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.params, FrozenParams):
            object.__setattr__(self, "params", FrozenParams(self.params))
        if self.kind not in KINDS:
            raise ValueError(f"Unknown style kind {self.kind!r}; use one of {', '.join(KINDS)}")
        try:
            palette = tuple((int(r), int(g), int(b)) for r, g, b in self.palette or ())
        except (TypeError, ValueError):
            raise ValueError("A palette is a list of [r, g, b] colours") from None
        object.__setattr__(self, "palette", palette)
        if palette and self.kind != "classical":
            raise ValueError("A palette drives the paint of classical styles only")
        try:
            centres = tuple((float(a), float(b), float(c)) for a, b, c in self.centres or ())
        except (TypeError, ValueError):
            raise ValueError("Centres are a list of [a, b, c] numbers") from None
        object.__setattr__(self, "centres", centres)
        if centres and self.kind != "classical":
            raise ValueError("Fixed centres belong to classical styles only")
        needed = {
            "gan": ("architecture", "weights"),
            "reference": ("reference",),
            "classical": ("builtin",),
        }
        for name in needed[self.kind]:
            if not getattr(self, name):
                raise ValueError(f"A {self.kind} style needs {name}")


@dataclass(frozen=True)
class BuiltinStyle:
    """A weight-free style shipped with the product."""

    title: str
    description: str
    factory: Callable[..., Stylizer]  # (device, params, palette, centres) -> Stylizer
    licence: str = "Retrocel's own algorithm; no third-party weights."
    #: Bumped whenever the renderer's look changes: stored samples (keyed on it) re-render.
    version: str = "1"


def _retro_cel(
    device: DeviceInfo, params: Mapping[str, Any], palette: tuple = (), centres: tuple = ()
) -> Stylizer:
    from ml.classical.stylizer import RetroCelStylizer

    return RetroCelStylizer(device, params, palette, centres)


def _anime_cel(
    device: DeviceInfo, params: Mapping[str, Any], palette: tuple = (), centres: tuple = ()
) -> Stylizer:
    from ml.classical.stylizer import AnimeCelStylizer

    return AnimeCelStylizer(device, params, palette, centres)


BUILTIN_STYLES: dict[str, BuiltinStyle] = {
    "retro-cel": BuiltinStyle(
        title="Retro cel",
        description="1990s cel animation: flat paint from a small palette, dark ink outlines.",
        factory=_retro_cel,
    ),
    "anime-cel": BuiltinStyle(
        title="Anime cel",
        description="A 90s TV-anime frame: flat cel paint with hard shadow tones, clean ink on "
        "object boundaries, soft painted skies.",
        factory=_anime_cel,
        # 2: stripes and locks kept as ink on coats; two-tone skin, line features.
        # 3: mean-shift regions (structure kept), no ink on texture, softer same-hue shadows.
        # 4: faces get drawn anime eyes (white, iris, catch-light), brows clear of the eyes;
        #    texture measured as at 1024 px, so small pictures keep their eyes.
        version="4",
    ),
}


def load_style(spec: StyleSpec, *, device: DeviceInfo | None = None) -> Stylizer:
    """The stylizer for ``spec``, built once and reused while it stays in ``ml.model_cache``.

    A spec with fixed ``centres`` (one clip's colours) is built fresh and never cached:
    a classical stylizer costs nothing to build, and one cache entry per clip would evict
    the networks (generators, RDN) that do cost seconds to load.

    Raises:
        WeightsRejected: GAN weights that are unusable for the architecture.
        ml.imageio.ImageRejected: a reference picture that is not an acceptable image.
        ValueError: an unknown built-in, architecture or parameter.
    """
    device = device or pick_device()
    if spec.centres:
        return _build(spec, device)
    key = (
        "style",
        _identity(spec),
        spec.params,
        str(device.device),
        str(device.dtype),
        str(device.generator_dtype),
    )

    def build() -> Stylizer:
        stylizer = _build(spec, device)
        log.info("loaded style %s on %s", stylizer.name, device.device)
        return stylizer

    return MODELS.get_or_build(key, build)


def clear_style_cache() -> None:
    """Forget every loaded model, stylizers and upscalers (tests; an admin replacing weights in
    place needs nothing: the sha changes)."""
    MODELS.clear()


def _identity(spec: StyleSpec) -> tuple:
    if spec.kind == "gan":
        return ("gan", spec.architecture, _file_sha(spec.weights))
    if spec.kind == "reference":
        return ("reference", _file_sha(spec.reference))
    return ("classical", spec.builtin, spec.palette, spec.centres)


def _file_sha(path: str | None) -> str:
    """sha256 of a file, memoised on (path, size, mtime) so repeated loads do not re-hash."""
    p = Path(path or "")
    try:
        st = p.stat()
    except FileNotFoundError:
        raise WeightsRejected(f"The file {p.name!r} does not exist.") from None
    return _sha_of(os.path.realpath(p), st.st_size, st.st_mtime_ns)


@functools.lru_cache(maxsize=256)
def _sha_of(real_path: str, size: int, mtime_ns: int) -> str:
    """Bounded: a long-lived worker sees every admin upload and every replaced file once."""
    return sha256_file(Path(real_path))


def _build(spec: StyleSpec, device: DeviceInfo) -> Stylizer:
    if spec.kind == "gan":
        from ml.archs import ARCHITECTURES
        from ml.gan import GanStylizer

        if spec.architecture not in ARCHITECTURES:
            raise WeightsRejected(
                f"Unknown architecture {spec.architecture!r}; choose one of {', '.join(ARCHITECTURES)}."
            )
        if spec.params:
            raise ValueError("GAN styles take no parameters")
        model = load_generator(spec.weights, spec.architecture)
        name = f"{spec.architecture}:{_file_sha(spec.weights)[:12]}"
        return GanStylizer(model, ARCHITECTURES[spec.architecture], device, name)
    if spec.kind == "reference":
        from ml.reference import ReferenceStylizer

        return ReferenceStylizer(device, spec.reference, spec.params)
    try:
        builtin = BUILTIN_STYLES[spec.builtin]
    except KeyError:
        raise ValueError(
            f"Unknown built-in style {spec.builtin!r}; available: {', '.join(BUILTIN_STYLES)}"
        ) from None
    return builtin.factory(device, spec.params, spec.palette, spec.centres)

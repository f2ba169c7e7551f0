"""The print-quality badge: the resolution a design prints at, its tier, and true advice.

Pure rules on plain values (no database, no settings): ``styling.designs`` gathers the
original crop's pixels, the variant and the variants on sale, and this module decides.

The figure is what the print path delivers (``styling.placement.print_dpi``): the style
re-runs on the shopper's *original* crop at the pixels the placed size needs, RDN adds at
most ``max_sr_scale``, so the badge never promises more than the PDF carries. When a size
is too small the advice lists only what is true for this photo: the sizes (of this product
and others) it fills at 100 %, and how far to zoom out for this one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from styling.placement import (
    MIN_SCALE,
    Placement,
    Tier,
    max_scale_for_dpi,
    print_dpi,
    quality_tier,
)

__all__ = ["PrintQuality", "SizeOption", "assess", "sizes_filled"]

TIER_WORDS = {Tier.SHARP: "sharp", Tier.GOOD: "good", Tier.TOO_SMALL: "too small"}


@dataclass(frozen=True)
class SizeOption:
    """One variant on sale, as the advice names it: product, size and its print spec."""

    product: str
    name: str
    spec: Any  # a PrintArea with ``min_dpi`` and ``recommended_dpi``


@dataclass(frozen=True)
class PrintQuality:
    dpi: int
    min_dpi: int
    recommended_dpi: int
    tier: Tier
    max_scale: float  # largest placement scale that still reaches min_dpi
    max_sr_scale: int
    source_px: tuple[int, int]
    fits: tuple[SizeOption, ...] = ()  # sizes this photo fills at 100 % (only when blocked)

    @property
    def ok(self) -> bool:
        return self.tier is not Tier.TOO_SMALL

    @property
    def tier_label(self) -> str:
        return TIER_WORDS[self.tier]

    @property
    def message(self) -> str:
        if self.tier is Tier.SHARP:
            return (
                f"{self.dpi} DPI at print size — sharp (this product needs {self.min_dpi}; "
                f"{self.recommended_dpi} or more is sharp)."
            )
        if self.tier is Tier.GOOD:
            return (
                f"{self.dpi} DPI at print size — good (this product needs {self.min_dpi}; "
                f"{self.recommended_dpi} would be sharp)."
            )
        return (
            f"{self.dpi} DPI at print size — too small, even after {self.max_sr_scale}x AI "
            f"upscaling of your original photo; this product needs {self.min_dpi} DPI, so it "
            f"would print blurry and cannot be added.{self.advice}"
        )

    @property
    def advice(self) -> str:
        """What this photo *can* do, for a blocked size (empty when not blocked)."""
        if self.ok:
            return ""
        parts = []
        if self.max_scale >= MIN_SCALE:
            parts.append(f" Zoom out to {int(self.max_scale * 100)}% or less for this size.")
        if self.fits:
            parts.append(f" At 100% your photo fills: {_list_sizes(self.fits)}.")
        if not parts:
            w, h = self.source_px
            parts.append(
                f" Your photo ({w} x {h} pixels as cropped) is too small for every size we "
                "sell; please upload a larger photo or crop less."
            )
        return "".join(parts)


def _list_sizes(options: Iterable[SizeOption]) -> str:
    """``"Art poster 12 x 18 in or A3; Ceramic mug 11 oz"`` (products in the given order)."""
    by_product: dict[str, list[str]] = {}
    for option in options:
        by_product.setdefault(option.product, []).append(option.name)
    return "; ".join(f"{product} {' or '.join(names)}" for product, names in by_product.items())


def sizes_filled(
    source_px: tuple[int, int], options: Iterable[SizeOption], *, max_sr_scale: int
) -> tuple[SizeOption, ...]:
    """The sizes a photo of ``source_px`` fills at 100 % (cover fit) at their minimum or better."""
    return tuple(
        option
        for option in options
        if print_dpi(
            source_px,
            option.spec,
            Placement(),
            target_dpi=option.spec.recommended_dpi,
            max_sr_scale=max_sr_scale,
        )
        >= option.spec.min_dpi
    )


def assess(
    source_px: tuple[int, int],
    spec: Any,
    placement: Placement,
    *,
    max_sr_scale: int,
    on_sale: Callable[[], Iterable[SizeOption]] = tuple,
) -> PrintQuality:
    """The badge for a photo whose original crop is ``source_px``, placed on ``spec``.

    ``on_sale`` (the sizes on sale, asked lazily) is called only when this size is too
    small, to name the sizes that work.
    """
    recommended = max(spec.min_dpi, spec.recommended_dpi)
    dpi = print_dpi(source_px, spec, placement, target_dpi=recommended, max_sr_scale=max_sr_scale)
    tier = quality_tier(dpi, spec.min_dpi, recommended)
    fits = (
        sizes_filled(source_px, on_sale(), max_sr_scale=max_sr_scale)
        if tier is Tier.TOO_SMALL
        else ()
    )
    return PrintQuality(
        dpi=dpi,
        min_dpi=spec.min_dpi,
        recommended_dpi=recommended,
        tier=tier,
        max_scale=max_scale_for_dpi(source_px, spec, spec.min_dpi, max_sr_scale=max_sr_scale),
        max_sr_scale=max_sr_scale,
        source_px=source_px,
        fits=fits,
    )

"""styling.quality: the tiered badge and its advice, on the shop's real poster and mug sizes."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from styling.placement import Placement, Tier
from styling.quality import SizeOption, assess

IN = Decimal("25.4")
BEACH_CROP = (768, 1020)  # sun80/beach_sun_bgtlposotyokcsdg.jpg (768x1024) cropped to 18x24
PHONE_12MP = (3024, 4032)


@dataclass
class Spec:
    trim_width_mm: Decimal
    trim_height_mm: Decimal
    bleed_mm: Decimal = Decimal("3.18")
    safe_margin_mm: Decimal = Decimal("6.35")
    min_dpi: int = 150
    recommended_dpi: int = 300
    masks: list = field(default_factory=list)


POSTER_12X18 = Spec(12 * IN, 18 * IN)
POSTER_18X24 = Spec(18 * IN, 24 * IN)
POSTER_A2 = Spec(Decimal(420), Decimal(594), bleed_mm=Decimal(3))
MUG_11OZ = Spec(9 * IN, Decimal("3.5") * IN)
CASE = Spec(Decimal(75), Decimal(151), bleed_mm=Decimal(3), min_dpi=300)
ON_SALE = [
    SizeOption("Ceramic mug", "11 oz", MUG_11OZ),
    SizeOption("Art poster", "12 x 18 in", POSTER_12X18),
    SizeOption("Art poster", "18 x 24 in", POSTER_18X24),
    SizeOption("Art poster", "A2", POSTER_A2),
    SizeOption("Slim phone case", "iPhone 15", CASE),
]


def test_the_beach_crop_fills_the_18x24_poster_at_the_good_tier() -> None:
    # 768 px over 18.26 in (cover fit of the 18.25 x 24.25 in bleed box) x 4 = 168 DPI
    quality = assess(BEACH_CROP, POSTER_18X24, Placement(), max_sr_scale=4)
    assert (quality.dpi, quality.tier, quality.ok) == (168, Tier.GOOD, True)
    assert quality.message == (
        "168 DPI at print size — good (this product needs 150; 300 would be sharp)."
    )


def test_a_12_megapixel_photo_is_sharp_on_the_18x24_poster() -> None:
    quality = assess(PHONE_12MP, POSTER_18X24, Placement(), max_sr_scale=4)
    assert (quality.dpi, quality.tier) == (300, Tier.SHARP)
    assert quality.message.startswith("300 DPI at print size — sharp")


def test_blocked_zoom_names_the_scale_and_every_size_filled_at_100_percent() -> None:
    # Zoomed to 2x the beach crop reaches 84 DPI; 168/150 of cover fit = 112 % still works.
    quality = assess(
        BEACH_CROP, POSTER_18X24, Placement(scale=2.0), max_sr_scale=4, on_sale=lambda: ON_SALE
    )
    assert (quality.dpi, quality.tier) == (84, Tier.TOO_SMALL)
    assert quality.advice == (
        " Zoom out to 112% or less for this size. At 100% your photo fills: Ceramic mug 11 oz; "
        "Art poster 12 x 18 in or 18 x 24 in or A2; Slim phone case iPhone 15."
    )


def test_a_photo_too_small_for_everything_says_so_and_asks_for_a_bigger_one() -> None:
    quality = assess((120, 160), POSTER_18X24, Placement(), max_sr_scale=4, on_sale=lambda: ON_SALE)
    assert (quality.dpi, quality.tier, quality.ok) == (26, Tier.TOO_SMALL, False)
    assert quality.fits == ()
    assert quality.message.endswith(
        "Your photo (120 x 160 pixels as cropped) is too small for every size we sell; "
        "please upload a larger photo or crop less."
    )


def test_the_advice_lists_only_sizes_that_work() -> None:
    # 400 x 532 px: 87 DPI on 18x24 (blocked), 131 on 12x18 (blocked), enough for the mug.
    quality = assess((400, 532), POSTER_18X24, Placement(), max_sr_scale=4, on_sale=lambda: ON_SALE)
    assert [f"{o.product} {o.name}" for o in quality.fits] == [
        "Ceramic mug 11 oz",
        "Slim phone case iPhone 15",
    ]
    assert quality.advice == (
        " Zoom out to 58% or less for this size. At 100% your photo fills: Ceramic mug 11 oz; "
        "Slim phone case iPhone 15."
    )
    # ... and 58 % really is enough: the figure is the floor of the largest working scale.
    assert assess((400, 532), POSTER_18X24, Placement(scale=0.58), max_sr_scale=4).ok

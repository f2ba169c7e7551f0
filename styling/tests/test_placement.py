"""styling.placement: cover fit, offsets, composition and the effective DPI (pure functions)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from PIL import Image

from styling.placement import (
    Placement,
    PlacementInvalid,
    Rect,
    Tier,
    canvas_size_for_long_side,
    effective_dpi,
    image_rect_mm,
    max_scale_for_dpi,
    overlay_geometry,
    print_dpi,
    print_render,
    quality_tier,
    resample_onto_canvas,
)


@dataclass
class Spec:
    """100 x 50 mm trim + 5 mm bleed = a 110 x 60 mm bleed box."""

    trim_width_mm: Decimal = Decimal("100")
    trim_height_mm: Decimal = Decimal("50")
    bleed_mm: Decimal = Decimal("5")
    safe_margin_mm: Decimal = Decimal("4")
    masks: list = field(default_factory=list)


def half_red_half_blue(w: int = 220, h: int = 120) -> Image.Image:
    im = Image.new("RGB", (w, h), (0, 0, 255))
    im.paste((255, 0, 0), (0, 0, w // 2, h))
    return im


def test_default_placement_covers_the_bleed_box_exactly() -> None:
    assert image_rect_mm((220, 120), Spec(), Placement()) == Rect(0.0, 0.0, 110.0, 60.0)


def test_cover_fit_of_a_taller_image_overflows_top_and_bottom_equally() -> None:
    # Given a square image in a 110 x 60 box, cover fit is 110 x 110, centred
    rect = image_rect_mm((500, 500), Spec(), Placement())
    assert rect == Rect(0.0, -25.0, 110.0, 110.0)


def test_offsets_are_fractions_of_the_bleed_box_and_scale_is_about_the_centre() -> None:
    rect = image_rect_mm((220, 120), Spec(), Placement(scale=0.5, offset_x=0.25, offset_y=-0.1))
    assert rect == pytest.approx(Rect(55.0, 9.0, 55.0, 30.0))
    assert (rect.x + rect.w / 2, rect.y + rect.h / 2) == pytest.approx((82.5, 24.0))


def test_effective_dpi_counts_the_4x_upscale_and_rounds_down() -> None:
    # 220 px x 4 = 880 px over 110 mm (4.3307 in) = 203.2 DPI
    assert effective_dpi((220, 120), Spec(), Placement()) == 203
    assert effective_dpi((220, 120), Spec(), Placement(), max_sr_scale=1) == 50
    # Half the size on the product: twice the density
    assert effective_dpi((220, 120), Spec(), Placement(scale=0.5)) == 406


def test_max_scale_for_dpi_is_where_the_dpi_meets_the_minimum() -> None:
    limit = max_scale_for_dpi((220, 120), Spec(), min_dpi=300)
    assert limit == pytest.approx(203.2 / 300, rel=1e-6)
    assert effective_dpi((220, 120), Spec(), Placement(scale=limit - 1e-6)) >= 300
    assert effective_dpi((220, 120), Spec(), Placement(scale=limit + 0.01)) < 300


def test_compose_default_fills_the_canvas_with_the_image() -> None:
    canvas = resample_onto_canvas(half_red_half_blue(), Spec(), Placement(), (220, 120))
    assert canvas.size == (220, 120)
    assert canvas.getpixel((10, 60)) == (255, 0, 0)
    assert canvas.getpixel((210, 60)) == (0, 0, 255)


def test_compose_offset_leaves_paper_white_where_the_image_moved_away() -> None:
    canvas = resample_onto_canvas(half_red_half_blue(), Spec(), Placement(offset_x=0.5), (220, 120))
    assert canvas.getpixel((50, 60)) == (255, 255, 255)
    assert canvas.getpixel((115, 60)) == (255, 0, 0)


def test_compose_scaled_down_is_centred_with_white_around() -> None:
    canvas = resample_onto_canvas(half_red_half_blue(), Spec(), Placement(scale=0.5), (440, 240))
    assert canvas.getpixel((10, 10)) == (255, 255, 255)
    assert canvas.getpixel((150, 120)) == (255, 0, 0)
    assert canvas.getpixel((290, 120)) == (0, 0, 255)


def test_compose_only_resamples_the_visible_part_of_a_zoomed_image() -> None:
    # Zoomed 4x onto the right edge: only blue is visible, and the call stays small
    canvas = resample_onto_canvas(
        half_red_half_blue(), Spec(), Placement(scale=4, offset_x=-1), (2200, 1200)
    )
    assert canvas.getpixel((2100, 600)) == (0, 0, 255)


def test_canvas_size_for_long_side_keeps_the_bleed_box_aspect() -> None:
    assert canvas_size_for_long_side(Spec(), 1100) == (1100, 600)


def test_overlay_geometry_in_fractions_of_the_bleed_box() -> None:
    spec = Spec(masks=[{"kind": "camera", "x": 0, "y": 0, "w": 11, "h": 6}])
    geo = overlay_geometry(spec)
    assert geo["aspect"] == pytest.approx(110 / 60)
    assert geo["trim"] == pytest.approx({"x": 5 / 110, "y": 5 / 60, "w": 100 / 110, "h": 50 / 60})
    assert geo["safe"] == pytest.approx({"x": 9 / 110, "y": 9 / 60, "w": 92 / 110, "h": 42 / 60})
    [mask] = geo["masks"]
    assert mask.pop("kind") == "camera"
    assert mask == pytest.approx({"x": 5 / 110, "y": 5 / 60, "w": 0.1, "h": 0.1})


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"scale": 5}, "The design can be scaled from 0.25x to 4x, not 5x."),
        ({"scale": 0.1}, "The design can be scaled from 0.25x to 4x, not 0.1x."),
        ({"offset_x": 1.5}, "The design has been moved off the product; move it back."),
        ({"scale": "big"}, "The placement must be given as numbers."),
        ({"scale": "nan"}, "The placement's scale must be a number."),
    ],
)
def test_invalid_placements_are_refused_with_a_reason(data: dict, message: str) -> None:
    with pytest.raises(PlacementInvalid) as caught:
        Placement.from_mapping(data)
    assert caught.value.message == message


@pytest.mark.parametrize("offset_x", [0.0493, -0.0493, 0.31234, 0.9999])
def test_compose_with_fractional_edges_stays_inside_the_image(offset_x: float) -> None:
    # Edges that round outward used to ask Pillow for a negative source box
    canvas = resample_onto_canvas(
        half_red_half_blue(), Spec(), Placement(scale=1.2, offset_x=offset_x), (223, 121)
    )
    assert canvas.size == (223, 121)


def test_quality_tier_has_three_steps_at_the_two_figures() -> None:
    assert [quality_tier(d, 150, 300) for d in (149, 150, 299, 300, 301)] == [
        Tier.TOO_SMALL,
        Tier.GOOD,
        Tier.GOOD,
        Tier.SHARP,
        Tier.SHARP,
    ]
    # A spec whose minimum is its recommendation has no "good" band.
    assert [quality_tier(d, 300, 300) for d in (299, 300)] == [Tier.TOO_SMALL, Tier.SHARP]


def test_print_dpi_is_capped_by_the_target_and_by_the_photos_pixels() -> None:
    # 220 px reach 203 DPI after 4x on the 110 mm box; a 150 target is met, a 300 one is not.
    assert print_dpi((220, 120), Spec(), Placement(), target_dpi=150) == 150
    assert print_dpi((220, 120), Spec(), Placement(), target_dpi=300) == 203
    assert print_dpi((2200, 1200), Spec(), Placement(), target_dpi=300) == 300


def test_print_render_styles_at_the_needed_pixels_and_leaves_rdn_at_most_4x() -> None:
    # Plenty of pixels: 300 DPI over 110 mm = 1299 px; the style runs at 1299 px, no RDN.
    big = print_render((4400, 2400), Spec(), Placement(), target_dpi=300)
    assert (big.dpi, big.placed_px, big.style_px, big.sr_factor) == (
        300,
        (1299, 709),
        (1299, 709),
        1.0,
    )
    # Few pixels: the style runs on the whole crop, RDN + Lanczos cover 879 / 220 = 3.995x.
    small = print_render((220, 120), Spec(), Placement(), target_dpi=300)
    assert (small.dpi, small.placed_px, small.style_px) == (203, (879, 480), (220, 120))
    assert small.sr_factor == pytest.approx(879 / 220) and small.sr_factor <= 4


def test_print_render_caps_the_style_render_and_keeps_the_promised_dpi() -> None:
    # 4400x2400 would style at 1299x709 (921 k px); a 250 k px cap shrinks the style render
    # to sqrt(250k / 10.56M) of the crop and leaves the rest to the upscaler.
    capped = print_render(
        (4400, 2400), Spec(), Placement(), target_dpi=300, max_style_pixels=250_000
    )
    assert (capped.dpi, capped.placed_px, capped.style_px) == (300, (1299, 709), (677, 369))
    assert capped.style_px[0] * capped.style_px[1] <= 250_000
    assert capped.sr_factor == pytest.approx(1299 / 677)
    # A cap so low that the upscaler would need more than 4x stops at 4x (the badge's promise).
    floor = print_render((4400, 2400), Spec(), Placement(), target_dpi=300, max_style_pixels=1000)
    assert floor.style_px == (325, 177) and floor.sr_factor == pytest.approx(1299 / 325)
    assert floor.sr_factor <= 4

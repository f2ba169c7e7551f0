"""Print spec validation and variant pricing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from catalog.models import MockupKind, PrintSpec, format_money
from catalog.tests.factories import PrintSpecFactory, VariantFactory, drawn_template

pytestmark = pytest.mark.django_db


def _errors(spec: PrintSpec) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as info:
        spec.full_clean()
    return info.value.message_dict


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"trim_width_mm": Decimal("0")},
            "trim_width_mm",
            "The trim width must be greater than zero.",
        ),
        (
            {"trim_width_mm": Decimal("-5")},
            "trim_width_mm",
            "The trim width must be greater than zero.",
        ),
        (
            {"trim_height_mm": Decimal("0")},
            "trim_height_mm",
            "The trim height must be greater than zero.",
        ),
        (
            {"trim_height_mm": Decimal("-1")},
            "trim_height_mm",
            "The trim height must be greater than zero.",
        ),
        (
            {
                "trim_width_mm": Decimal("20"),
                "trim_height_mm": Decimal("30"),
                "bleed_mm": Decimal("12"),
            },
            "bleed_mm",
            "A 12 mm bleed on each side is larger than the 20 mm trim it surrounds.",
        ),
        ({"bleed_mm": Decimal("-1")}, "bleed_mm", "The bleed cannot be negative."),
        ({"min_dpi": 71}, "min_dpi", "71 DPI is below 72, too coarse to print; use 72 or more."),
        (
            {"min_dpi": 150, "recommended_dpi": 120},
            "recommended_dpi",
            "The recommended 120 DPI is below the minimum 150 DPI; it must be at least the minimum.",
        ),
        (
            {"safe_margin_mm": Decimal("-2")},
            "safe_margin_mm",
            "The safe margin cannot be negative.",
        ),
        (
            {"masks": [{"kind": "camera", "x": 1, "y": 1, "w": 0, "h": 5}]},
            "masks",
            'Masks must be a list of {"kind", "x", "y", "w", "h"} boxes in millimetres '
            "with positive width and height.",
        ),
    ],
)
def test_bad_print_spec_is_rejected_with_its_message(
    changes: dict, field: str, message: str
) -> None:
    # Given a valid poster spec with one bad figure
    spec = PrintSpecFactory.build(**changes)
    # When it is validated, then that field carries exactly that message and nothing is stored
    assert _errors(spec)[field] == [message]
    assert PrintSpec.objects.count() == 0


def test_template_of_another_kind_is_rejected() -> None:
    poster = drawn_template(MockupKind.POSTER_FRAME, width_mm=304.8, height_mm=457.2)
    spec = PrintSpecFactory.build(mockup_template=poster)  # the 11 oz mug
    assert _errors(spec)["mockup_template"] == [
        f"The template {poster.name!r} is a 'Framed poster on a wall (perspective)' picture; "
        "this spec needs a 'Mug, cylindrical wrap (visible half)' one."
    ]


def test_a_valid_spec_passes_and_gives_print_pixels() -> None:
    spec = PrintSpecFactory.build()
    spec.full_clean()
    # The 11 oz mug: 9 x 3.5 in + 3.18 mm bleed each side = 234.96 x 95.26 mm = 9.2504 x
    # 3.7504 in; at its minimum 150 DPI that is 1387.6 x 562.6 px, rounded UP
    # (catalog.units.pixels_for_mm, the one rounding the print canvas uses too) so the print
    # never falls below the minimum; at 300 DPI 2775.1 x 1125.1 px.
    assert spec.pixels_at() == (1388, 563)
    assert spec.pixels_at(300) == (2776, 1126)
    assert spec.pixels_at(300, with_bleed=False) == (2700, 1050)


def test_variant_price_is_formatted_from_minor_units() -> None:
    variant = VariantFactory(price_minor=1999, currency="usd")
    variant.full_clean()
    assert variant.currency == "USD"
    assert variant.price_display == "$19.99"
    assert format_money(123456, "EUR") == "€1,234.56"
    assert format_money(500, "JPY") == "5.00 JPY"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"price_minor": 0}, "price_minor", "Ensure this value is greater than or equal to 1."),
        ({"currency": "US"}, "currency", "Use a three-letter ISO currency code such as USD."),
    ],
)
def test_bad_variant_price_is_rejected(changes: dict, field: str, message: str) -> None:
    variant = VariantFactory.build(print_spec=PrintSpecFactory(), **changes)
    variant.product.save()
    variant.product_id = variant.product.pk
    with pytest.raises(ValidationError) as info:
        variant.full_clean()
    assert info.value.message_dict[field] == [message]

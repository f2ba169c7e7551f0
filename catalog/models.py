"""What the shop sells: products, their variants and prices, and print specs.

Print specs are data an admin edits, never code constants: a vendor changing
its mug blank changes one row. All lengths are millimetres (Decimal), all
prices integer minor units with an ISO currency.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models

from catalog.units import pixels_for_mm


class PrintSizes:
    """Sizes derived from a trim box and its bleed, shared by ``PrintSpec`` and the
    order-line snapshot the print pipeline reads (``orders.snapshots.SpecSnapshot``)."""

    trim_width_mm: Decimal
    trim_height_mm: Decimal
    bleed_mm: Decimal

    @property
    def bleed_width_mm(self) -> Decimal:
        return self.trim_width_mm + 2 * self.bleed_mm

    @property
    def bleed_height_mm(self) -> Decimal:
        return self.trim_height_mm + 2 * self.bleed_mm


class ProductKind(models.TextChoices):
    MUG = "mug", "Mug"
    POSTER = "poster", "Poster"
    PHONE_CASE = "phone_case", "Phone case"


class MockupKind(models.TextChoices):
    """Which of our programmatic mockup renderers draws a variant."""

    POSTER_FRAME = "poster_frame", "Framed poster on a wall (perspective)"
    MUG_WRAP = "mug_wrap", "Mug, cylindrical wrap (visible half)"
    PHONE_CASE = "phone_case", "Phone case outline"


class MockupTemplate(models.Model):
    """A product photo drawn by us (``catalog.mockup_templates``) plus where a design lands on it.

    ``geometry`` is in template pixels. Flat products (posters, phone cases)
    give the four corners of the trim box, top-left first, clockwise:
    ``{"quad": [[x, y], [x, y], [x, y], [x, y]]}``; phone cases add the case's
    ``corner_radius_mm``. Mugs describe the cylinder:
    ``{"cx", "radius_px", "ellipse_px", "print_top_px", "print_height_px", "diameter_mm"}``
    (see ``catalog.mockups`` for the projection each kind uses).
    """

    name = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=20, choices=MockupKind.choices)
    image = models.ImageField(upload_to="mockup-templates/")
    overlay = models.ImageField(
        upload_to="mockup-templates/",
        blank=True,
        help_text="Optional RGBA layer drawn over the design (glass glare, shadows).",
    )
    geometry = models.JSONField(default=dict)
    image_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    source = models.TextField(
        blank=True, help_text="How the picture was made (our renderer and its parameters)."
    )

    class Meta:
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        # A newly uploaded picture (admin edit) gets its content hash, which keys the mockup cache.
        if self.image and not getattr(self.image, "_committed", True):
            digest = hashlib.sha256()
            for chunk in self.image.chunks():
                digest.update(chunk)
            self.image_sha256 = digest.hexdigest()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        from catalog.mockups import GeometryError, check_geometry

        try:
            check_geometry(self.kind, self.geometry)
        except GeometryError as exc:
            raise ValidationError({"geometry": str(exc)}) from None


class PrintSpec(PrintSizes, models.Model):
    """The physical print area a vendor needs: trim, bleed, safe zone, resolution, masks.

    Resolution comes in two tiers taken from the vendor's file guidelines (cited in
    ``source``): ``min_dpi`` is the least a design may reach at trim size to be sold,
    ``recommended_dpi`` the figure from which it counts as sharp
    (``styling.placement.quality_tier``).

    ``masks`` lists areas the print must leave empty or that are not printed,
    in millimetres from the top-left of the trim box, e.g.
    ``[{"kind": "camera", "x": 4, "y": 4, "w": 38, "h": 38, "radius": 8}]`` or
    ``[{"kind": "handle", "x": 104.3, "y": 0, "w": 20, "h": 88.9}]``.
    """

    name = models.CharField(max_length=120, unique=True)
    trim_width_mm = models.DecimalField(max_digits=7, decimal_places=2)
    trim_height_mm = models.DecimalField(max_digits=7, decimal_places=2)
    bleed_mm = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("3.00"))
    safe_margin_mm = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("3.00"))
    min_dpi = models.PositiveIntegerField(
        default=300,
        help_text="Lowest resolution at trim size this product may be printed at (too small below).",
    )
    recommended_dpi = models.PositiveIntegerField(
        default=300,
        help_text="Resolution at trim size from which the print counts as sharp (the vendor's "
        "recommendation); designs between the minimum and this print as good.",
    )
    is_wrap = models.BooleanField(default=False, help_text="Printed around a cylinder (mugs).")
    masks = models.JSONField(default=list, blank=True)
    mockup = models.CharField(max_length=20, choices=MockupKind.choices)
    mockup_template = models.ForeignKey(
        MockupTemplate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="print_specs",
        help_text="The picture mockups of this spec are rendered on; its kind must match.",
    )
    source = models.TextField(
        blank=True,
        help_text="Where these figures come from (vendor template, standard, measurement).",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.trim_width_mm} x {self.trim_height_mm} mm)"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        width, height = self.trim_width_mm, self.trim_height_mm
        if width is not None and width <= 0:
            errors["trim_width_mm"] = "The trim width must be greater than zero."
        if height is not None and height <= 0:
            errors["trim_height_mm"] = "The trim height must be greater than zero."
        if self.bleed_mm is not None:
            if self.bleed_mm < 0:
                errors["bleed_mm"] = "The bleed cannot be negative."
            elif (
                width
                and height
                and width > 0
                and height > 0
                and self.bleed_mm * 2 >= min(width, height)
            ):
                errors["bleed_mm"] = (
                    f"A {self.bleed_mm} mm bleed on each side is larger than the "
                    f"{min(width, height)} mm trim it surrounds."
                )
        if self.safe_margin_mm is not None and self.safe_margin_mm < 0:
            errors["safe_margin_mm"] = "The safe margin cannot be negative."
        elif (
            self.safe_margin_mm is not None
            and width
            and height
            and width > 0
            and height > 0
            and self.safe_margin_mm * 2 >= min(width, height)
        ):
            errors["safe_margin_mm"] = "The safe margin leaves no printable area inside the trim."
        if self.min_dpi is not None and self.min_dpi < 72:
            errors["min_dpi"] = (
                f"{self.min_dpi} DPI is below 72, too coarse to print; use 72 or more."
            )
        elif (
            self.min_dpi is not None
            and self.recommended_dpi is not None
            and self.recommended_dpi < self.min_dpi
        ):
            errors["recommended_dpi"] = (
                f"The recommended {self.recommended_dpi} DPI is below the minimum "
                f"{self.min_dpi} DPI; it must be at least the minimum."
            )
        if not isinstance(self.masks, list) or not all(_valid_mask(m) for m in self.masks):
            errors["masks"] = (
                'Masks must be a list of {"kind", "x", "y", "w", "h"} boxes in millimetres '
                "with positive width and height."
            )
        template = self.mockup_template if self.mockup_template_id else None
        if template is not None and self.mockup and template.kind != self.mockup:
            errors["mockup_template"] = (
                f"The template {template.name!r} is a {template.get_kind_display()!r} picture; "
                f"this spec needs a {self.get_mockup_display()!r} one."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def aspect_ratio(self) -> float:
        return float(self.trim_width_mm / self.trim_height_mm)

    def pixels_at(self, dpi: int | None = None, *, with_bleed: bool = True) -> tuple[int, int]:
        """Pixel size of the print canvas at ``dpi`` (the spec's minimum by default), rounded up."""
        dpi = dpi or self.min_dpi
        w = self.bleed_width_mm if with_bleed else self.trim_width_mm
        h = self.bleed_height_mm if with_bleed else self.trim_height_mm
        return pixels_for_mm(w, h, dpi)


def _valid_mask(mask: object) -> bool:
    if not isinstance(mask, dict) or not {"kind", "x", "y", "w", "h"} <= mask.keys():
        return False
    try:
        return float(mask["w"]) > 0 and float(mask["h"]) > 0
    except (TypeError, ValueError):
        return False


class Product(models.Model):
    """Something a design goes on (a mug, a poster, a phone case), sold in variants."""

    title = models.CharField(max_length=120)
    slug = models.SlugField(unique=True)
    kind = models.CharField(max_length=20, choices=ProductKind.choices)
    summary = models.CharField(max_length=240, blank=True)
    sort_order = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["sort_order", "title"]

    def __str__(self) -> str:
        return self.title


class Variant(models.Model):
    """A sellable size/model of a product with its SKU, price and print spec."""

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="variants")
    name = models.CharField(max_length=120, help_text='e.g. "11 oz", "18 x 24 in", "iPhone 15"')
    sku = models.CharField(max_length=40, unique=True)
    print_spec = models.ForeignKey(PrintSpec, on_delete=models.PROTECT, related_name="variants")
    price_minor = models.PositiveIntegerField(
        validators=[MinValueValidator(1)], help_text="Price in minor units (cents)."
    )
    currency = models.CharField(max_length=3, default="USD")
    is_active = models.BooleanField(default=True)
    sort_order = models.PositiveIntegerField(default=0)
    mockup = models.ImageField(
        upload_to="mockups/", blank=True, editable=False, help_text="The house design on this size."
    )
    mockup_key = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["product__sort_order", "sort_order", "pk"]

    def __str__(self) -> str:
        return f"{self.product.title} – {self.name}"

    def clean(self) -> None:
        if self.currency and (len(self.currency) != 3 or not self.currency.isalpha()):
            raise ValidationError({"currency": "Use a three-letter ISO currency code such as USD."})
        self.currency = (self.currency or "").upper()

    @property
    def price_display(self) -> str:
        return format_money(self.price_minor, self.currency)


CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£"}


def format_money(amount_minor: int, currency: str) -> str:
    """``1999, "USD"`` -> ``"$19.99"``; unknown currencies get their code."""
    symbol = CURRENCY_SYMBOLS.get(currency.upper())
    value = f"{amount_minor // 100:,}.{amount_minor % 100:02d}"
    return f"{symbol}{value}" if symbol else f"{value} {currency.upper()}"


__all__ = [
    "MockupKind",
    "MockupTemplate",
    "PrintSpec",
    "Product",
    "ProductKind",
    "Variant",
    "format_money",
]

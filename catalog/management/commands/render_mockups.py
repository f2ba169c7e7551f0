"""``manage.py render_mockups OUT.png``: every product variant with a sample design, on one sheet."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from PIL import Image, ImageDraw

from catalog.mockups import render_mockup
from catalog.models import Variant
from catalog.services import house_design_for

TILE = 360
LABEL = 28


class Command(BaseCommand):
    help = "Render every active variant's mockup with the house sample design onto one PNG sheet."

    def add_arguments(self, parser: object) -> None:
        parser.add_argument("out", help="Where to write the sheet (PNG).")
        parser.add_argument("--columns", type=int, default=4)

    def handle(self, *args: object, out: str, columns: int, **options: object) -> None:
        variants = list(
            Variant.objects.filter(is_active=True, print_spec__mockup_template__isnull=False)
            .select_related("product", "print_spec", "print_spec__mockup_template")
            .order_by("product__sort_order", "sort_order")
        )
        if not variants:
            raise CommandError("No active variant has a mockup template; run seed_demo first.")
        rows = (len(variants) + columns - 1) // columns
        sheet = Image.new("RGB", (columns * TILE, rows * (TILE + LABEL)), (255, 248, 239))
        draw = ImageDraw.Draw(sheet)
        for i, variant in enumerate(variants):
            spec = variant.print_spec
            tile = render_mockup(house_design_for(spec), spec).resize((TILE, TILE), Image.LANCZOS)
            x, y = (i % columns) * TILE, (i // columns) * (TILE + LABEL)
            sheet.paste(tile, (x, y))
            draw.text(
                (x + 8, y + TILE + 7),
                f"{variant.product.title}, {variant.name} ({variant.sku})",
                fill=(35, 25, 66),
            )
            self.stdout.write(f"{variant.sku}: {spec.name} on {spec.mockup_template.name}")
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        sheet.save(out, "PNG")
        self.stdout.write(self.style.SUCCESS(f"Wrote {len(variants)} mockups to {out}"))

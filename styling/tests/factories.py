"""factory_boy factories for styling tests (and the catalog rows a design needs), plus real test files."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path

import factory
import torch
from PIL import Image

from catalog.models import MockupKind, ProductKind
from catalog.tests import factories as catalog_factories
from ml.testing.corpus import photo_like
from styling.models import Builtin, Style, StyleKind

CHECKPOINTS = Path(__file__).resolve().parents[3] / "shared" / "checkpoints"


class PrintSpecFactory(catalog_factories.PrintSpecFactory):
    """An 11 oz mug wrap: 8.5 x 3.5 in trim, 3 mm bleed, 300 DPI, handle masked."""

    name = factory.Sequence(lambda n: f"Mug 11 oz wrap {n}")
    trim_width_mm = Decimal("215.90")
    trim_height_mm = Decimal("88.90")
    bleed_mm = Decimal("3.00")
    safe_margin_mm = Decimal("5.00")
    min_dpi = 300
    is_wrap = True
    masks = factory.LazyFunction(
        lambda: [{"kind": "handle", "x": 97.95, "y": 0, "w": 20, "h": 88.9}]
    )
    mockup = MockupKind.MUG_WRAP
    source = "test"


class ProductFactory(catalog_factories.ProductFactory):
    title = "Mug"
    slug = factory.Sequence(lambda n: f"mug-{n}")
    kind = ProductKind.MUG
    summary = ""


class VariantFactory(catalog_factories.VariantFactory):
    product = factory.SubFactory(ProductFactory)
    name = "11 oz"
    sku = factory.Sequence(lambda n: f"MUG-11-{n}")
    print_spec = factory.SubFactory(PrintSpecFactory)
    price_minor = 1899


class StyleFactory(factory.django.DjangoModelFactory):
    """The built-in retro-cel style, enabled and sellable (no weights needed)."""

    class Meta:
        model = Style

    name = factory.Sequence(lambda n: f"Style {n}")
    slug = factory.Sequence(lambda n: f"style-{n}")
    summary = "Flat paint and ink."
    kind = StyleKind.CLASSICAL
    builtin = Builtin.RETRO_CEL
    params = factory.LazyFunction(dict)
    is_enabled = True
    provenance = "Retrocel's own algorithm."
    licence = "Proprietary (ours)"
    commercial_use_allowed = True


def png_bytes(width: int = 96, height: int = 80, seed: int = 0) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(photo_like(width, height, seed)).save(buf, "PNG")
    return buf.getvalue()


def photo_bytes(shared_data: Path, name: str = "bsd68/101085.png") -> bytes:
    return (shared_data / "photos" / name).read_bytes()


def manifest_state_dict_bytes(architecture: str, *, seed: int = 0) -> bytes:
    """A state dict with exactly the tensor names and shapes of the public checkpoint, saved by torch."""
    manifest = json.loads((CHECKPOINTS / f"{architecture}.json").read_text())
    generator = torch.Generator().manual_seed(seed)
    state = {
        name: torch.randn(shape, generator=generator) * 0.02
        for name, shape in manifest["tensors"].items()
    }
    buffer = io.BytesIO()
    torch.save(state, buffer)
    return buffer.getvalue()

"""Mockup geometry: a marker in the design lands where the template's geometry says."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest
from django.core.files.storage import default_storage
from PIL import Image, ImageDraw

from catalog.mockups import (
    CAMERA_BODY,
    Surface,
    cached_mockup,
    project,
    render_mockup,
    template_pictures,
)
from catalog.models import MockupKind
from catalog.tests.factories import PrintSpecFactory, drawn_template

pytestmark = pytest.mark.django_db

GREY = (128, 128, 128)
RED = (255, 0, 0)

CASES = {
    MockupKind.POSTER_FRAME: (Decimal("304.80"), Decimal("457.20"), Decimal("3.18"), []),
    MockupKind.PHONE_CASE: (Decimal("74.00"), Decimal("151.00"), Decimal("3.00"), []),
    MockupKind.MUG_WRAP: (Decimal("228.60"), Decimal("88.90"), Decimal("3.18"), []),
}
# Points of the trim box (u, v); the mug's must lie on its visible half (u < ~0.5).
POINTS = {
    MockupKind.POSTER_FRAME: [(0.2, 0.2), (0.75, 0.3), (0.5, 0.8)],
    MockupKind.PHONE_CASE: [(0.3, 0.3), (0.7, 0.6), (0.5, 0.85)],
    MockupKind.MUG_WRAP: [(0.15, 0.3), (0.3, 0.6), (0.42, 0.5)],
}


def _spec(kind: str, masks: list | None = None):
    width, height, bleed, default_masks = CASES[kind]
    template = drawn_template(kind, width_mm=float(width), height_mm=float(height))
    return PrintSpecFactory(
        name=f"{kind} test",
        mockup=kind,
        is_wrap=kind == MockupKind.MUG_WRAP,
        trim_width_mm=width,
        trim_height_mm=height,
        bleed_mm=bleed,
        masks=default_masks if masks is None else masks,
        mockup_template=template,
    )


def _design_with_marker(spec, u: float, v: float, px_per_mm: float = 4.0) -> Image.Image:
    """A grey bleed-box design with a small red square centred on trim point (u, v)."""
    bleed = float(spec.bleed_mm)
    w, h = float(spec.bleed_width_mm) * px_per_mm, float(spec.bleed_height_mm) * px_per_mm
    design = Image.new("RGB", (round(w), round(h)), GREY)
    cx = (bleed + u * float(spec.trim_width_mm)) * px_per_mm
    cy = (bleed + v * float(spec.trim_height_mm)) * px_per_mm
    half = 0.012 * float(spec.trim_height_mm) * px_per_mm
    ImageDraw.Draw(design).rectangle((cx - half, cy - half, cx + half, cy + half), fill=RED)
    return design


def _red_centroid(image: Image.Image) -> tuple[float, float]:
    px = np.asarray(image.convert("RGB"), dtype=np.int32)
    red = (px[..., 0] > 2 * px[..., 1] + 30) & (px[..., 0] > 2 * px[..., 2] + 30)
    ys, xs = np.nonzero(red)
    assert len(xs) > 0, "the marker is not visible in the mockup"
    return float(xs.mean()) + 0.5, float(ys.mean()) + 0.5


@pytest.mark.parametrize("kind", list(CASES))
def test_marker_lands_where_the_geometry_says(kind: str) -> None:
    # Given a product spec on its drawn template
    spec = _spec(kind)
    surface = Surface.of(spec)
    for u, v in POINTS[kind]:
        # When a design with a marker at trim point (u, v) is rendered
        mockup = render_mockup(_design_with_marker(spec, u, v), spec)
        # Then the marker's centre is where the forward projection puts (u, v), within 1.5 px
        expected = project(surface, spec.mockup_template.geometry, u, v)
        got = _red_centroid(mockup)
        assert mockup.size == (240, 240)
        assert abs(got[0] - expected[0]) <= 1.5 and abs(got[1] - expected[1]) <= 1.5, (
            u, v, got, expected,
        )  # fmt: skip


def test_camera_cut_out_shows_the_phone_not_the_design() -> None:
    camera = {"kind": "camera", "x": 4, "y": 4, "w": 33, "h": 34, "radius": 8}
    spec = _spec(MockupKind.PHONE_CASE, masks=[camera])
    mockup = render_mockup(Image.new("RGB", (320, 630), RED), spec)
    # The middle of the cut-out's left edge is camera body (between the lenses), not red.
    u, v = (4 + 1.5) / 74, (4 + 17) / 151
    x, y = project(Surface.of(spec), spec.mockup_template.geometry, u, v)
    pixel = mockup.getpixel((int(x), int(y)))
    assert all(abs(a - b) <= 12 for a, b in zip(pixel, CAMERA_BODY, strict=True)), pixel
    # Outside the cut-out the design is printed.
    x, y = project(Surface.of(spec), spec.mockup_template.geometry, 0.6, 0.6)
    assert mockup.getpixel((int(x), int(y)))[0] > 200


def test_handle_zone_stays_unprinted_ceramic() -> None:
    handle = {"kind": "handle", "x": 0, "y": 0, "w": 12.7, "h": 88.9}
    spec = _spec(MockupKind.MUG_WRAP, masks=[handle])
    mockup = render_mockup(Image.new("RGB", (936, 376), RED), spec)
    base, _ = template_pictures(spec.mockup_template)
    geometry = spec.mockup_template.geometry
    # Inside the handle zone the template's ceramic shows; just past it, the red print.
    x, y = project(Surface.of(spec), geometry, 6 / 228.6, 0.5)
    assert mockup.getpixel((int(x), int(y))) == base.getpixel((int(x), int(y)))
    x, y = project(Surface.of(spec), geometry, 30 / 228.6, 0.5)
    r, g, b = mockup.getpixel((int(x), int(y)))
    assert r > 2 * g and r > 2 * b


def test_mockups_are_cached_by_content_hash() -> None:
    spec = _spec(MockupKind.POSTER_FRAME)
    design = _design_with_marker(spec, 0.5, 0.5, px_per_mm=1.0)
    name, key = cached_mockup(design, spec)
    modified = default_storage.get_modified_time(name)
    # The same inputs give the same file, not rendered again
    again, key_again = cached_mockup(design, spec)
    assert (again, key_again) == (name, key)
    assert default_storage.get_modified_time(name) == modified
    assert name == f"mockups/{key[:2]}/{key}.png"
    # A different design gives a different key
    other, other_key = cached_mockup(_design_with_marker(spec, 0.3, 0.3, px_per_mm=1.0), spec)
    assert other_key != key and default_storage.exists(other)

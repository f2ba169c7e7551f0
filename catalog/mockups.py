"""Mockups rendered by us: a design placed on a product picture, no third-party service.

Three projections, each driven by a template's ``geometry`` (template pixels)
and the print spec (millimetres):

* ``poster_frame`` / ``phone_case``: a homography takes the trim box (the
  unit square in design space) onto the template's ``quad``; every output
  pixel is pulled back through the inverse and sampled bilinearly. Phone
  cases also round the corners (``corner_radius_mm``) and show the camera
  cut-out from the spec's masks.
* ``mug_wrap``: the wrap lies around a vertical cylinder whose two ends meet
  at the handle (on the right). Seen from the front we show the visible half;
  a point ``s`` mm along the circumference from the handle is at angle
  ``phi = pi/2 - s / r`` and lands at ``x = cx + R sin(phi)``; the rim is an
  ellipse, so the print's top edge is at ``print_top + ellipse * cos(phi)``.
  The same Lambert + specular shading as the template's white ceramic is
  multiplied in, so ink and ceramic read as one surface. The spec's handle
  zone stays unprinted.

The design is the print canvas (the bleed box, as the print pipeline holds
it); the bleed is cropped off before placing it. ``project()`` gives the
forward mapping of a design point for tests and callers; rendering uses the
inverse mappings, so the tests check one against the other.

Results are cached by content hash (design bytes + spec figures + template
picture and geometry + renderer version) in public media under ``mockups/``.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageDraw

from shop.media import save_committed

if TYPE_CHECKING:
    from catalog.models import MockupTemplate, PrintSpec

RENDERER_VERSION = "1"
FLAT_KINDS = ("poster_frame", "phone_case")
CAMERA_BODY = (28, 28, 33)


class GeometryError(ValueError):
    """A template's geometry (or a spec/template pair) that cannot be rendered."""


# --- geometry -----------------------------------------------------------------------------------


def check_geometry(kind: str, geometry: Any) -> None:
    """Raise :class:`GeometryError` saying what is wrong with ``geometry`` for ``kind``."""
    if not isinstance(geometry, dict):
        raise GeometryError("The geometry must be a JSON object.")
    if kind in FLAT_KINDS:
        quad = geometry.get("quad")
        ok = (
            isinstance(quad, list)
            and len(quad) == 4
            and all(isinstance(p, list | tuple) and len(p) == 2 for p in quad)
        )
        if not ok:
            raise GeometryError('"quad" must list four [x, y] corners: top-left first, clockwise.')
        pts = np.asarray(quad, dtype=float)
        # A convex, clockwise (in image coordinates) quadrilateral: all cross products positive.
        edges = [pts[(i + 1) % 4] - pts[i] for i in range(4)]
        cross = [
            a[0] * b[1] - a[1] * b[0] for a, b in zip(edges, edges[1:] + edges[:1], strict=True)
        ]
        if not all(c > 0 for c in cross):
            raise GeometryError('"quad" must be convex and go clockwise from the top-left corner.')
        if kind == "phone_case" and float(geometry.get("corner_radius_mm", 0)) < 0:
            raise GeometryError('"corner_radius_mm" cannot be negative.')
    elif kind == "mug_wrap":
        keys = ("cx", "radius_px", "ellipse_px", "print_top_px", "print_height_px", "diameter_mm")
        missing = [k for k in keys if k not in geometry]
        if missing:
            raise GeometryError(f"A mug geometry needs {', '.join(missing)}.")
        for key in ("radius_px", "print_height_px", "diameter_mm"):
            if not float(geometry[key]) > 0:
                raise GeometryError(f'"{key}" must be greater than zero.')
        if not 0 <= float(geometry["ellipse_px"]) < float(geometry["radius_px"]):
            raise GeometryError('"ellipse_px" must be between 0 and the radius.')
    else:
        raise GeometryError(f"Unknown mockup kind {kind!r}.")


def homography(src: Any, dst: Any) -> np.ndarray:
    """The 3x3 projective map taking the four ``src`` points onto the four ``dst`` points."""
    rows, rhs = [], []
    for (x, y), (u, v) in zip(np.asarray(src, float), np.asarray(dst, float), strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        rhs += [u, v]
    h = np.linalg.solve(np.asarray(rows), np.asarray(rhs))
    return np.append(h, 1.0).reshape(3, 3)


def apply_homography(h: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> tuple[np.ndarray, ...]:
    w = h[2, 0] * xs + h[2, 1] * ys + h[2, 2]
    return (h[0, 0] * xs + h[0, 1] * ys + h[0, 2]) / w, (h[1, 0] * xs + h[1, 1] * ys + h[1, 2]) / w


UNIT_SQUARE = [(0, 0), (1, 0), (1, 1), (0, 1)]


@dataclass(frozen=True)
class Surface:
    """The print-spec figures a mockup needs (millimetres)."""

    kind: str
    trim_w: float
    trim_h: float
    bleed: float
    masks: tuple[dict, ...] = ()

    @classmethod
    def of(cls, spec: PrintSpec) -> Surface:
        return cls(
            kind=spec.mockup,
            trim_w=float(spec.trim_width_mm),
            trim_h=float(spec.trim_height_mm),
            bleed=float(spec.bleed_mm),
            masks=tuple(spec.masks or ()),
        )


def mug_wrap_gap_mm(surface: Surface, geometry: dict) -> float:
    circumference = math.pi * float(geometry["diameter_mm"])
    gap = circumference - surface.trim_w
    if gap < 0:
        raise GeometryError(
            f"A {surface.trim_w:g} mm wrap is longer than the {circumference:.1f} mm "
            "circumference of this mug template."
        )
    return gap


def project(surface: Surface, geometry: dict, u: float, v: float) -> tuple[float, float]:
    """Where the trim-box point (``u``, ``v``) in [0, 1]^2 lands on the template, in pixels."""
    if surface.kind in FLAT_KINDS:
        h = homography(UNIT_SQUARE, geometry["quad"])
        x, y = apply_homography(h, np.float64(u), np.float64(v))
        return float(x), float(y)
    g = {k: float(val) for k, val in geometry.items()}
    s = mug_wrap_gap_mm(surface, geometry) / 2 + u * surface.trim_w
    phi = math.pi / 2 - s / (g["diameter_mm"] / 2)
    if abs(phi) > math.pi / 2:
        raise GeometryError("That point of the wrap is on the hidden half of the mug.")
    x = g["cx"] + g["radius_px"] * math.sin(phi)
    y = g["print_top_px"] + g["ellipse_px"] * math.cos(phi) + v * g["print_height_px"]
    return x, y


def mug_shade(phi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(multiplier, additive highlight) for a glossy white cylinder lit from the front-left."""
    diffuse = np.clip(np.cos(phi + 0.45), 0, None)
    multiplier = 0.5 + 0.5 * diffuse
    highlight = 0.55 * np.exp(-(((phi + 0.55) / 0.09) ** 2)) + 0.12 * np.exp(
        -(((phi - 1.2) / 0.12) ** 2)
    )
    return multiplier, highlight


# --- sampling -----------------------------------------------------------------------------------


def sample_bilinear(src: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """Sample ``src`` (H, W, C float) at continuous pixel coordinates; outside is transparent 0."""
    height, width = src.shape[:2]
    fx, fy = xs - 0.5, ys - 0.5
    x0, y0 = np.floor(fx).astype(np.int64), np.floor(fy).astype(np.int64)
    ax, ay = (fx - x0)[..., None], (fy - y0)[..., None]
    inside = (xs >= 0) & (xs <= width) & (ys >= 0) & (ys <= height)

    def at(yy: np.ndarray, xx: np.ndarray) -> np.ndarray:
        return src[np.clip(yy, 0, height - 1), np.clip(xx, 0, width - 1)]

    out = (at(y0, x0) * (1 - ax) + at(y0, x0 + 1) * ax) * (1 - ay) + (
        at(y0 + 1, x0) * (1 - ax) + at(y0 + 1, x0 + 1) * ax
    ) * ay
    return out * inside[..., None]


def warp_onto(canvas: np.ndarray, src: np.ndarray, h_src_to_canvas: np.ndarray) -> np.ndarray:
    """Alpha-composite premultiplied-free RGBA ``src`` onto RGB(A) ``canvas`` through a homography."""
    height, width = src.shape[:2]
    corners = np.array([(0, 0), (width, 0), (width, height), (0, height)], float)
    cx, cy = apply_homography(h_src_to_canvas, corners[:, 0], corners[:, 1])
    x0, x1 = max(int(np.floor(cx.min())), 0), min(int(np.ceil(cx.max())), canvas.shape[1])
    y0, y1 = max(int(np.floor(cy.min())), 0), min(int(np.ceil(cy.max())), canvas.shape[0])
    if x0 >= x1 or y0 >= y1:
        return canvas
    ys, xs = np.mgrid[y0:y1, x0:x1].astype(np.float64) + 0.5
    sx, sy = apply_homography(np.linalg.inv(h_src_to_canvas), xs, ys)
    px = sample_bilinear(src, sx, sy)
    alpha = px[..., 3:4]
    region = canvas[y0:y1, x0:x1, :3]
    canvas[y0:y1, x0:x1, :3] = region * (1 - alpha) + px[..., :3] * alpha
    if canvas.shape[2] == 4:
        canvas[y0:y1, x0:x1, 3:4] = np.maximum(canvas[y0:y1, x0:x1, 3:4], alpha)
    return canvas


def to_array(image: Image.Image, mode: str = "RGBA") -> np.ndarray:
    return np.asarray(image.convert(mode), dtype=np.float32) / 255.0


def to_image(array: np.ndarray) -> Image.Image:
    data = (np.clip(array, 0, 1) * 255 + 0.5).astype(np.uint8)
    return Image.fromarray(data, "RGBA" if data.shape[2] == 4 else "RGB")


# --- rendering ----------------------------------------------------------------------------------


def prepare_design(design: Image.Image, surface: Surface, target_px: float) -> Image.Image:
    """Crop the bleed off, resize the trim box to about ``target_px`` wide, apply the masks."""
    design = design.convert("RGB")
    bw, bh = surface.trim_w + 2 * surface.bleed, surface.trim_h + 2 * surface.bleed
    left, top = surface.bleed / bw * design.width, surface.bleed / bh * design.height
    trim = design.crop(
        (round(left), round(top), round(design.width - left), round(design.height - top))
    )
    width = max(8, round(target_px))
    height = max(8, round(width * surface.trim_h / surface.trim_w))
    trim = trim.resize((width, height), Image.Resampling.LANCZOS).convert("RGBA")
    scale = width / surface.trim_w
    cut = Image.new("L", trim.size, 255)
    ink = ImageDraw.Draw(trim)
    holes = ImageDraw.Draw(cut)
    for mask in surface.masks:
        box = [
            float(mask["x"]) * scale,
            float(mask["y"]) * scale,
            (float(mask["x"]) + float(mask["w"])) * scale,
            (float(mask["y"]) + float(mask["h"])) * scale,
        ]
        radius = float(mask.get("radius", 0)) * scale
        if mask["kind"] == "camera":
            _draw_camera(ink, box, radius)
        else:  # handle zone and anything else: left unprinted
            holes.rounded_rectangle(box, radius=radius, fill=0)
    trim.putalpha(Image.fromarray(np.minimum(np.asarray(trim)[..., 3], np.asarray(cut))))
    return trim


def _draw_camera(draw: ImageDraw.ImageDraw, box: list[float], radius: float) -> None:
    """The phone's camera bump seen through the case's cut-out."""
    draw.rounded_rectangle(box, radius=radius, fill=(*CAMERA_BODY, 255))
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    if h > 1.6 * w:  # a vertical row of lenses
        lens = min(w * 0.36, h / 7)
        spots = [(0.5, f) for f in (0.2, 0.5, 0.8)]
    else:  # a square camera plateau with three lenses
        lens = min(w, h) * 0.21
        spots = [(0.3, 0.28), (0.3, 0.72), (0.72, 0.5)]
    for fx, fy in spots:
        cx, cy = x0 + fx * w, y0 + fy * h
        draw.ellipse((cx - lens, cy - lens, cx + lens, cy + lens), fill=(70, 72, 80, 255))
        r = lens * 0.62
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(12, 14, 24, 255))
        g = lens * 0.22
        glint = (cx - r * 0.5, cy - r * 0.5, cx - r * 0.5 + g, cy - r * 0.5 + g)
        draw.ellipse(glint, fill=(150, 160, 190, 255))


def _round_corners(design: Image.Image, radius_px: float) -> Image.Image:
    if radius_px <= 0:
        return design
    shape = Image.new("L", design.size, 0)
    ImageDraw.Draw(shape).rounded_rectangle(
        (0, 0, design.width - 1, design.height - 1), radius=radius_px, fill=255
    )
    design.putalpha(Image.fromarray(np.minimum(np.asarray(design)[..., 3], np.asarray(shape))))
    return design


def render_surface(
    design: Image.Image,
    surface: Surface,
    geometry: dict,
    base: Image.Image,
    overlay: Image.Image | None = None,
) -> Image.Image:
    """The pure renderer: ``design`` (bleed box) on ``base`` as ``geometry`` says."""
    check_geometry(surface.kind, geometry)
    canvas = to_array(base, "RGB").astype(np.float64)
    if surface.kind in FLAT_KINDS:
        quad = np.asarray(geometry["quad"], float)
        span = max(np.linalg.norm(quad[1] - quad[0]), np.linalg.norm(quad[2] - quad[3]))
        art = prepare_design(design, surface, target_px=span * 1.5)
        if surface.kind == "phone_case":
            radius = float(geometry.get("corner_radius_mm", 0)) * art.width / surface.trim_w
            art = _round_corners(art, radius)
        src = np.asarray(art, dtype=np.float64) / 255.0
        unit_to_px = np.diag([art.width, art.height, 1.0])
        h = homography(UNIT_SQUARE, quad) @ np.linalg.inv(unit_to_px)
        canvas = warp_onto(canvas, src, h)
    else:
        canvas = _render_mug(design, surface, geometry, canvas)
    if overlay is not None:
        top = to_array(overlay.resize(base.size), "RGBA").astype(np.float64)
        alpha = top[..., 3:4]
        canvas = canvas * (1 - alpha) + top[..., :3] * alpha
    return to_image(canvas)


def _render_mug(
    design: Image.Image, surface: Surface, geometry: dict, canvas: np.ndarray
) -> np.ndarray:
    g = {k: float(v) for k, v in geometry.items()}
    gap = mug_wrap_gap_mm(surface, geometry)
    radius_mm = g["diameter_mm"] / 2
    art = prepare_design(design, surface, target_px=g["radius_px"] * math.pi * 1.5)
    src = np.asarray(art, dtype=np.float64) / 255.0
    x0 = max(int(g["cx"] - g["radius_px"]), 0)
    x1 = min(int(math.ceil(g["cx"] + g["radius_px"])), canvas.shape[1])
    y0 = max(int(g["print_top_px"]), 0)
    y1 = min(
        int(math.ceil(g["print_top_px"] + g["ellipse_px"] + g["print_height_px"])) + 1,
        canvas.shape[0],
    )
    ys, xs = np.mgrid[y0:y1, x0:x1].astype(np.float64) + 0.5
    sin_phi = (xs - g["cx"]) / g["radius_px"]
    on_body = np.abs(sin_phi) < 1
    phi = np.arcsin(np.clip(sin_phi, -1, 1))
    s = radius_mm * (math.pi / 2 - phi)
    u = (s - gap / 2) / surface.trim_w
    v = (ys - g["print_top_px"] - g["ellipse_px"] * np.cos(phi)) / g["print_height_px"]
    px = sample_bilinear(src, u * art.width, v * art.height)
    inside = on_body & (u >= 0) & (u <= 1) & (v >= 0) & (v <= 1)
    alpha = px[..., 3:4] * inside[..., None]
    multiplier, highlight = mug_shade(phi)
    ink = np.clip(px[..., :3] * multiplier[..., None] + highlight[..., None], 0, 1)
    region = canvas[y0:y1, x0:x1, :3]
    canvas[y0:y1, x0:x1, :3] = region * (1 - alpha) + ink * alpha
    return canvas


# --- models and cache ---------------------------------------------------------------------------


@lru_cache(maxsize=16)
def _template_pictures(
    pk: int, sha: str, image_name: str, overlay_name: str
) -> tuple[Image.Image, Image.Image | None]:
    with default_storage.open(image_name, "rb") as fh:
        base = Image.open(fh).convert("RGB")
    overlay = None
    if overlay_name:
        with default_storage.open(overlay_name, "rb") as fh:
            overlay = Image.open(fh).convert("RGBA")
    return base, overlay


def template_pictures(template: MockupTemplate) -> tuple[Image.Image, Image.Image | None]:
    return _template_pictures(
        template.pk, template.image_sha256, template.image.name, template.overlay.name or ""
    )


def render_mockup(
    design: Image.Image, spec: PrintSpec, template: MockupTemplate | None = None
) -> Image.Image:
    """``design`` (the spec's bleed box) on the spec's mockup template."""
    template = template or spec.mockup_template
    if template is None:
        raise GeometryError(f"The print spec {spec.name!r} has no mockup template.")
    if template.kind != spec.mockup:
        raise GeometryError(f"Template {template.name!r} is not a {spec.mockup} picture.")
    base, overlay = template_pictures(template)
    return render_surface(design, Surface.of(spec), template.geometry, base, overlay)


def image_sha256(image: Image.Image) -> str:
    digest = hashlib.sha256(f"{image.mode}{image.size}".encode())
    digest.update(image.tobytes())
    return digest.hexdigest()


def mockup_key(design_sha: str, spec: PrintSpec, template: MockupTemplate) -> str:
    figures = {
        "renderer": RENDERER_VERSION,
        "design": design_sha,
        "spec": [str(Decimal(x)) for x in (spec.trim_width_mm, spec.trim_height_mm, spec.bleed_mm)],
        "masks": spec.masks,
        "kind": spec.mockup,
        "template": [template.image_sha256, template.geometry, template.overlay.name or ""],
    }
    return hashlib.sha256(json.dumps(figures, sort_keys=True).encode()).hexdigest()


def cached_mockup(
    design: Image.Image, spec: PrintSpec, *, design_sha: str | None = None
) -> tuple[str, str]:
    """Render (or reuse) the mockup; returns ``(storage name, content key)`` in public media."""
    template = spec.mockup_template
    if template is None:
        raise GeometryError(f"The print spec {spec.name!r} has no mockup template.")
    key = mockup_key(design_sha or image_sha256(design), spec, template)
    name = f"mockups/{key[:2]}/{key}.png"
    if not default_storage.exists(name):
        buffer = io.BytesIO()
        render_mockup(design, spec, template).save(buffer, "PNG", optimize=True)
        # Through a temporary key: a concurrent render of the same key writes the same bytes,
        # and nobody ever reads a half-written mockup.
        save_committed(default_storage, name, ContentFile(buffer.getvalue()), replace=True)
    return name, key

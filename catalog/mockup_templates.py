"""Mockup template pictures drawn by code (no photographs, nothing licensed from anyone).

Each function draws a small scene for one print spec and returns the picture,
an optional overlay (glass glare, the frame's shadow on the print) and the
geometry ``catalog.mockups`` needs to place a design on it. Flat objects are
drawn face-on first and then put into perspective with the same homography
code the renderer uses, so the geometry is exact by construction.
Deterministic: a fixed random seed drives the textures.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from catalog.mockups import apply_homography, homography, mug_shade, to_image, warp_onto

SIZE = 720


@dataclass(frozen=True)
class TemplateArt:
    kind: str
    image: Image.Image
    overlay: Image.Image | None
    geometry: dict
    source: str


def _noise(size: int, seed: int, blur: float) -> np.ndarray:
    rng = np.random.default_rng(seed)
    img = Image.fromarray((rng.random((size, size)) * 255).astype(np.uint8), "L")
    return np.asarray(img.filter(ImageFilter.GaussianBlur(blur)), np.float64) / 255.0 - 0.5


def _gradient(size: int, top: tuple[int, ...], bottom: tuple[int, ...]) -> np.ndarray:
    t = np.linspace(0, 1, size)[:, None, None]
    col = (
        np.asarray(top, float)[None, None, :] * (1 - t)
        + np.asarray(bottom, float)[None, None, :] * t
    )
    return np.repeat(col, size, axis=1) / 255.0


def _shadow(
    canvas: np.ndarray, alpha: np.ndarray, offset: tuple[int, int], blur: float, strength: float
) -> np.ndarray:
    mask = Image.fromarray((np.clip(alpha, 0, 1) * 255).astype(np.uint8), "L")
    mask = mask.transform(mask.size, Image.Transform.AFFINE, (1, 0, -offset[0], 0, 1, -offset[1]))
    soft = np.asarray(mask.filter(ImageFilter.GaussianBlur(blur)), np.float64)[..., None] / 255.0
    return canvas * (1 - strength * soft)


def _alpha_of_warp(shape: tuple[int, int], h: np.ndarray, size: int) -> np.ndarray:
    solid = np.ones((*shape, 4))
    layer = np.zeros((size, size, 4))
    return warp_onto(layer, solid, h)[..., 3]


def poster_frame(trim_w_mm: float, trim_h_mm: float, *, size: int = SIZE) -> TemplateArt:
    """A black wooden frame hanging on a plaster wall, seen slightly from the left."""
    wall = _gradient(size, (238, 229, 212), (214, 200, 178))
    wall += _noise(size, 7, 1.2)[..., None] * 0.05
    floor_y = int(size * 0.86)
    wood = _gradient(size, (160, 112, 74), (118, 78, 50))
    streaks = _noise(size, 11, 0.6)[..., None] * np.array([0.12, 0.08, 0.05])
    wall[floor_y:] = wood[floor_y:] + streaks[floor_y:]
    wall[floor_y - 10 : floor_y] = np.array([246, 242, 234]) / 255.0  # skirting board

    # Face-on frame: border 7% of the long side, opening = trim box.
    scale = size * 0.56 / max(trim_w_mm, trim_h_mm)
    tw, th = trim_w_mm * scale, trim_h_mm * scale
    border = 0.07 * max(tw, th)
    fw, fh = int(round(tw + 2 * border)), int(round(th + 2 * border))
    flat = Image.new("RGBA", (fw, fh), (0, 0, 0, 0))
    draw = ImageDraw.Draw(flat)
    draw.rectangle((0, 0, fw - 1, fh - 1), fill=(34, 30, 32, 255))
    for i in range(int(border * 0.35)):  # bevel towards the opening
        shade = 34 + int(40 * i / max(1, border * 0.35))
        draw.rectangle(
            (border - i - 1, border - i - 1, fw - border + i, fh - border + i),
            outline=(shade, shade - 4, shade - 2, 255),
        )
    draw.rectangle((border, border, fw - border, fh - border), fill=(250, 250, 248, 255))
    flat_arr = np.asarray(flat, np.float64) / 255.0

    # Place it: fit 66% of the wall height, right edge 5% shorter (seen from the left).
    box = size * 0.66
    k = box / max(fw, fh)
    w, h = fw * k, fh * k
    x0, y0 = (size - w) / 2, size * 0.43 - h / 2
    d = h * 0.05
    dst = [(x0, y0), (x0 + w, y0 + d), (x0 + w, y0 + h - d), (x0, y0 + h)]
    hmat = homography([(0, 0), (fw, 0), (fw, fh), (0, fh)], dst)
    wall = _shadow(wall, _alpha_of_warp((fh, fw), hmat, size), (14, 16), 12, 0.45)
    canvas = warp_onto(wall.copy(), flat_arr, hmat)
    trim = [
        (border, border),
        (border + tw, border),
        (border + tw, border + th),
        (border, border + th),
    ]
    xs, ys = apply_homography(hmat, np.array([p[0] for p in trim]), np.array([p[1] for p in trim]))
    quad = [[round(float(x), 3), round(float(y), 3)] for x, y in zip(xs, ys, strict=True)]

    # Overlay: the frame lip's shadow on the print and a soft diagonal glare on the glass.
    over = np.zeros((fh, fw, 4))
    yy, xx = np.mgrid[0:fh, 0:fw].astype(np.float64)
    lip = np.clip(1 - (np.minimum(xx - border, yy - border)) / (0.025 * max(tw, th)), 0, 1)
    inside = (xx >= border) & (xx <= fw - border) & (yy >= border) & (yy <= fh - border)
    over[..., 3] = np.where(inside, 0.35 * lip, 0)
    glare = np.exp(-((((xx / fw + yy / fh) - 0.55) / 0.12) ** 2)) * 0.16
    over[..., :3] = np.where((glare > 0.35 * lip)[..., None], 1.0, 0.0)
    over[..., 3] = np.where(inside, np.maximum(over[..., 3], glare), 0)
    overlay_arr = warp_onto(np.zeros((size, size, 4)), over, hmat)
    return TemplateArt(
        kind="poster_frame",
        image=to_image(canvas),
        overlay=to_image(overlay_arr),
        geometry={"quad": quad},
        source=f"catalog.mockup_templates.poster_frame({trim_w_mm:g}, {trim_h_mm:g}), size {size}",
    )


def phone_case(
    trim_w_mm: float, trim_h_mm: float, corner_radius_mm: float, *, size: int = SIZE
) -> TemplateArt:
    """A slim case lying on a pastel desk, turned a little and seen at a slight angle."""
    desk = (
        _gradient(size, (198, 228, 222), (160, 204, 198)) + _noise(size, 3, 2.0)[..., None] * 0.04
    )
    rim_mm = 1.6
    ppm = size * 0.78 / (trim_h_mm + 2 * rim_mm)
    fw, fh = (trim_w_mm + 2 * rim_mm) * ppm, (trim_h_mm + 2 * rim_mm) * ppm
    flat = Image.new("RGBA", (int(round(fw)), int(round(fh))), (0, 0, 0, 0))
    draw = ImageDraw.Draw(flat)
    outer_r = (corner_radius_mm + rim_mm) * ppm
    draw.rounded_rectangle(
        (0, 0, flat.width - 1, flat.height - 1), radius=outer_r, fill=(40, 40, 46, 255)
    )
    draw.rounded_rectangle(
        (2, 2, flat.width - 3, flat.height - 3),
        radius=outer_r - 2,
        outline=(92, 92, 102, 255),
        width=2,
    )
    r0 = rim_mm * ppm
    draw.rounded_rectangle(
        (r0, r0, r0 + trim_w_mm * ppm, r0 + trim_h_mm * ppm),
        radius=corner_radius_mm * ppm,
        fill=(236, 236, 240, 255),
    )
    flat_arr = np.asarray(flat, np.float64) / 255.0

    # Rotate by -9 degrees about the centre and tilt: top edge a little narrower.
    cx, cy, angle = size * 0.5, size * 0.5, math.radians(-9)
    corners = np.array([(-fw / 2, -fh / 2), (fw / 2, -fh / 2), (fw / 2, fh / 2), (-fw / 2, fh / 2)])
    corners[:2, 0] *= 0.94
    rot = np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
    dst = corners @ rot.T + (cx, cy)
    hmat = homography([(0, 0), (flat.width, 0), (flat.width, flat.height), (0, flat.height)], dst)
    desk = _shadow(desk, _alpha_of_warp((flat.height, flat.width), hmat, size), (12, 18), 14, 0.4)
    canvas = warp_onto(desk.copy(), flat_arr, hmat)
    trim = [
        (r0, r0),
        (r0 + trim_w_mm * ppm, r0),
        (r0 + trim_w_mm * ppm, r0 + trim_h_mm * ppm),
        (r0, r0 + trim_h_mm * ppm),
    ]
    xs, ys = apply_homography(hmat, np.array([p[0] for p in trim]), np.array([p[1] for p in trim]))
    quad = [[round(float(x), 3), round(float(y), 3)] for x, y in zip(xs, ys, strict=True)]
    # Overlay: a gloss sheen across the printed back.
    over = np.zeros((flat.height, flat.width, 4))
    yy, xx = np.mgrid[0 : flat.height, 0 : flat.width].astype(np.float64)
    over[..., :3] = 1.0
    over[..., 3] = (
        np.exp(-((((xx / flat.width * 0.6 + yy / flat.height) - 0.45) / 0.1) ** 2)) * 0.18
    )
    over[..., 3] *= flat_arr[..., 3]
    overlay_arr = warp_onto(np.zeros((size, size, 4)), over, hmat)
    return TemplateArt(
        kind="phone_case",
        image=to_image(canvas),
        overlay=to_image(overlay_arr),
        geometry={"quad": quad, "corner_radius_mm": corner_radius_mm},
        source=(
            f"catalog.mockup_templates.phone_case({trim_w_mm:g}, {trim_h_mm:g}, "
            f"{corner_radius_mm:g}), size {size}"
        ),
    )


def mug(trim_h_mm: float, *, diameter_mm: float, height_mm: float, size: int = SIZE) -> TemplateArt:
    """A white glossy mug, handle on the right, on a table; print area centred on the body."""
    canvas = (
        _gradient(size, (252, 226, 200), (236, 190, 160)) + _noise(size, 5, 2.5)[..., None] * 0.03
    )
    table_y = int(size * 0.74)
    canvas[table_y:] = _gradient(size, (120, 84, 110), (86, 58, 82))[table_y:]
    radius = size * 0.27
    ppm = 2 * radius / diameter_mm
    body_h = height_mm * ppm
    ellipse = radius * 0.16
    cx = size * 0.45
    top = table_y + ellipse * 0.6 - body_h - ellipse
    bottom = top + body_h

    # Shadow on the table, then the handle behind/right of the body, then the body.
    shadow = Image.new("L", (size, size), 0)
    ImageDraw.Draw(shadow).ellipse(
        (
            cx - radius * 1.1 + 30,
            bottom - ellipse * 0.6,
            cx + radius * 1.5 + 30,
            bottom + ellipse * 1.6,
        ),
        fill=255,
    )
    canvas = _shadow(canvas, np.asarray(shadow, np.float64) / 255.0, (0, 0), 16, 0.45)

    yy, xx = np.mgrid[0:size, 0:size].astype(np.float64) + 0.5
    hx, hy = cx + radius * 0.98, top + ellipse + body_h * 0.45
    ring = ((xx - hx) / (radius * 0.48)) ** 2 + ((yy - hy) / (body_h * 0.32)) ** 2
    inner = ((xx - hx) / (radius * 0.30)) ** 2 + ((yy - hy) / (body_h * 0.20)) ** 2
    handle = (ring <= 1) & (inner > 1) & (xx > cx + radius * 0.8)
    handle_shade = 0.72 + 0.2 * np.clip((hy - yy) / (body_h * 0.3), -1, 1)
    canvas[handle] = (np.array([0.97, 0.96, 0.95]) * handle_shade[..., None])[handle]

    sin_phi = (xx - cx) / radius
    on_body = np.abs(sin_phi) < 1
    phi = np.arcsin(np.clip(sin_phi, -1, 1))
    rim_y = top + ellipse * np.cos(phi)  # front half of the top ellipse
    base_y = bottom + ellipse * np.cos(phi)
    body = on_body & (yy >= rim_y) & (yy <= base_y)
    multiplier, highlight = mug_shade(phi)
    ceramic = np.clip(0.97 * multiplier + highlight, 0, 1)
    canvas[body] = np.repeat(ceramic[..., None], 3, axis=2)[body] * np.array([1.0, 0.995, 0.985])
    # The opening: an ellipse at the top, dark inside with a light rim.
    opening = ((xx - cx) / radius) ** 2 + ((yy - top) / ellipse) ** 2
    inside = opening <= 0.93
    canvas[(opening <= 1) & ~inside] = np.array([0.99, 0.99, 0.98])
    depth = np.clip((yy - (top - ellipse)) / (2 * ellipse), 0, 1)
    canvas[inside] = (np.array([0.55, 0.52, 0.5]) * (0.55 + 0.45 * depth[..., None]))[inside]

    print_top = top + (body_h - trim_h_mm * ppm) / 2
    return TemplateArt(
        kind="mug_wrap",
        image=to_image(canvas),
        overlay=None,
        geometry={
            "cx": round(cx, 3),
            "radius_px": round(radius, 3),
            "ellipse_px": round(ellipse, 3),
            "print_top_px": round(print_top, 3),
            "print_height_px": round(trim_h_mm * ppm, 3),
            "diameter_mm": diameter_mm,
        },
        source=(
            f"catalog.mockup_templates.mug({trim_h_mm:g}, diameter_mm={diameter_mm:g}, "
            f"height_mm={height_mm:g}), size {size}"
        ),
    )

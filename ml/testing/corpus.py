"""A corpus of awkward upload files, built in memory, for ``ml`` and Django upload tests.

Each entry is ``(name, bytes, expected_code)``; ``expected_code`` is the
:class:`ml.imageio.ImageRejected` code the file must get, or ``None`` when the
file must be accepted (and normalised; see :data:`EXPECTED_ACCEPTED`).

Nothing here allocates a big pixel buffer: the oversized PNGs are written
chunk by chunk with a hand-made IHDR.
"""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
from PIL import Image

__all__ = ["bad_inputs", "png_bytes", "photo_like", "EXPECTED_ACCEPTED"]

#: For accepted entries: (width, height, animated) after orientation.
EXPECTED_ACCEPTED: dict[str, tuple[int, int, bool]] = {
    "cmyk.jpg": (96, 80, False),
    "rgb16.png": (96, 80, False),
    "gray16.png": (96, 80, False),
    "palette_transparent.png": (96, 80, False),
    "exif_rotated.jpg": (80, 96, False),
    "animated.gif": (96, 80, True),
    "rgba.webp": (96, 80, False),
    "la.png": (96, 80, False),
}


def _chunk(kind: bytes, payload: bytes) -> bytes:
    return (
        struct.pack(">I", len(payload))
        + kind
        + payload
        + struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF)
    )


def png_bytes(
    width: int, height: int, *, bit_depth: int = 8, color_type: int = 2, rows: bytes | None = None
) -> bytes:
    """A PNG from raw filtered scanlines; with ``rows=None`` only a token IDAT.

    ``rows=None`` gives a header-only "bomb": valid signature and IHDR claiming
    ``width`` x ``height`` with a few bytes of data, never allocated by us.
    """
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 0)
    idat = zlib.compress(rows if rows is not None else b"\x00" * 64)
    return (
        b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")
    )


def photo_like(width: int = 96, height: int = 80, seed: int = 0) -> np.ndarray:
    """A smooth colourful uint8 RGB picture with a few hard edges (no test data needed)."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    img = np.stack(
        [128 + 100 * np.sin(xx / 17 + s) * np.cos(yy / 23 - s) for s in rng.uniform(0, 3, 3)],
        axis=-1,
    )
    img[height // 4 : height // 2, width // 4 : width // 2] = (200, 40, 40)
    return np.clip(img, 0, 255).astype(np.uint8)


def _save(im: Image.Image, fmt: str, **kw: object) -> bytes:
    buf = io.BytesIO()
    im.save(buf, fmt, **kw)
    return buf.getvalue()


def _exif_rotated_jpeg() -> bytes:
    # Stored 96x80 landscape with orientation 6 (rotate 90 CW to display): shown 80x96.
    # The left half of the stored image is red, the right half blue, so after the
    # rotation the top half must be red.
    arr = np.zeros((80, 96, 3), np.uint8)
    arr[:, :48] = (220, 20, 20)
    arr[:, 48:] = (20, 20, 220)
    im = Image.fromarray(arr)
    exif = Image.Exif()
    exif[0x0112] = 6
    return _save(im, "JPEG", quality=95, exif=exif.tobytes())


def _rgb16_png() -> bytes:
    arr = (photo_like().astype(np.uint16) * 257).astype(">u2")  # 16-bit big-endian RGB
    rows = b"".join(b"\x00" + arr[y].tobytes() for y in range(arr.shape[0]))
    return png_bytes(96, 80, bit_depth=16, color_type=2, rows=rows)


def _palette_transparent_png() -> bytes:
    im = Image.fromarray(photo_like()).quantize(16)
    im.info["transparency"] = 0
    return _save(im, "PNG", transparency=0)


def _animated_gif() -> bytes:
    frames = [Image.fromarray(photo_like(seed=s)).convert("P") for s in range(3)]
    return _save(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)


def bad_inputs() -> list[tuple[str, bytes, str | None]]:
    """Every awkward case the upload path must survive, with its expected outcome."""
    jpeg = _save(Image.fromarray(photo_like(320, 240)), "JPEG", quality=90)
    rgba = Image.fromarray(photo_like()).convert("RGBA")
    rgba.putalpha(128)
    return [
        ("empty.jpg", b"", "empty"),
        ("text.jpg", b"Hello, this is not a picture.\n" * 20, "not_image"),
        ("html.png", b"<!doctype html><html><body>hi</body></html>", "not_image"),
        ("truncated.jpg", jpeg[: len(jpeg) // 2], "truncated"),
        ("bomb_30000x30000.png", png_bytes(30000, 30000), "too_many_pixels"),
        ("big_8000x8000.png", png_bytes(8000, 8000), "too_many_pixels"),
        ("one_pixel.png", _save(Image.new("RGB", (1, 1), "red"), "PNG"), "too_small"),
        ("strip_10000x10.png", png_bytes(10000, 10), "too_small"),
        ("banner_4000x300.png", png_bytes(4000, 300), "bad_aspect"),
        ("cmyk.jpg", _save(Image.fromarray(photo_like()).convert("CMYK"), "JPEG"), None),
        ("rgb16.png", _rgb16_png(), None),
        (
            "gray16.png",
            _save(Image.fromarray(photo_like()[..., 0].astype(np.uint16) * 257), "PNG"),
            None,
        ),
        ("palette_transparent.png", _palette_transparent_png(), None),
        ("exif_rotated.jpg", _exif_rotated_jpeg(), None),
        ("animated.gif", _animated_gif(), None),
        ("rgba.webp", _save(rgba, "WEBP", lossless=True), None),
        ("la.png", _save(Image.fromarray(photo_like()).convert("LA"), "PNG"), None),
    ]

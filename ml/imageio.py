"""Open, validate and normalise every image that enters Retrocel.

Every upload path (shopper photos, style reference pictures, admin sample
photos) goes through :func:`open_image`, so the rest of the product can assume
an 8-bit sRGB ``RGB`` PIL image of sane size, correctly oriented.

Why it is careful:

* Limits are checked *before* decoding: the byte size before reading past the
  limit, the pixel count from the header before any pixel buffer exists, so a
  decompression bomb (a tiny PNG whose header claims 30000x30000) costs nothing.
* The compressed data must be able to cover the picture its header claims: a
  1 KB JPEG that says 6000x6000 is refused (``incomplete``) before decoding,
  because a decoder would pad the missing part and the 36 MP result would cost
  as much memory as a real photo. The floors are format facts (a JPEG spends at
  least one bit per 8x8 block; deflate cannot beat ~1032:1), so no complete
  file is refused.
* Decode memory is bounded per process: each decode reserves its estimated
  peak from a shared budget (``RETROCEL_DECODE_BUDGET_MB``) and waits while
  other decodes hold it, so parallel uploads cannot add up without limit.
* Only raster formats with well-tested Pillow decoders are accepted; formats
  whose plugins shell out (EPS via Ghostscript) or are rarely used are refused.
* The image is really decoded (``load()``), so truncated files fail here with a
  readable message instead of later in a worker.
* Colour is normalised once: EXIF orientation applied, embedded ICC profiles
  converted to sRGB, alpha composited on white, 16-bit and palette modes
  reduced to 8-bit RGB.

Errors are :class:`ImageRejected` with a stable ``code`` (for code and tests) and
a ``message`` written for a shopper.
"""

from __future__ import annotations

import io
import logging
import os
import struct
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np
from PIL import (  # noqa: F401 - plugins imported so ``formats=`` knows them
    BmpImagePlugin,
    GifImagePlugin,
    Image,
    ImageCms,
    ImageOps,
    JpegImagePlugin,
    PngImagePlugin,
    TiffImagePlugin,
    UnidentifiedImageError,
    WebPImagePlugin,
)

log = logging.getLogger(__name__)

__all__ = ["ImageLimits", "ImageRejected", "LoadedImage", "open_image", "ACCEPTED_FORMATS"]

#: Pillow format names we decode (JPEG also covers MPO, which the JPEG opener returns).
#: Everything else is "not an image" to us.
ACCEPTED_FORMATS: tuple[str, ...] = ("JPEG", "PNG", "WEBP", "GIF", "TIFF", "BMP")

_MIB = 1024 * 1024
_SRGB = ImageCms.createProfile("sRGB")

#: The most pixels one byte of a *complete* file can describe, per format. JPEG: every 8x8
#: block of the first component costs at least one bit (its DC code) -> 512. PNG/TIFF: deflate
#: tops out near 1032:1 on 1-bit rows -> ~8256. GIF: LZW codes of >= 3 bits for strings of at
#: most 4096 pixels -> ~10923. BMP: RLE8 runs of 255 pixels in 2 bytes. WebP lossless can
#: encode long runs very cheaply, so its floor is loose but still stops absurd claims.
MAX_PIXELS_PER_BYTE: dict[str, int] = {
    "JPEG": 512,
    "MPO": 512,
    "PNG": 8_300,
    "TIFF": 8_300,
    "GIF": 11_000,
    "BMP": 128,
    "WEBP": 200_000,
}
#: Bytes a decode may hold at its peak per pixel: the decoded frame (up to 4 bytes/pixel),
#: the oriented copy, the sRGB conversion and the detached result.
PEAK_BYTES_PER_PIXEL = 16


class DecodeBudget:
    """Bytes of decoded pixels this process may hold at once; decodes wait for their share.

    ``peak`` records the most ever reserved, so tests can check the bound held.
    """

    def __init__(self, limit_bytes: int) -> None:
        self.limit_bytes = limit_bytes
        self.in_use = 0
        self.peak = 0
        self._cond = threading.Condition()

    @contextmanager
    def reserve(self, nbytes: int, *, timeout: float = 60.0) -> Iterator[None]:
        nbytes = min(nbytes, self.limit_bytes)  # one decode alone is always allowed
        with self._cond:
            if not self._cond.wait_for(
                lambda: self.in_use + nbytes <= self.limit_bytes, timeout=timeout
            ):
                raise ImageRejected(
                    "busy", "We are processing many photos right now. Please try again in a minute."
                )
            self.in_use += nbytes
            self.peak = max(self.peak, self.in_use)
        try:
            yield
        finally:
            with self._cond:
                self.in_use -= nbytes
                self._cond.notify_all()


decode_budget = DecodeBudget(int(os.environ.get("RETROCEL_DECODE_BUDGET_MB", "1024")) * _MIB)


class ImageRejected(ValueError):
    """An upload we refuse, with a machine ``code`` and a shopper-readable ``message``.

    Codes: ``empty``, ``too_large_file``, ``not_image``, ``too_many_pixels``,
    ``too_small``, ``bad_aspect``, ``incomplete``, ``truncated``, ``corrupt``, ``busy``.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __repr__(self) -> str:
        return f"ImageRejected({self.code!r}, {self.message!r})"


@dataclass(frozen=True)
class ImageLimits:
    """What we accept.

    ``min_side`` 64 px: below that no style has anything to work with.
    ``max_aspect`` 8: a 10000x10 strip (or a 4000x300 banner) cannot be placed on
    any product; the smaller side is checked first, so 10000x10 is ``too_small``
    and 4000x300 is ``bad_aspect``.
    """

    max_bytes: int = 20 * _MIB
    max_pixels: int = 40_000_000
    min_side: int = 64
    max_aspect: float = 8.0


@dataclass(frozen=True)
class LoadedImage:
    """A decoded, normalised image and what we learnt about the file."""

    image: Image.Image  # 8-bit sRGB, mode "RGB", orientation applied
    animated: bool  # the file had several frames; ``image`` is the first
    format: str  # Pillow's format name, e.g. "JPEG"
    width: int
    height: int
    source_mode: str = ""  # Pillow mode of the file before normalisation (e.g. "CMYK")
    icc_converted: bool = False  # an embedded ICC profile was applied


Source = str | os.PathLike[str] | bytes | bytearray | memoryview | BinaryIO


def open_image(src: Source, *, limits: ImageLimits | None = None) -> LoadedImage:
    """Validate and decode ``src`` (a path, bytes or a binary file object).

    Raises:
        ImageRejected: with a specific code when the file is not acceptable.
        FileNotFoundError: when a path does not exist (a programming error, not
            a shopper's).
    """
    limits = limits or ImageLimits()
    data = _read_bounded(src, limits.max_bytes)
    if not data:
        raise ImageRejected("empty", "The file is empty.")

    try:
        im = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
    except Image.DecompressionBombError:
        # Pillow refuses > 2x its own limit while opening; read the header size
        # again without that check so the message can name the dimensions.
        size = _header_size(data)
        if size:
            _check_geometry(*size, limits)
        raise ImageRejected(
            "too_many_pixels",
            f"The image has too many pixels; the limit is {_mp(limits.max_pixels)} megapixels.",
        ) from None
    except (UnidentifiedImageError, SyntaxError, ValueError, OSError):
        raise ImageRejected(
            "not_image",
            "This file is not an image we can read. Please upload a JPEG, PNG, WebP, GIF, TIFF or BMP.",
        ) from None

    with im:
        _check_geometry(im.width, im.height, limits)
        _check_coverage(len(data), im.width, im.height, im.format or "")
        with decode_budget.reserve(im.width * im.height * PEAK_BYTES_PER_PIXEL):
            n_frames = int(getattr(im, "n_frames", 1) or 1)
            try:
                im.seek(0)
                im.load()
            except Image.DecompressionBombError:  # pragma: no cover - header check came first
                raise ImageRejected("too_many_pixels", "The image has too many pixels.") from None
            except (OSError, SyntaxError, ValueError, EOFError, struct.error) as exc:
                log.info("decode failed: %s", exc)
                text = str(exc).lower()
                if "truncat" in text or "broken data stream" in text or isinstance(exc, EOFError):
                    raise ImageRejected(
                        "truncated",
                        "The image file is incomplete (it was cut off during upload or saving). "
                        "Please upload it again.",
                    ) from None
                raise ImageRejected(
                    "corrupt", "The image file is damaged and cannot be read."
                ) from None
            fmt = im.format or ""
            source_mode = im.mode
            oriented = ImageOps.exif_transpose(im) or im
            rgb, icc_used = _to_srgb(oriented)

    return LoadedImage(
        image=rgb,
        animated=n_frames > 1,
        format=fmt,
        width=rgb.width,
        height=rgb.height,
        source_mode=source_mode,
        icc_converted=icc_used,
    )


def _read_bounded(src: Source, max_bytes: int) -> bytes:
    """Read at most ``max_bytes`` (+1 to detect overflow) without trusting the source."""
    too_big = ImageRejected(
        "too_large_file",
        f"The file is larger than {max_bytes / _MIB:.0f} MB. Please upload a smaller image.",
    )
    if isinstance(src, bytes | bytearray | memoryview):
        if len(src) > max_bytes:
            raise too_big
        return bytes(src)
    if isinstance(src, str | os.PathLike):
        path = Path(src)
        if path.stat().st_size > max_bytes:
            raise too_big
        with path.open("rb") as fh:
            data = fh.read(max_bytes + 1)
    else:
        data = src.read(max_bytes + 1)
        if not isinstance(data, bytes):
            raise TypeError("open_image needs a binary file object")
    if len(data) > max_bytes:
        raise too_big
    return data


def _check_geometry(width: int, height: int, limits: ImageLimits) -> None:
    pixels = width * height
    if pixels > limits.max_pixels:
        raise ImageRejected(
            "too_many_pixels",
            f"The image is {width}x{height} pixels; the limit is {_mp(limits.max_pixels)} "
            f"megapixels (for example {_example_dims(limits.max_pixels)}).",
        )
    if min(width, height) < limits.min_side:
        raise ImageRejected(
            "too_small",
            f"The image is only {width}x{height} pixels; each side needs at least "
            f"{limits.min_side} pixels.",
        )
    if max(width, height) / min(width, height) > limits.max_aspect:
        raise ImageRejected(
            "bad_aspect",
            f"The image is {width}x{height} pixels, which is too long and thin to print; "
            f"the long side may be at most {limits.max_aspect:g} times the short side.",
        )


def _check_coverage(nbytes: int, width: int, height: int, fmt: str) -> None:
    """Refuse a header that claims more pixels than the file's bytes could possibly encode."""
    per_byte = MAX_PIXELS_PER_BYTE.get(fmt)
    if per_byte is not None and width * height > nbytes * per_byte:
        raise ImageRejected(
            "incomplete",
            f"The file claims to be {width}x{height} pixels but holds far too little data for "
            "that; it is incomplete or damaged. Please upload the original photo.",
        )


def _to_srgb(im: Image.Image) -> tuple[Image.Image, bool]:
    """Any Pillow mode -> 8-bit sRGB RGB; alpha composited on white."""
    alpha: Image.Image | None = None
    mode = im.mode
    if mode == "P":
        im = im.convert("RGBA" if "transparency" in im.info else "RGB")
    elif mode in ("LA", "La", "PA") or mode == "RGBa":
        im = im.convert("RGBA")
    elif mode.startswith("I") or mode == "F":
        im = _high_depth_to_l(im)
    if im.mode == "RGBA":
        alpha = im.getchannel("A")
        im = im.convert("RGB")

    icc = im.info.get("icc_profile")
    icc_used = False
    if icc and im.mode in ("RGB", "CMYK", "L"):
        try:
            src_profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            im = ImageCms.profileToProfile(
                im, src_profile, _SRGB, outputMode="RGB", renderingIntent=0
            )
            icc_used = True
        except (ImageCms.PyCMSError, OSError, ValueError) as exc:
            log.info("ignoring unusable ICC profile: %s", exc)
    if im.mode != "RGB":
        try:
            im = im.convert("RGB")
        except ValueError:
            raise ImageRejected(
                "corrupt", "The image uses a colour format we cannot read."
            ) from None
    if alpha is not None:
        white = Image.new("RGB", im.size, (255, 255, 255))
        im = Image.composite(im, white, alpha)
    # Detach from the source file: plain RGB image with no file handle or metadata.
    out = Image.new("RGB", im.size)
    out.paste(im)
    return out, icc_used


def _high_depth_to_l(im: Image.Image) -> Image.Image:
    """16-bit / 32-bit integer or float greyscale -> 8-bit ``L``."""
    arr = np.asarray(im).astype(np.float32)
    if im.mode == "F":
        top = 1.0 if arr.max(initial=0.0) <= 1.0 else 255.0
    else:
        top = 65535.0 if arr.max(initial=0.0) > 255 else 255.0
    scaled = np.clip(arr / top * 255.0 + 0.5, 0, 255).astype(np.uint8)
    out = Image.fromarray(scaled)
    out.info.update(im.info)
    return out


def _header_size(data: bytes) -> tuple[int, int] | None:
    """Width and height from the header alone (plugin ``_open`` reads no pixels)."""
    for fmt in ACCEPTED_FORMATS:
        factory, accept = Image.OPEN[fmt]
        if accept and not accept(data[:16]):
            continue
        try:
            with factory(io.BytesIO(data), None) as probe:
                return probe.size
        except Exception:
            continue
    return None


def _mp(pixels: int) -> str:
    return f"{pixels / 1e6:g}"


def _example_dims(pixels: int) -> str:
    # A 4:3 example the shopper can picture, e.g. 40 MP -> 7302x5477.
    h = int((pixels * 3 / 4) ** 0.5)
    return f"{pixels // h}x{h}"

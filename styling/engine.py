"""Where styling runs ``ml``: style specs, upload limits, palettes and stylizing.

``ml`` knows nothing of Django; :func:`style_spec` is the one place that turns a ``Style``
row into an ``ml.styles.StyleSpec`` (private files resolved to local paths), used by the
worker, the print re-render and the samples task. ``styling.curation`` also calls ``ml``,
to verify a style's source files before a ``Style`` row exists.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models.fields.files import FieldFile
from PIL import Image

from ml.imageio import ImageLimits
from styling.models import Style, StyleKind

ProgressFn = Callable[[str, float], None]
#: The smallest long side ``ml`` stylizers accept.
MIN_STYLE_SIZE = 64


def upload_limits() -> ImageLimits:
    """What the upload form accepts (shown on the page, enforced by ``ml.imageio``)."""
    return ImageLimits(
        max_bytes=settings.STYLING_UPLOAD_MAX_BYTES, max_pixels=settings.STYLING_UPLOAD_MAX_PIXELS
    )


def _local_path(field: FieldFile) -> str | None:
    """A filesystem path for a stored file: the file itself, or a cached local copy."""
    if not field:
        return None
    try:
        return field.storage.path(field.name)
    except NotImplementedError:  # object storage: keep one local copy per stored name
        cache = Path(tempfile.gettempdir()) / "retrocel-style-files" / field.name
        if not cache.exists():
            cache.parent.mkdir(parents=True, exist_ok=True)
            with field.storage.open(field.name, "rb") as src, cache.open("wb") as dst:
                shutil.copyfileobj(src, dst)
        return str(cache)


def paint_palette(style: Style) -> tuple[tuple[int, int, int], ...]:
    """The sRGB colours a classical style paints with: its palette source's, or none."""
    if style.kind != StyleKind.CLASSICAL or not style.source_palette:
        return ()
    from ml.palette import from_json

    return tuple(c.rgb for c in from_json(style.source_palette))


def palette_json(images: Image.Image | list[Image.Image]) -> list[dict[str, Any]]:
    """The stored form of the 18-colour palette of a picture or set (``ml.palette``)."""
    from ml.palette import palette_of, to_json

    return to_json(palette_of(images))


def style_spec(style: Style):  # -> ml.styles.StyleSpec
    """The ``ml`` description of ``style``: every path local, the paint palette resolved."""
    from ml.styles import StyleSpec

    return StyleSpec(
        kind=style.kind,
        architecture=style.architecture or None,
        weights=_local_path(style.weights),
        reference=_local_path(style.reference_image),
        builtin=style.builtin or None,
        params=dict(style.params or {}),
        palette=paint_palette(style),
    )


def working_image(image: Image.Image) -> Image.Image:
    """The photo reduced to the working resolution (never enlarged: that adds no detail)."""
    limit = settings.STYLING_WORKING_SIZE
    if max(image.size) <= limit:
        return image
    k = limit / max(image.size)
    size = (max(1, round(image.width * k)), max(1, round(image.height * k)))
    return image.resize(size, Image.Resampling.LANCZOS)


def stylize(
    style: Style,
    image: Image.Image,
    *,
    strength: float,
    preserve_color: bool,
    progress: ProgressFn,
) -> Image.Image:
    """Run ``style`` over ``image`` at the working resolution; the model is cached per process.

    Raises whatever ``ml`` raises: ``ml.imageio.ImageRejected`` /
    ``ml.weights.WeightsRejected`` / ``ValueError`` for unusable styles.
    """
    from ml.styles import load_style

    stylizer = load_style(style_spec(style))
    work = working_image(image.convert("RGB"))
    return stylizer(
        work,
        strength=strength,
        preserve_color=preserve_color,
        size=max(work.size),
        progress=progress,
    )


def stylize_for_print(
    style: Style,
    image: Image.Image,
    *,
    strength: float,
    preserve_color: bool,
    progress: ProgressFn | None = None,
) -> Image.Image:
    """Run ``style`` over ``image`` at ``image``'s own size (the print render, any size).

    The caller has already sized ``image`` to what the print needs
    (``styling.placement.print_render``). Network styles run in tiles with whole-image
    norm statistics when the ``ml`` build has them, so memory stays bounded; classical
    styles are scale-aware and run whole.
    """
    from ml.styles import load_style

    stylizer = load_style(style_spec(style))
    return stylizer(
        image.convert("RGB"),
        strength=strength,
        preserve_color=preserve_color,
        # Stylizers work at >= MIN_STYLE_SIZE; a tinier render is styled there and sized back.
        size=max(MIN_STYLE_SIZE, *image.size),
        progress=progress,
    )


def composes_at_print_size(style: Style) -> bool:
    """Whether ``style`` is a flat-colour (cel) style that draws its print at print size.

    Those styles compose region borders and ink at the print's pixels
    (:func:`stylize_at_print_size`), so no enlargement of a finished raster, and no
    staircase, is needed; network and reference styles keep the raster path.
    """
    if style.kind != StyleKind.CLASSICAL:  # never load network weights just to ask
        return False
    from ml.classical.stylizer import CelStylizer
    from ml.styles import load_style

    return isinstance(load_style(style_spec(style)), CelStylizer)


def stylize_at_print_size(
    style: Style,
    image: Image.Image,
    size: tuple[int, int],
    *,
    strength: float,
    preserve_color: bool,
    photo: Callable[[], Image.Image] | None = None,
    progress: ProgressFn | None = None,
) -> Image.Image:
    """A cel ``style`` analysed on ``image`` and drawn at ``size`` (the placed print pixels).

    ``photo()`` returns the photo at ``size``, for a strength below 1 or colour
    preservation (the photo shows through); it is not called otherwise.
    """
    from ml.styles import load_style

    stylizer = load_style(style_spec(style))
    notify = progress or (lambda _s, _f: None)
    return stylizer.render_print(
        image,
        size,
        strength=strength,
        preserve_color=preserve_color,
        photo=photo,
        progress=lambda f: notify("stylize", 0.1 + 0.8 * f),
    )

"""Where styling runs ``ml``: style specs, upload limits, palettes and stylizing.

``ml`` knows nothing of Django; :func:`style_spec` is the one place that turns a ``Style``
row into an ``ml.styles.StyleSpec`` (private files copied to process-local paths for the
duration of the block), used through :func:`load_stylizer` by the worker, the print
re-render and the samples task. ``styling.curation`` also calls ``ml``, to verify a
style's source files before a ``Style`` row exists.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db.models.fields.files import FieldFile
from PIL import Image

from ml.imageio import ImageLimits
from shop.media import local_copy
from styling.models import Style, StyleKind

ProgressFn = Callable[[str, float], None]
#: The smallest long side ``ml`` stylizers accept.
MIN_STYLE_SIZE = 64


def upload_limits() -> ImageLimits:
    """What the upload form accepts (shown on the page, enforced by ``ml.imageio``)."""
    return ImageLimits(
        max_bytes=settings.STYLING_UPLOAD_MAX_BYTES, max_pixels=settings.STYLING_UPLOAD_MAX_PIXELS
    )


@contextmanager
def _local_file(field: FieldFile) -> Iterator[str | None]:
    """A private local copy of a stored style file for ``ml`` (which reads paths), removed after.

    Read through the store (``shop.media.local_copy``), never ``storage.path``: on a worker
    host the file lives only in the object store.
    """
    if not field:
        yield None
        return
    with local_copy(field.storage, field.name) as path:
        yield str(path)


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


@contextmanager
def style_spec(style: Style) -> Iterator[Any]:  # -> ml.styles.StyleSpec
    """The style as ``ml`` sees it, its files copied locally for the duration of the block."""
    from ml.styles import StyleSpec

    with _local_file(style.weights) as weights, _local_file(style.reference_image) as reference:
        yield StyleSpec(
            kind=style.kind,
            architecture=style.architecture or None,
            weights=weights,
            reference=reference,
            builtin=style.builtin or None,
            params=dict(style.params or {}),
            palette=paint_palette(style),
        )


def load_stylizer(style: Style) -> Any:  # -> ml.stylizer.Stylizer
    """The style's stylizer, cached per process by ``ml`` (keyed by the files' sha256).

    The local copies are gone when this returns: ``ml`` reads them while loading only.
    """
    from ml.styles import load_style

    with style_spec(style) as spec:
        return load_style(spec)


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
    stylizer = load_stylizer(style)
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
    stylizer = load_stylizer(style)
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

    return isinstance(load_stylizer(style), CelStylizer)


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
    stylizer = load_stylizer(style)
    notify = progress or (lambda _s, _f: None)
    return stylizer.render_print(
        image,
        size,
        strength=strength,
        preserve_color=preserve_color,
        photo=photo,
        progress=lambda f: notify("stylize", 0.1 + 0.8 * f),
    )

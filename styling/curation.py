"""Style curation: verify a style's source through ``ml`` and generate its sample previews.

The Wagtail style form (``styling.admin_forms``) and ``seed_styles`` both go
through :func:`verify_source`, so every stored style has been loaded by the
same code the worker will use, and a wrong file is refused with ``ml``'s own
message before anything is saved. :func:`generate_samples` is the body of
the ``generate_style_samples`` Celery task.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from PIL import Image

from ml.imageio import ImageRejected, open_image
from ml.styles import BUILTIN_STYLES, StyleSpec, WeightsRejected, load_style, verify_weights
from ml.weights import sha256_file
from styling.engine import paint_palette, palette_json
from styling.jobs.dispatch import enqueue_samples
from styling.models import SamplesStatus, Style, StyleKind, StyleSample
from styling.sample_art import sample_paths

log = logging.getLogger(__name__)

SAMPLE_WORKING_SIZE = 512


class StyleRejected(Exception):
    """A style source we refuse; ``field`` is the form field the ``message`` belongs to."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@contextmanager
def local_path(source: File | None) -> Iterator[Path | None]:
    """A filesystem path for an upload or a stored file, keeping its original file name.

    ``ml`` reads paths; storage backends without local paths (S3) and
    in-memory uploads are copied to a private temporary folder first.
    """
    if not source:
        yield None
        return
    storage = getattr(source, "storage", None)
    name = getattr(source, "name", "") or "upload"
    if storage is not None and getattr(source, "_committed", False):
        try:
            yield Path(storage.path(name))
            return
        except NotImplementedError:
            pass
    with tempfile.TemporaryDirectory(prefix="retrocel-style-") as folder:
        path = Path(folder) / Path(name).name
        if hasattr(source, "seek"):
            source.seek(0)
        with path.open("wb") as out:
            if hasattr(source, "chunks"):
                for chunk in source.chunks():
                    out.write(chunk)
            else:
                shutil.copyfileobj(source, out)
        if hasattr(source, "seek"):
            source.seek(0)
        yield path


def verify_source(
    *,
    kind: str,
    architecture: str = "",
    builtin: str = "",
    params: Mapping[str, Any] | None = None,
    weights: File | None = None,
    reference: File | None = None,
) -> str:
    """Load the style through ``ml`` exactly as the worker will; return the source file's sha256.

    Classical styles have no file and return ``""``.

    Raises:
        StyleRejected: naming the field and saying what is wrong (``ml``'s message for files).
    """
    params = dict(params or {})
    if kind == StyleKind.GAN:
        if not architecture:
            raise StyleRejected("architecture", "Choose the architecture these weights are for.")
        if not weights:
            raise StyleRejected("weights", "Upload the generator's weights file (.pt / .pth).")
        if params:
            raise StyleRejected("params", "Generator styles take no parameters; leave this {}.")
        with local_path(weights) as path:
            try:
                return verify_weights(path, architecture)
            except WeightsRejected as exc:
                raise StyleRejected("weights", exc.message) from None
    if kind == StyleKind.REFERENCE:
        if not reference:
            raise StyleRejected("reference_image", "Upload the reference picture.")
        with local_path(reference) as path:
            try:
                open_image(path)
                load_style(StyleSpec(kind="reference", reference=str(path), params=params))
            except ImageRejected as exc:
                raise StyleRejected("reference_image", exc.message) from None
            except (WeightsRejected, ValueError) as exc:
                raise StyleRejected("params", str(exc)) from None
            return sha256_file(path)
    if kind == StyleKind.CLASSICAL:
        if not builtin:
            raise StyleRejected("builtin", "Choose the built-in filter.")
        try:
            load_style(StyleSpec(kind="classical", builtin=builtin, params=params))
        except ValueError as exc:
            raise StyleRejected("params", str(exc)) from None
        return ""
    raise StyleRejected("kind", f"Unknown style kind {kind!r}.")


def source_palette(source: File) -> list[dict[str, Any]]:
    """The 18-colour palette of a palette source picture, read through ``ml.imageio``.

    Raises:
        StyleRejected: on ``palette_source`` with ``ml``'s message when it is not an image.
    """
    with local_path(source) as path:
        try:
            image = open_image(path).image
        except ImageRejected as exc:
            raise StyleRejected("palette_source", exc.message) from None
    return palette_json(image)


def source_key(style: Style) -> str:
    """Identifies everything a sample depends on: a changed file, parameter or built-in
    renderer version (:attr:`ml.styles.BuiltinStyle.version`) makes new samples."""
    figures = [style.kind, style.architecture, style.builtin, style.weights_sha256, style.params]
    builtin = BUILTIN_STYLES.get(style.builtin or "")
    if style.kind == StyleKind.CLASSICAL and builtin is not None:
        figures.append(builtin.version)
    if paint_palette(style):  # only then, so styles without one keep their samples' keys
        figures.append([list(c) for c in paint_palette(style)])
    return hashlib.sha256(json.dumps(figures, sort_keys=True).encode()).hexdigest()


def queue_samples(style: Style) -> None:
    """Mark the style's samples as queued and enqueue their generation after commit."""
    Style.objects.filter(pk=style.pk).update(samples_status=SamplesStatus.QUEUED, samples_error="")
    style.samples_status = SamplesStatus.QUEUED
    enqueue_samples(style.pk)


@contextmanager
def _spec_for(style: Style) -> Iterator[StyleSpec]:
    with (
        local_path(style.weights or None) as weights,
        local_path(style.reference_image or None) as reference,
    ):
        yield StyleSpec(
            kind=style.kind,
            architecture=style.architecture or None,
            weights=str(weights) if weights else None,
            reference=str(reference) if reference else None,
            builtin=style.builtin or None,
            params=style.params or {},
            palette=paint_palette(style),
        )


def _png(image: Any) -> ContentFile:
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return ContentFile(buffer.getvalue())


def _store(name: str, image: Any) -> str:
    if default_storage.exists(name):
        default_storage.delete(name)
    return default_storage.save(name, _png(image))


def _samples_palette(style: Style) -> list[dict[str, Any]]:
    """The pooled palette of the style's styled samples (``[]`` when there are none)."""
    afters = []
    for sample in style.samples.all():
        with sample.after.open("rb") as fh, Image.open(fh) as im:
            afters.append(im.convert("RGB"))
    return palette_json(afters) if afters else []


def generate_samples(*, style_id: int) -> str:
    """Stylize every sample photo with the style; skip photos whose sample is current.

    Idempotent and safe to retry: outputs are named by the source key, rows
    are upserted per (style, photo), and a style edited meanwhile is left
    ``queued`` for the task its edit enqueued.
    """
    style = Style.objects.filter(pk=style_id).first()
    if style is None:
        return "missing"
    key = source_key(style)
    Style.objects.filter(pk=style_id).update(samples_status=SamplesStatus.RUNNING)
    try:
        current = {s.sample_name: s for s in style.samples.all()}
        todo = {
            n: p
            for n, p in sample_paths().items()
            if getattr(current.get(n), "source_sha256", "") != key
        }
        if todo:
            with _spec_for(style) as spec:
                stylizer = load_style(spec)
                for name, path in todo.items():
                    photo = open_image(path).image
                    after = stylizer(photo, size=min(SAMPLE_WORKING_SIZE, max(photo.size)))
                    folder = f"style-samples/{style.pk}/{key[:16]}"
                    StyleSample.objects.update_or_create(
                        style=style,
                        sample_name=name,
                        defaults={
                            "before": _store(f"{folder}/{name}-before.png", photo),
                            "after": _store(f"{folder}/{name}-after.png", after),
                            "source_sha256": key,
                        },
                    )
        style.samples.exclude(sample_name__in=list(sample_paths())).delete()
        palette = _samples_palette(style)
    except (WeightsRejected, ImageRejected, ValueError, OSError) as exc:
        message = getattr(exc, "message", None) or str(exc)
        log.warning("samples for style %s failed: %s", style_id, message)
        Style.objects.filter(pk=style_id).update(
            samples_status=SamplesStatus.FAILED, samples_error=message[:300]
        )
        return "failed"
    fresh = Style.objects.filter(pk=style_id).first()
    if fresh is not None and source_key(fresh) == key:
        Style.objects.filter(pk=style_id).update(
            samples_status=SamplesStatus.DONE, samples_error="", palette=palette
        )
        return "done"
    Style.objects.filter(pk=style_id).update(samples_status=SamplesStatus.QUEUED)
    return "stale"

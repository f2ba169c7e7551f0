"""factory_boy factories for styling's models (one per model), plus real test files.

A design's variant comes from ``catalog.tests.factories`` (the seeded 11 oz mug); other
apps import these and pass overrides rather than subclassing.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import factory
import torch
from django.core.files.base import ContentFile
from PIL import Image

from catalog.tests.factories import VariantFactory
from ml.testing.corpus import photo_like
from styling.models import (
    Builtin,
    Clip,
    ClipRender,
    Design,
    JobStatus,
    Style,
    StyleKind,
    StylingJob,
    Upload,
)

CHECKPOINTS = Path(__file__).resolve().parents[3] / "shared" / "checkpoints"


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


def flat_png(
    size: tuple[int, int] = (48, 32), color: tuple[int, int, int] = (200, 80, 40)
) -> bytes:
    """A one-colour PNG: for rows whose picture is never looked at."""
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


class UploadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Upload

    owner_session = "session-not-set"
    original = factory.LazyFunction(lambda: ContentFile(flat_png(), name="photo.png"))
    image = factory.LazyFunction(lambda: ContentFile(flat_png(), name="photo.png"))
    original_filename = "photo.png"
    width = 48
    height = 32


class StylingJobFactory(factory.django.DjangoModelFactory):
    """A finished job (its result stored) of the retro-cel style."""

    class Meta:
        model = StylingJob

    upload = factory.SubFactory(UploadFactory)
    style = factory.SubFactory(StyleFactory)
    status = JobStatus.DONE
    progress = 100
    result = factory.LazyFunction(lambda: ContentFile(flat_png(), name="styled.png"))


class ClipFactory(factory.django.DjangoModelFactory):
    """A two-frame clip's facts on an upload; its ``before`` file is a stand-in, not a video
    (for rows whose files are served or listed, never decoded; a real clip comes from
    ``styling.clips.create_clip_upload``)."""

    class Meta:
        model = Clip

    upload = factory.SubFactory(UploadFactory, original_filename="clip.mp4")
    frames = 2
    fps_num = 8
    width = 48
    height = 32
    before = factory.LazyFunction(lambda: ContentFile(b"before", name="before.mp4"))


class ClipRenderFactory(factory.django.DjangoModelFactory):
    """A finished clip job's downloads, as stand-in files (see :class:`ClipFactory`); its
    styled frames are the test's to write (``styling.clip_files.frame_name``)."""

    class Meta:
        model = ClipRender

    job = factory.SubFactory(StylingJobFactory)
    gif = factory.LazyFunction(lambda: ContentFile(b"GIF89a", name="clip.gif"))
    webp = factory.LazyFunction(lambda: ContentFile(b"RIFFWEBP", name="clip.webp"))
    mp4 = factory.LazyFunction(lambda: ContentFile(b"mp4", name="clip.mp4"))
    frames = 2


class DesignFactory(factory.django.DjangoModelFactory):
    """A design on the 11 oz mug; its owner is ``job__upload__owner_session`` (or ``_user``)."""

    class Meta:
        model = Design

    job = factory.SubFactory(StylingJobFactory)
    variant = factory.SubFactory(VariantFactory)
    placement = factory.LazyFunction(lambda: {"scale": 1.0, "offset_x": 0.0, "offset_y": 0.0})
    effective_dpi = 300


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

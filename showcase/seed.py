"""Demo data: the gallery page under the home page, and the featured-designs block."""

from __future__ import annotations

from showcase.models import GalleryPage

FEATURED_DESIGNS = {
    "type": "featured_designs",
    "value": {"heading": "Fresh from the gallery", "limit": 6},
}


def seed_gallery(home) -> None:  # type: ignore[no-untyped-def]
    """Place a ``GalleryPage`` at /gallery/ once, and then (once) give the home page the block.

    Both happen only when no gallery page exists yet, so an editor's later changes stay.
    """
    if GalleryPage.objects.exists():
        return
    page = GalleryPage(
        title="Gallery",
        slug="gallery",
        intro="<p>What shoppers made with our styles. Like one, or make your own.</p>",
    )
    home.add_child(instance=page)
    page.save_revision().publish()
    if not any(block.block_type == "featured_designs" for block in home.body):
        home.body.append(("featured_designs", FEATURED_DESIGNS["value"]))
        home.save_revision().publish()

"""Issue 19: cel artwork prints with smooth edges, not enlarged pixel stairs.

The disc card (``ml.edge_metrics``: discs and a diagonal band drawn in code, 800 x 1064 px,
the poster's aspect so it reaches 175 DPI on the 18 x 24 in poster, tier *good*) is styled
with retro-cel and printed at 100 % through the pipeline's own steps (``upscale_line``,
``write_line_pdf``). Each disc is then rendered from the PDF with ``pdftoppm -r 300`` (a
crop around it, as a RIP would see that part of the page), and its edge measured against a
fitted circle: RMS <= 1.5 print px and no stair tread longer than 2 px. The old path
(retro-cel at 800 px enlarged by RDN x4 + Lanczos) measured 1.23-1.59 px RMS and 11.5-13.8
px treads; this one 0.73-0.80 px and 1.0-1.5 px (``python bench/print_edges.py``).
"""

from __future__ import annotations

import io

import numpy as np
import pytest
from django.core.files.base import ContentFile

from catalog.models import ProductKind
from catalog.tests.factories import PrintSpecFactory, ProductFactory, VariantFactory
from ml.edge_metrics import CARD_SIZE, DISCS, disc_card, measure_disc
from orders.snapshots import SpecSnapshot
from orders.tests.factories import OrderLineFactory
from printing.models import PrintStatus, ProductRoute
from printing.tests import poppler
from printing.tests.factories import POSTER, VendorFactory, paid_order, run_line_pipeline
from styling.placement import Placement, image_rect_mm
from styling.tests.factories import (
    DesignFactory,
    StyleFactory,
    StylingJobFactory,
    UploadFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
DPI = 300
MM_PER_INCH = 25.4


def card_order():
    """A paid order for the 18 x 24 in poster (150 min / 300 recommended DPI) of the card."""
    buffer = io.BytesIO()
    disc_card().save(buffer, "PNG")
    png = buffer.getvalue()
    w, h = CARD_SIZE
    upload = UploadFactory(
        original=ContentFile(png, name="original.png"),
        image=ContentFile(png, name="image.png"),
        width=w,
        height=h,
        crop={"x": 0, "y": 0, "w": w, "h": h},
    )
    job = StylingJobFactory(
        upload=upload, style=StyleFactory(), result=ContentFile(png, name="styled.png")
    )
    spec = PrintSpecFactory(**POSTER)
    product = ProductFactory(slug="poster-product", title="Poster", kind=ProductKind.POSTER)
    ProductRoute.objects.create(product=product, vendor=VendorFactory())
    variant = VariantFactory(product=product, print_spec=spec, sku="POSTER-1", name=spec.name)
    order = paid_order()
    OrderLineFactory(order=order, design=DesignFactory(job=job, variant=variant))
    return order


def test_retro_cel_discs_print_with_smooth_edges(rdn_weights) -> None:
    # Given the disc card on the 18 x 24 in poster at 100 %, styled with retro-cel
    order = card_order()
    # When the pipeline renders its print file
    run_line_pipeline(order)
    line = order.lines.get()
    pf = line.printfile
    assert pf.status == PrintStatus.READY, pf.error
    assert pf.upscale_factor == 1.0  # drawn at print size, no RDN
    data = pf.file.read()
    spec = SpecSnapshot.from_json(line.print_spec)
    assert pf.preflight["passed"] is True
    info = poppler.pdf_info(data)
    assert (info["Pages"], info["PDF subtype"]) == ("2", "PDF/X-4")
    images = [row for row in poppler.pdf_images(data) if row["page"] == "1"]
    assert [int(images[0]["x-ppi"])] == [175]  # 800 px x4 over 18.25 in: tier good

    # Then every disc, rendered by pdftoppm at 300 DPI, has a smooth circular edge
    boxes = poppler.pdf_boxes(data)
    media, bleed = boxes["MediaBox"], boxes["BleedBox"]
    left = (bleed[0] - media[0]) / 72 * DPI  # the bleed box's top-left in page pixels
    top = (media[3] - bleed[3]) / 72 * DPI
    rect = image_rect_mm(CARD_SIZE, spec, Placement())
    k = rect.w / CARD_SIZE[0] / MM_PER_INCH * DPI  # page pixels per card pixel
    for disc in DISCS:
        cx = left + rect.x / MM_PER_INCH * DPI + disc.cx * k
        cy = top + rect.y / MM_PER_INCH * DPI + disc.cy * k
        r = disc.r * k
        box = (round(cx - 1.25 * r), round(cy - 1.25 * r), round(2.5 * r), round(2.5 * r))
        crop = np.asarray(poppler.render_region(data, box, dpi=DPI))
        stats = measure_disc(crop, cx - box[0], cy - box[1], r)
        print(f"disc r={disc.r}: fitted r {stats.r:.1f} (drawn {r:.1f}), RMS {stats.rms:.2f} px,"
              f" longest tread {stats.longest_step:.1f} px, {stats.points} edge points")  # fmt: skip
        assert stats.points > 0.95 * 2 * np.pi * r / 0.5  # the edge was found all round
        assert abs(stats.r - r) < 0.03 * r  # the disc kept its size (ink widens it a little)
        assert np.hypot(stats.cx - (cx - box[0]), stats.cy - (cy - box[1])) < 4
        assert stats.rms <= 1.5
        assert stats.longest_step <= 2.0

"""The print PDF at real sizes, read back by poppler: boxes, image ppi, rendered artwork.

These tests give ``compose`` an image already at its placed size (Lanczos
from a small photo): they are about the PDF, not the upscaler, which
``test_print_pipeline`` drives for real.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime

import numpy as np
import pikepdf
import pytest
from PIL import Image

from orders.snapshots import SpecSnapshot, spec_snapshot
from printing.compose import (
    Placement,
    compose_print_canvas,
    image_rect,
    mask_boxes,
    placed_rect,
    upscale_target,
)
from printing.models import PrintStatus
from printing.pdf import PageGeometry, TicketInfo, write_print_pdf
from printing.preflight import preflight_pdf
from printing.tests import poppler
from printing.tests.factories import (
    CASE,
    MUG,
    POSTER,
    SMALL,
    STYLED_SIZES,
    VendorFactory,
    paid_order_with_lines,
    photo_png,
    run_line_pipeline,
)

pytestmark = pytest.mark.django_db

SPECS = {"poster": POSTER, "mug": MUG, "case": CASE, "small": SMALL}
TICKET = TicketInfo(
    order_number="A1B2C3D4E5",
    line_id=42,
    line_position=1,
    line_count=1,
    sku="SKU-1",
    product_title="Poster",
    variant_name="18 x 24 in",
    style_name="Retro cel",
    quantity=2,
    ship_to=("Ann Smith", "1 Main Street", "12345 Springfield", "US"),
    vendor_name="Print House",
    issued_at=datetime(2025, 3, 4, 5, 6, 7, tzinfo=UTC),
)


def snapshot(kind: str) -> SpecSnapshot:
    from catalog.models import PrintSpec

    fields = dict(SPECS[kind])
    return SpecSnapshot.from_json(spec_snapshot(PrintSpec(**fields)))


def source(kind: str, photo: str = "101085.png") -> Image.Image:
    return Image.open(io.BytesIO(photo_png(STYLED_SIZES[kind], photo))).convert("RGB")


def render(kind: str, photo: str = "101085.png", placement: Placement | None = None):
    spec, placement = snapshot(kind), placement or Placement()
    src = source(kind, photo)
    placed = src.resize(upscale_target(src.size, spec, placement), Image.Resampling.LANCZOS)
    data = write_print_pdf(compose_print_canvas(placed, spec, placement), spec, TICKET)
    return spec, src, data


def expected_trim(src: Image.Image, spec: SpecSnapshot, size: tuple[int, int]) -> np.ndarray:
    """The source as it should appear in the trim box (cover fit, centred), at ``size``."""
    canvas = spec.canvas_pixels()
    rect = image_rect(src.size, spec, Placement())
    bleed_px = canvas[0] * float(spec.bleed_mm / spec.bleed_width_mm)
    bleed_py = canvas[1] * float(spec.bleed_mm / spec.bleed_height_mm)
    sx, sy = src.width / rect.width, src.height / rect.height
    box = (
        (bleed_px - rect.x) * sx,
        (bleed_py - rect.y) * sy,
        (canvas[0] - bleed_px - rect.x) * sx,
        (canvas[1] - bleed_py - rect.y) * sy,
    )
    return np.asarray(src.resize(size, Image.Resampling.BOX, box=box), dtype=np.float32)


def trim_of_render(page: Image.Image, data: bytes) -> Image.Image:
    """Crop a page-1 render to its TrimBox (poppler's y axis points down)."""
    boxes = poppler.pdf_boxes(data)
    media, trim = boxes["MediaBox"], boxes["TrimBox"]
    kx, ky = page.width / (media[2] - media[0]), page.height / (media[3] - media[1])
    return page.crop(
        (
            round(trim[0] * kx),
            round((media[3] - trim[3]) * ky),
            round(trim[2] * kx),
            round((media[3] - trim[1]) * ky),
        )
    )


def unmasked(spec: SpecSnapshot, size: tuple[int, int]) -> np.ndarray:
    """Boolean map (trim box at ``size``) of pixels no mask covers, with a 1 px margin."""
    keep = np.ones((size[1], size[0]), dtype=bool)
    tw, th = float(spec.trim_width_mm), float(spec.trim_height_mm)
    for m in spec.masks:
        x0 = int(float(m["x"]) / tw * size[0]) - 1
        y0 = int(float(m["y"]) / th * size[1]) - 1
        x1 = int((float(m["x"]) + float(m["w"])) / tw * size[0]) + 2
        y1 = int((float(m["y"]) + float(m["h"])) / th * size[1]) + 2
        keep[max(0, y0) : y1, max(0, x0) : x1] = False
    return keep


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["poster", "mug", "case"])
def test_real_size_pdf_has_spec_boxes_ppi_and_the_design(kind: str, rdn_weights) -> None:
    # Given a paid order for the product with its real print spec and a small styled photo
    vendor = VendorFactory()
    order = paid_order_with_lines([kind], vendor)
    line = order.lines.get()
    # When the pipeline renders it (RDN upscale, compose, PDF, preflight)
    run_line_pipeline(order)
    line.refresh_from_db()
    assert line.printfile.status == PrintStatus.READY, line.printfile.error
    data = line.printfile.file.read()
    spec = SpecSnapshot.from_json(line.print_spec)
    with line.design.job.result.open("rb") as fh:
        src = Image.open(io.BytesIO(fh.read())).convert("RGB")

    # Then pdfinfo reports the spec's TrimBox and BleedBox in points (within 0.5 pt)
    boxes = poppler.pdf_boxes(data)
    tw, th = spec.trim_size_pt
    bw, bh = spec.bleed_size_pt
    trim, bleed, media = boxes["TrimBox"], boxes["BleedBox"], boxes["MediaBox"]
    assert abs((trim[2] - trim[0]) - tw) <= 0.5 and abs((trim[3] - trim[1]) - th) <= 0.5
    assert abs((bleed[2] - bleed[0]) - bw) <= 0.5 and abs((bleed[3] - bleed[1]) - bh) <= 0.5
    assert media[0] < bleed[0] and media[2] > bleed[2]  # a slug outside the bleed for marks
    info = poppler.pdf_info(data)
    assert info["Pages"] == "2"
    assert info["PDF subtype"] == "PDF/X-4"
    assert info["Keywords"] == f"order:{order.number}, line:{line.pk}, sku:{line.sku}"

    # And pdfimages reports the artwork at >= the spec's minimum ppi both ways
    images = [row for row in poppler.pdf_images(data) if row["page"] == "1"]
    assert len(images) == 1
    assert int(images[0]["x-ppi"]) >= spec.min_dpi
    assert int(images[0]["y-ppi"]) >= spec.min_dpi
    assert (int(images[0]["width"]), int(images[0]["height"])) == spec.canvas_pixels()
    assert line.printfile.preflight["passed"] is True
    assert min(line.printfile.preflight["image_ppi"]) >= spec.min_dpi
    assert line.printfile.upscale_factor == 1.0  # retro-cel draws at print size: no RDN ran

    # And page 1 rendered by pdftoppm shows the design in the trim area, not a blank
    page = poppler.render_page(data, dpi=12 if kind == "poster" else 40)
    trim_render = trim_of_render(page, data)
    got = np.asarray(trim_render, dtype=np.float32)
    keep = unmasked(spec, trim_render.size)
    assert got[keep].std() > 20
    want = expected_trim(src, spec, trim_render.size)
    diff = np.abs(got - want).mean(axis=2)[keep].mean()
    other = expected_trim(source(kind, "102061.png"), spec, trim_render.size)
    diff_other = np.abs(got - other).mean(axis=2)[keep].mean()
    assert diff < 12, f"trim area differs from the design by {diff:.1f} levels"
    assert diff_other > 2 * diff  # and the comparison can tell designs apart
    # Masked areas (mug handle, camera hole) print paper white.
    if spec.masks:
        assert got[~unmasked_core(spec, trim_render.size)].min() >= 235


def unmasked_core(spec: SpecSnapshot, size: tuple[int, int]) -> np.ndarray:
    """False inside each mask, shrunk by 2 px (and by the corner radius) to avoid edges."""
    keep = np.ones((size[1], size[0]), dtype=bool)
    tw, th = float(spec.trim_width_mm), float(spec.trim_height_mm)
    for m in spec.masks:
        r = float(m.get("radius", 0))
        x0 = int((float(m["x"]) + r) / tw * size[0]) + 2
        y0 = int((float(m["y"]) + r) / th * size[1]) + 2
        x1 = int((float(m["x"]) + float(m["w"]) - r) / tw * size[0]) - 2
        y1 = int((float(m["y"]) + float(m["h"]) - r) / th * size[1]) - 2
        keep[y0:y1, x0:x1] = False
    return keep


def test_same_input_gives_byte_identical_pdf() -> None:
    # Given one composed canvas
    spec, src = snapshot("small"), source("small")
    placed = src.resize(upscale_target(src.size, spec, Placement()), Image.Resampling.LANCZOS)
    canvas = compose_print_canvas(placed, spec, Placement())
    # When it is written twice
    first, second = write_print_pdf(canvas, spec, TICKET), write_print_pdf(canvas, spec, TICKET)
    # Then the bytes are identical, dates included (taken from the order, not the clock)
    assert first == second
    assert poppler.pdf_info(first)["CreationDate"].endswith("2025 UTC")


def test_bleed_is_artwork_continued_not_scaled() -> None:
    # Given an image placed to cover exactly the trim box (not the bleed)
    spec = snapshot("small")
    cw, ch = spec.canvas_pixels()
    bx = round(cw * float(spec.bleed_mm / spec.bleed_width_mm))
    by = round(ch * float(spec.bleed_mm / spec.bleed_height_mm))
    rng = np.random.default_rng(0)
    art = rng.integers(0, 255, (ch - 2 * by, cw - 2 * bx, 3), dtype=np.uint8)
    image = Image.fromarray(art, "RGB")
    placement = Placement()
    rect = placed_rect(image.size, spec, placement)
    assert (rect.x, rect.y, rect.width, rect.height) == (bx, by, cw - 2 * bx, ch - 2 * by)
    # When it is composed
    out = np.asarray(compose_print_canvas(image, spec, placement))
    # Then the trim area holds the artwork pixel for pixel (no rescale) ...
    assert np.array_equal(out[by : ch - by, bx : cw - bx], art)
    # ... and the bleed continues the artwork's edge pixels outwards
    assert np.array_equal(out[by : ch - by, 0], art[:, 0])
    assert np.array_equal(out[0, bx : cw - bx], art[0, :])
    assert np.array_equal(out[ch - 1, cw - 1], art[-1, -1])


def test_wrap_bleed_continues_round_the_mug_and_handle_is_blank() -> None:
    spec = snapshot("mug")
    src = source("mug")
    placed = src.resize(upscale_target(src.size, spec, Placement()), Image.Resampling.LANCZOS)
    out = np.asarray(compose_print_canvas(placed, spec, Placement()))
    cw, _ = spec.canvas_pixels()
    bx = round(cw * float(spec.bleed_mm / spec.bleed_width_mm))
    # The left bleed repeats the right end of the trim area, and vice versa.
    assert np.array_equal(out[:, :bx], out[:, cw - 2 * bx : cw - bx])
    assert np.array_equal(out[:, cw - bx :], out[:, bx : 2 * bx])
    # The handle area is paper white, through the top and bottom bleed too.
    x0, y0, x1, y1, _ = mask_boxes(spec, spec.canvas_pixels())[0]
    assert (y0, y1) == (0, out.shape[0])
    assert (out[:, x0:x1] == 255).all()


def test_preflight_passes_our_file_and_names_each_failure() -> None:
    spec, _, data = render("small")
    # Our own file passes every check.
    result = preflight_pdf(data, spec)
    assert result.passed, result.failures
    assert [c.name for c in result.checks] == [
        "readable",
        "page_count",
        "trim_box",
        "bleed_box",
        "bleed_margins",
        "media_box",
        "image_ppi",
        "output_intent",
        "fonts_embedded",
    ]
    # Checked against another size, bleed and minimum ppi, it fails on exactly those.
    poster = snapshot("poster")
    failed = preflight_pdf(data, poster)
    assert {c.name for c in failed.checks if not c.passed} == {
        "trim_box",
        "bleed_box",
        "bleed_margins",
        "image_ppi",
    }
    # A file stripped of its output intent and its ticket page fails on those.
    with pikepdf.open(io.BytesIO(data)) as pdf:
        del pdf.Root["/OutputIntents"]
        del pdf.pages[1]
        out = io.BytesIO()
        pdf.save(out)
    stripped = preflight_pdf(out.getvalue(), spec)
    assert {c.name for c in stripped.checks if not c.passed} == {"page_count", "output_intent"}
    # Garbage is reported, not raised.
    assert preflight_pdf(b"not a pdf", spec).failures[0].startswith("readable: not a readable PDF")


def test_job_ticket_qr_decodes_to_the_line_id() -> None:
    zxingcpp = pytest.importorskip("zxingcpp")
    _, _, data = render("small")
    ticket = poppler.render_page(data, page=2, dpi=100)
    codes = zxingcpp.read_barcodes(ticket)
    assert [c.text for c in codes] == ["RETROCEL-LINE:42"]
    boxes = poppler.pdf_boxes(data, page=2)
    assert boxes["TrimBox"] == boxes["MediaBox"]


def test_crop_marks_sit_outside_the_bleed() -> None:
    spec, _, data = render("small")
    page = np.asarray(poppler.render_page(data, dpi=150).convert("L"))
    geometry = PageGeometry.for_spec(spec)
    k = 150 / 72
    media_h = geometry.media[3]
    bx0, by0, bx1, by1 = (v * k for v in geometry.bleed)
    tx0 = geometry.trim[0] * k
    # A dark mark on the trim line's extension above the bleed box (poppler y down).
    top_slug = page[: int((media_h * k) - by1) - 2, round(tx0) - 1 : round(tx0) + 2]
    assert top_slug.min() < 100
    # Nothing dark in the slug beside the bleed box except on the trim lines.
    corner = page[: int((media_h * k) - by1) - 2, : round(bx0) - 2]
    assert corner.min() > 200

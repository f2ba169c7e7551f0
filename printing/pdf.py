"""Print-ready PDF for one order line, written with reportlab, finished with pikepdf.

Page 1 is the artwork: MediaBox = bleed box + a slug on every side for the
crop marks, BleedBox = trim + bleed, TrimBox = trim, all from the line's spec
snapshot. The composed canvas (the whole bleed box at >= the spec's minimum
DPI) is embedded once as a JPEG (quality 95, no chroma subsampling) drawn
exactly over the BleedBox. Crop marks sit in the slug, outside the bleed.

Page 2 is the job ticket: order, line, product, size, quantity, ship-to and a
QR code of the line id.

reportlab cannot write an output intent, so ``finish_pdf`` adds an sRGB
OutputIntent (GTS_PDFX), the PDF/X-4 version keys in Info and XMP, fixed
dates taken from the order, and a content-derived document ID. Fonts are
embedded (Bitstream Vera, shipped with reportlab). The same inputs give the
same bytes.
"""

from __future__ import annotations

import functools
import hashlib
import io
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pikepdf
import reportlab
from PIL import Image, ImageCms
from reportlab.graphics.barcode.qrencoder import QRCode, QRErrorCorrectLevel
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from orders.snapshots import SpecSnapshot

SLUG_MM = 12.0
MARK_GAP_MM = 1.0  # between the bleed edge and the start of a crop mark
MARK_LINE_PT = 0.25
JPEG_QUALITY = 95
PDFX_VERSION = "PDF/X-4"
SRGB_CONDITION = "sRGB IEC61966-2.1"
FONT, FONT_BOLD = "RetrocelVera", "RetrocelVera-Bold"
PRODUCER = "Retrocel print pipeline (reportlab + pikepdf)"


@dataclass(frozen=True)
class TicketInfo:
    """What the job ticket and the document metadata say about the line."""

    order_number: str
    line_id: int
    line_position: int  # 1-based position of the line in its order
    line_count: int
    sku: str
    product_title: str
    variant_name: str
    style_name: str
    quantity: int
    ship_to: tuple[str, ...]
    vendor_name: str
    issued_at: datetime  # the order's payment time: fixes every date in the file
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def qr_payload(self) -> str:
        return f"RETROCEL-LINE:{self.line_id}"

    @property
    def title(self) -> str:
        return f"Order {self.order_number} line {self.line_id} {self.sku}"


@dataclass(frozen=True)
class PageGeometry:
    """Boxes of page 1 in PDF points (origin bottom-left)."""

    media: tuple[float, float, float, float]
    bleed: tuple[float, float, float, float]
    trim: tuple[float, float, float, float]

    @classmethod
    def for_spec(cls, spec: SpecSnapshot) -> PageGeometry:
        slug = SLUG_MM * mm
        bleed = SpecSnapshot.mm_to_pt(spec.bleed_mm)
        bw, bh = spec.bleed_size_pt
        tw, th = spec.trim_size_pt
        return cls(
            media=(0.0, 0.0, bw + 2 * slug, bh + 2 * slug),
            bleed=(slug, slug, slug + bw, slug + bh),
            trim=(slug + bleed, slug + bleed, slug + bleed + tw, slug + bleed + th),
        )


def write_print_pdf(canvas_image: Image.Image, spec: SpecSnapshot, ticket: TicketInfo) -> bytes:
    """The finished print PDF for one line (artwork page + job ticket) as bytes."""
    geometry = PageGeometry.for_spec(spec)
    expected = spec.canvas_pixels()
    if canvas_image.size != expected:
        raise ValueError(
            f"The print canvas is {canvas_image.width}x{canvas_image.height} px; the spec needs "
            f"{expected[0]}x{expected[1]} px."
        )
    jpeg = encode_jpeg(canvas_image, spec.canvas_dpi)
    raw = _draw(jpeg, spec, geometry, ticket)
    return finish_pdf(raw, ticket)


def encode_jpeg(image: Image.Image, dpi: int) -> bytes:
    """Baseline RGB JPEG, 4:4:4: the same pixels always give the same bytes."""
    out = io.BytesIO()
    image.convert("RGB").save(
        out, "JPEG", quality=JPEG_QUALITY, subsampling=0, optimize=False, dpi=(dpi, dpi)
    )
    return out.getvalue()


# --- reportlab ------------------------------------------------------------------------------------


@functools.cache
def _register_fonts() -> None:
    fonts = Path(reportlab.__file__).resolve().parent / "fonts"
    pdfmetrics.registerFont(TTFont(FONT, str(fonts / "Vera.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(fonts / "VeraBd.ttf")))


def _draw(jpeg: bytes, spec: SpecSnapshot, geometry: PageGeometry, ticket: TicketInfo) -> bytes:
    _register_fonts()
    out = io.BytesIO()
    pdf = Canvas(
        out,
        pagesize=geometry.media[2:],
        invariant=1,
        pageCompression=1,
        pdfVersion=(1, 6),
        initialFontName=FONT,
        initialFontSize=8,
    )
    pdf.setTitle(ticket.title)
    pdf.setAuthor("Retrocel")
    pdf.setSubject(f"Print file: {ticket.product_title} {ticket.variant_name} x{ticket.quantity}")
    pdf.setKeywords([f"order:{ticket.order_number}", f"line:{ticket.line_id}", f"sku:{ticket.sku}"])
    pdf.setCreator("Retrocel")
    pdf.setProducer(PRODUCER)

    # Page 1: artwork over the bleed box, crop marks in the slug.
    pdf.setPageSize(geometry.media[2:])
    pdf.setCropBox(geometry.media)
    pdf.setBleedBox(geometry.bleed)
    pdf.setTrimBox(geometry.trim)
    x0, y0, x1, y1 = geometry.bleed
    pdf.drawImage(ImageReader(io.BytesIO(jpeg)), x0, y0, width=x1 - x0, height=y1 - y0)
    _crop_marks(pdf, geometry)
    _slug_label(pdf, geometry, ticket, spec)
    pdf.showPage()

    # Page 2: the job ticket on A4, its boxes all the page.
    pdf.setPageSize(A4)
    ticket_box = (0.0, 0.0, *A4)
    pdf.setCropBox(ticket_box)
    pdf.setBleedBox(ticket_box)
    pdf.setTrimBox(ticket_box)
    _job_ticket(pdf, ticket, spec)
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def _crop_marks(pdf: Canvas, geometry: PageGeometry) -> None:
    """Eight marks on the trim lines, starting outside the bleed and ending in the slug."""
    mx0, my0, mx1, my1 = geometry.media
    bx0, by0, bx1, by1 = geometry.bleed
    tx0, ty0, tx1, ty1 = geometry.trim
    gap, margin = MARK_GAP_MM * mm, 2 * mm
    pdf.saveState()
    pdf.setStrokeGray(0)
    pdf.setLineWidth(MARK_LINE_PT)
    for x in (tx0, tx1):
        pdf.line(x, my0 + margin, x, by0 - gap)
        pdf.line(x, by1 + gap, x, my1 - margin)
    for y in (ty0, ty1):
        pdf.line(mx0 + margin, y, bx0 - gap, y)
        pdf.line(bx1 + gap, y, mx1 - margin, y)
    pdf.restoreState()


def _slug_label(
    pdf: Canvas, geometry: PageGeometry, ticket: TicketInfo, spec: SpecSnapshot
) -> None:
    """One line of identification in the bottom slug, between the crop marks."""
    _, _, bx1, _ = geometry.bleed
    tx0, _, tx1, _ = geometry.trim
    text = (
        f"{ticket.order_number} · line {ticket.line_id} ({ticket.line_position}/"
        f"{ticket.line_count}) · {ticket.sku} · x{ticket.quantity} · {spec.name}"
    )
    size = 6.0
    room = (tx1 - tx0) - 8 * mm
    while size > 3 and pdf.stringWidth(text, FONT, size) > room:
        size -= 0.5
    pdf.saveState()
    pdf.setFillGray(0)
    pdf.setFont(FONT, size)
    pdf.drawCentredString((tx0 + tx1) / 2, geometry.bleed[1] - MARK_GAP_MM * mm - 3.5 * mm, text)
    pdf.restoreState()


def _job_ticket(pdf: Canvas, ticket: TicketInfo, spec: SpecSnapshot) -> None:
    width, height = A4
    left, top = 20 * mm, height - 20 * mm
    pdf.setFillGray(0)
    pdf.setFont(FONT_BOLD, 20)
    pdf.drawString(left, top - 14, "Job ticket")
    pdf.setFont(FONT, 11)
    pdf.drawString(left, top - 32, f"Order {ticket.order_number} · line {ticket.line_id}")

    rows = [
        ("Order", ticket.order_number),
        ("Line", f"{ticket.line_id} ({ticket.line_position} of {ticket.line_count})"),
        ("Product", f"{ticket.product_title} – {ticket.variant_name}"),
        ("SKU", ticket.sku),
        ("Style", ticket.style_name),
        ("Size", f"trim {spec.describe_size()}"),
        ("Bleed", f"{SpecSnapshot.mm_to_pt(spec.bleed_mm):.2f} pt ({spec.bleed_mm} mm) each side"),
        ("Resolution", f"{spec.canvas_dpi} ppi at trim size (minimum {spec.min_dpi})"),
        ("Quantity", str(ticket.quantity)),
        ("Vendor", ticket.vendor_name),
        ("Paid", ticket.issued_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")),
    ]
    if spec.is_wrap:
        rows.append(("Wrap", "printed around the product; side bleeds continue the wrap"))
    y = top - 70
    for label, value in rows:
        pdf.setFont(FONT_BOLD, 10)
        pdf.drawString(left, y, label)
        pdf.setFont(FONT, 10)
        pdf.drawString(left + 30 * mm, y, value)
        y -= 16

    y -= 10
    pdf.setFont(FONT_BOLD, 10)
    pdf.drawString(left, y, "Ship to")
    pdf.setFont(FONT, 10)
    for part in ticket.ship_to:
        pdf.drawString(left + 30 * mm, y, part)
        y -= 14
    for note in ticket.notes:
        y -= 6
        pdf.drawString(left, y, note)
        y -= 14

    size = 45 * mm
    _qr(pdf, ticket.qr_payload, width - 20 * mm - size, top - 30 - size, size)
    pdf.setFont(FONT, 8)
    pdf.drawCentredString(width - 20 * mm - size / 2, top - 42 - size, ticket.qr_payload)


def _qr(pdf: Canvas, payload: str, x: float, y: float, size: float) -> None:
    """A QR code drawn as filled squares in DeviceGray (quiet zone of 4 modules included)."""
    code = QRCode(None, QRErrorCorrectLevel.M)
    code.addData(payload)
    code.make()
    count = code.getModuleCount()
    border = 4
    box = size / (count + 2 * border)
    pdf.saveState()
    pdf.setFillGray(1)
    pdf.rect(x, y, size, size, stroke=0, fill=1)
    pdf.setFillGray(0)
    path = pdf.beginPath()
    for r, row in enumerate(code.modules):
        for c, dark in enumerate(row):
            if dark:
                path.rect(x + (c + border) * box, y + size - (r + border + 1) * box, box, box)
    pdf.drawPath(path, stroke=0, fill=1)
    pdf.restoreState()


# --- pikepdf finishing --------------------------------------------------------------------------


@functools.cache
def srgb_icc_profile() -> bytes:
    """lcms's built-in sRGB profile with its creation date fixed (so files are reproducible)."""
    profile = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    profile[24:36] = bytes([0x07, 0xD0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0])  # 2000-01-01 00:00:00
    return bytes(profile)


def _pdf_date(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("D:%Y%m%d%H%M%S+00'00'")


def finish_pdf(raw: bytes, ticket: TicketInfo) -> bytes:
    """Add the sRGB output intent, PDF/X-4 keys, fixed dates and XMP; save deterministically."""
    issued = ticket.issued_at.astimezone(UTC).replace(microsecond=0)
    with pikepdf.open(io.BytesIO(raw)) as pdf:
        icc = pikepdf.Stream(pdf, srgb_icc_profile())
        icc["/N"] = 3
        intent = pikepdf.Dictionary(
            Type=pikepdf.Name.OutputIntent,
            S=pikepdf.Name.GTS_PDFX,
            OutputConditionIdentifier=pikepdf.String(SRGB_CONDITION),
            OutputCondition=pikepdf.String(SRGB_CONDITION),
            RegistryName=pikepdf.String("http://www.color.org"),
            Info=pikepdf.String(SRGB_CONDITION),
            DestOutputProfile=icc,
        )
        pdf.Root.OutputIntents = pikepdf.Array([pdf.make_indirect(intent)])

        info = pdf.docinfo
        info["/CreationDate"] = _pdf_date(issued)
        info["/ModDate"] = _pdf_date(issued)
        info["/GTS_PDFXVersion"] = PDFX_VERSION
        info["/Trapped"] = pikepdf.Name.False_
        info["/RetrocelOrder"] = ticket.order_number
        info["/RetrocelLine"] = str(ticket.line_id)
        info["/RetrocelSKU"] = ticket.sku

        iso = issued.isoformat()
        doc_uuid = uuid.UUID(hashlib.sha256(ticket.title.encode()).hexdigest()[:32])
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
            meta["dc:title"] = ticket.title
            meta["dc:creator"] = ["Retrocel"]
            meta["pdf:Producer"] = PRODUCER
            meta["pdf:Keywords"] = str(info.get("/Keywords", ""))
            meta["pdf:Trapped"] = "False"
            meta["xmp:CreatorTool"] = "Retrocel"
            meta["xmp:CreateDate"] = iso
            meta["xmp:ModifyDate"] = iso
            meta["xmp:MetadataDate"] = iso
            meta["xmpMM:DocumentID"] = f"uuid:{doc_uuid}"
            meta["xmpMM:InstanceID"] = f"uuid:{doc_uuid}"
            meta["xmpMM:VersionID"] = "1"
            meta["xmpMM:RenditionClass"] = "default"
            meta["pdfxid:GTS_PDFXVersion"] = PDFX_VERSION

        out = io.BytesIO()
        pdf.save(
            out,
            deterministic_id=True,
            force_version="1.6",
            compress_streams=True,
            object_stream_mode=pikepdf.ObjectStreamMode.disable,
        )
    return out.getvalue()

"""Preflight: read a print PDF we wrote back with pikepdf and check it against the spec.

Checks: two pages (artwork + job ticket); page 1 TrimBox and BleedBox the
spec's sizes in points (within 0.5 pt), the trim centred in the bleed by the
bleed width, the MediaBox holding the bleed; the artwork image drawn over the
whole bleed box at >= the spec's minimum ppi at trim size in both directions;
an sRGB GTS_PDFX output intent with an embedded 3-channel profile; every font
embedded. The result is a JSON-safe dict stored on the line; any failed check
blocks sending the file to the vendor.
"""

from __future__ import annotations

import io
from dataclasses import asdict, dataclass
from typing import Any

import pikepdf

from orders.snapshots import SpecSnapshot

BOX_TOLERANCE_PT = 0.5
EXPECTED_PAGES = 2


@dataclass(frozen=True)
class Check:
    name: str
    passed: bool
    detail: str


@dataclass(frozen=True)
class PreflightResult:
    checks: tuple[Check, ...]
    image_ppi: tuple[float, float] | None

    @property
    def passed(self) -> bool:
        return all(check.passed for check in self.checks)

    @property
    def failures(self) -> list[str]:
        return [f"{c.name}: {c.detail}" for c in self.checks if not c.passed]

    def as_json(self) -> dict[str, Any]:
        return {
            "passed": self.passed,
            "checks": [asdict(c) for c in self.checks],
            "image_ppi": list(self.image_ppi) if self.image_ppi else None,
        }


def preflight_pdf(data: bytes, spec: SpecSnapshot) -> PreflightResult:
    """Check ``data`` (a whole PDF) against ``spec``; never raises for a bad file."""
    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PdfError as exc:
        return PreflightResult((Check("readable", False, f"not a readable PDF: {exc}"),), None)
    with pdf:
        checks = [Check("readable", True, f"PDF {pdf.pdf_version}")]
        pages = len(pdf.pages)
        checks.append(
            Check(
                "page_count",
                pages == EXPECTED_PAGES,
                f"{pages} pages (expected {EXPECTED_PAGES}: artwork and job ticket)",
            )
        )
        if not pages:
            return PreflightResult(tuple(checks), None)
        page = pdf.pages[0]
        checks.extend(_box_checks(page, spec))
        image_check, ppi = _image_check(page, spec)
        checks.append(image_check)
        checks.append(_output_intent_check(pdf))
        checks.append(_fonts_check(pdf))
    return PreflightResult(tuple(checks), ppi)


def _box(page: pikepdf.Page, name: str) -> tuple[float, float, float, float] | None:
    obj = page.obj.get(name)
    if obj is None:
        return None
    x0, y0, x1, y1 = (float(v) for v in obj)
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def _size_check(name: str, box, expected: tuple[float, float]) -> Check:
    if box is None:
        return Check(name, False, "missing")
    w, h = box[2] - box[0], box[3] - box[1]
    ok = abs(w - expected[0]) <= BOX_TOLERANCE_PT and abs(h - expected[1]) <= BOX_TOLERANCE_PT
    return Check(name, ok, f"{w:.2f} x {h:.2f} pt (spec {expected[0]:.2f} x {expected[1]:.2f} pt)")


def _box_checks(page: pikepdf.Page, spec: SpecSnapshot) -> list[Check]:
    media, bleed, trim = _box(page, "/MediaBox"), _box(page, "/BleedBox"), _box(page, "/TrimBox")
    checks = [
        _size_check("trim_box", trim, spec.trim_size_pt),
        _size_check("bleed_box", bleed, spec.bleed_size_pt),
    ]
    if trim and bleed:
        b = SpecSnapshot.mm_to_pt(spec.bleed_mm)
        margins = (trim[0] - bleed[0], trim[1] - bleed[1], bleed[2] - trim[2], bleed[3] - trim[3])
        ok = all(abs(m - b) <= BOX_TOLERANCE_PT for m in margins)
        checks.append(
            Check(
                "bleed_margins",
                ok,
                "bleed each side " + ", ".join(f"{m:.2f}" for m in margins) + f" pt (spec {b:.2f})",
            )
        )
    if media and bleed:
        ok = (
            media[0] <= bleed[0] + 1e-6
            and media[1] <= bleed[1] + 1e-6
            and media[2] >= bleed[2] - 1e-6
            and media[3] >= bleed[3] - 1e-6
        )
        checks.append(Check("media_box", ok, "holds the bleed box" if ok else "cuts the bleed"))
    return checks


def _drawn_images(page: pikepdf.Page) -> list[tuple[pikepdf.Object, pikepdf.Matrix]]:
    """Every image XObject painted by the page's content stream, with its CTM."""
    xobjects = page.obj.get("/Resources", {}).get("/XObject", {})
    ctm = pikepdf.Matrix()
    stack: list[pikepdf.Matrix] = []
    found = []
    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op == "q":
            stack.append(ctm)
        elif op == "Q":
            ctm = stack.pop() if stack else pikepdf.Matrix()
        elif op == "cm":
            ctm = pikepdf.Matrix(*(float(v) for v in operands)) @ ctm
        elif op == "Do":
            xobj = xobjects.get(str(operands[0]))
            if xobj is not None and xobj.get("/Subtype") == pikepdf.Name.Image:
                found.append((xobj, ctm))
    return found


def _image_check(
    page: pikepdf.Page, spec: SpecSnapshot
) -> tuple[Check, tuple[float, float] | None]:
    images = _drawn_images(page)
    if not images:
        return Check("image_ppi", False, "no image on the artwork page"), None
    bleed = _box(page, "/BleedBox")
    # The artwork is the image with the largest drawn area.
    xobj, ctm = max(images, key=lambda item: abs(item[1].a * item[1].d))
    drawn_w, drawn_h = abs(ctm.a), abs(ctm.d)
    px_w, px_h = int(xobj.Width), int(xobj.Height)
    ppi = (round(px_w / (drawn_w / 72), 2), round(px_h / (drawn_h / 72), 2))
    covers = bleed is not None and (
        ctm.e <= bleed[0] + BOX_TOLERANCE_PT
        and ctm.f <= bleed[1] + BOX_TOLERANCE_PT
        and ctm.e + drawn_w >= bleed[2] - BOX_TOLERANCE_PT
        and ctm.f + drawn_h >= bleed[3] - BOX_TOLERANCE_PT
    )
    ok = min(ppi) >= spec.min_dpi and covers
    detail = (
        f"{px_w}x{px_h} px over {drawn_w:.2f} x {drawn_h:.2f} pt = {ppi[0]:.1f} x {ppi[1]:.1f} ppi "
        f"(minimum {spec.min_dpi}); {'covers' if covers else 'does not cover'} the bleed box"
    )
    return Check("image_ppi", ok, detail), ppi


def _output_intent_check(pdf: pikepdf.Pdf) -> Check:
    intents = pdf.Root.get("/OutputIntents")
    for intent in intents or []:
        profile = intent.get("/DestOutputProfile")
        if intent.get("/S") == pikepdf.Name.GTS_PDFX and profile is not None:
            channels = int(profile.get("/N", 0))
            if channels == 3:
                return Check(
                    "output_intent", True, f"GTS_PDFX, {intent.get('/OutputConditionIdentifier')}"
                )
            return Check("output_intent", False, f"profile has {channels} channels, expected 3")
    return Check("output_intent", False, "no GTS_PDFX output intent with an embedded profile")


def _fonts_check(pdf: pikepdf.Pdf) -> Check:
    missing = set()
    for page in pdf.pages:
        fonts = page.obj.get("/Resources", {}).get("/Font", {})
        for _, font in fonts.items():
            descendants = font.get("/DescendantFonts")
            targets = list(descendants) if descendants is not None else [font]
            for target in targets:
                descriptor = target.get("/FontDescriptor")
                embedded = descriptor is not None and any(
                    k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")
                )
                if not embedded:
                    missing.add(str(font.get("/BaseFont")))
    if missing:
        return Check("fonts_embedded", False, "not embedded: " + ", ".join(sorted(missing)))
    return Check("fonts_embedded", True, "all fonts embedded")

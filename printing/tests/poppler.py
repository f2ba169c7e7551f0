"""Read our PDFs back with poppler-utils (pdfinfo, pdfimages, pdftoppm), as a vendor's RIP would."""

from __future__ import annotations

import io
import re
import subprocess
import tempfile
from pathlib import Path

from PIL import Image


def _run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True, timeout=120).stdout


def _with_file(data: bytes, fn):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "file.pdf"
        path.write_bytes(data)
        return fn(path)


def pdf_boxes(data: bytes, page: int = 1) -> dict[str, tuple[float, float, float, float]]:
    """``pdfinfo -box`` for one page: {"MediaBox": (x0, y0, x1, y1), "TrimBox": ..., ...}."""
    out = _with_file(
        data, lambda p: _run("pdfinfo", "-box", "-f", str(page), "-l", str(page), str(p))
    )
    boxes = {}
    for name, *nums in re.findall(
        r"^Page\s+\d+\s+(\w+Box):\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)", out, re.M
    ):
        boxes[name] = tuple(float(n) for n in nums)
    if not boxes:  # single-page form: "MediaBox:  0.00 ..."
        for name, *nums in re.findall(
            r"^(\w+Box):\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)", out, re.M
        ):
            boxes[name] = tuple(float(n) for n in nums)
    return boxes


def pdf_info(data: bytes) -> dict[str, str]:
    out = _with_file(data, lambda p: _run("pdfinfo", str(p)))
    return {k.strip(): v.strip() for k, v in re.findall(r"^([^:\n]+):\s*(.*)$", out, re.M)}


def pdf_images(data: bytes) -> list[dict[str, str]]:
    """``pdfimages -list`` rows as dicts keyed by its column names."""
    out = _with_file(data, lambda p: _run("pdfimages", "-list", str(p)))
    lines = out.splitlines()
    header = lines[0].split()
    # "object ID" is two words in the header but one column pair in the rows.
    header = [h for h in header if h != "ID"]
    rows = []
    for line in lines[2:]:
        cells = line.split()
        if not cells:
            continue
        cells = cells[:10] + [cells[10] + " " + cells[11]] + cells[12:]
        rows.append(dict(zip(header, cells, strict=False)))
    return rows


def render_page(data: bytes, page: int = 1, dpi: int = 10) -> Image.Image:
    """``pdftoppm`` one page to an RGB image (the whole MediaBox)."""
    return _pdftoppm(data, page, dpi)


def render_region(
    data: bytes, box: tuple[int, int, int, int], *, dpi: int = 300, page: int = 1
) -> Image.Image:
    """``pdftoppm -r dpi -x -y -W -H``: part of one page (``box`` = left, top, width, height in
    pixels of the page rendered at ``dpi``, origin top-left of the MediaBox)."""
    x, y, w, h = (str(int(v)) for v in box)
    return _pdftoppm(data, page, dpi, ["-x", x, "-y", y, "-W", w, "-H", h])


def _pdftoppm(data: bytes, page: int, dpi: int, extra: list[str] | None = None) -> Image.Image:
    """One page of ``data`` through ``pdftoppm -png`` (plus ``extra`` arguments) as RGB."""
    args = ["pdftoppm", "-r", str(dpi), "-f", str(page), "-l", str(page), *(extra or []), "-png"]

    def go(path: Path) -> Image.Image:
        png = subprocess.run(
            [*args, str(path)], check=True, capture_output=True, timeout=120
        ).stdout
        return Image.open(io.BytesIO(png)).convert("RGB")

    return _with_file(data, go)

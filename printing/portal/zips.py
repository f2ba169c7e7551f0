"""A whole order's print files as one zip, streamed as it is read (never built in memory).

PDFs are already compressed, so entries are stored; every size is known up
front, so the response carries a Content-Length.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePosixPath

from zipstream import ZIP_STORED, ZipStream

from orders.models import Order, OrderLine

CHUNK = 256 * 1024


def _chunks(line: OrderLine) -> Iterator[bytes]:
    file = line.printfile.file
    with file.storage.open(file.name, "rb") as fh:
        while chunk := fh.read(CHUNK):
            yield chunk


def zip_name(order: Order) -> str:
    return f"retrocel-order-{order.number}.zip"


def order_zip(order: Order, lines: list[OrderLine]) -> ZipStream:
    """A lazily read zip of ``lines``' PDFs plus a plain-text manifest."""
    stream = ZipStream(compress_type=ZIP_STORED, sized=True)
    manifest = [f"Retrocel order {order.number}", ""]
    for line in lines:
        file = line.printfile.file
        arcname = PurePosixPath(file.name).name
        stream.add(_chunks(line), arcname, size=file.storage.size(file.name))
        manifest.append(
            f"{arcname}\tline {line.pk}\t{line.sku}\tx{line.quantity}"
            f"\tsha256 {line.printfile.sha256}"
        )
    stream.add(("\n".join(manifest) + "\n").encode(), "MANIFEST.txt")
    return stream

"""The shopper's data as one zip: designs (styled image, mockup, facts) and orders (JSON).

Streamed with zipstream-ng as it is read, like the vendor portal's order zips. The original
photos are included too: they are the shopper's own data.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from zipstream import ZIP_DEFLATED, ZipStream

from accounts.selectors import account_designs, account_entries
from orders.models import Order

CHUNK = 256 * 1024


def _chunks(field: Any) -> Iterator[bytes]:
    with field.storage.open(field.name, "rb") as fh:
        while chunk := fh.read(CHUNK):
            yield chunk


def _add_file(stream: ZipStream, field: Any, arcname: str) -> None:
    if field and field.name and field.storage.exists(field.name):
        stream.add(_chunks(field), arcname)


def data_zip(user: Any) -> ZipStream:
    stream = ZipStream(compress_type=ZIP_DEFLATED)
    designs = []
    uploads_seen: set = set()
    for design in account_designs(user):
        folder = f"designs/{design.pk}"
        job, upload = design.job, design.job.upload
        _add_file(stream, job.result, f"{folder}/styled.png")
        _add_file(stream, design.mockup, f"{folder}/mockup.png")
        if upload.pk not in uploads_seen:
            uploads_seen.add(upload.pk)
            ext = upload.original.name.rsplit(".", 1)[-1] if upload.original else "bin"
            _add_file(stream, upload.original, f"photos/{upload.pk}.{ext}")
        designs.append(
            {
                "id": str(design.pk),
                "created_at": design.created_at.isoformat(),
                "product": design.variant.product.title,
                "variant": design.variant.name,
                "style": job.style.name,
                "strength": job.strength,
                "effective_dpi": design.effective_dpi,
                "photo": f"photos/{upload.pk}",
            }
        )
    orders = [
        {
            "number": order.number,
            "status": order.status,
            "created_at": order.created_at.isoformat(),
            "email": order.email,
            "ship_to": {
                "name": order.ship_name,
                "line1": order.ship_line1,
                "line2": order.ship_line2,
                "city": order.ship_city,
                "postal_code": order.ship_postal_code,
                "country": order.ship_country,
            },
            "currency": order.currency,
            "total_minor": order.total_minor,
            "refunded_minor": order.refunded_minor,
            "lines": [
                {
                    "product": line.product_title,
                    "variant": line.variant_name,
                    "sku": line.sku,
                    "style": line.style_name,
                    "quantity": line.quantity,
                    "unit_price_minor": line.unit_price_minor,
                    "design": str(line.design_id),
                    "status": line.status,
                    "carrier": line.carrier,
                    "tracking_number": line.tracking_number,
                }
                for line in order.lines.all()
            ],
        }
        for order in Order.objects.filter(user=user).prefetch_related("lines")
    ]
    published = [
        {
            "id": str(entry.pk),
            "design": str(entry.design_id) if entry.design_id else None,
            "clip": str(entry.clip_id) if entry.clip_id else None,  # the clip's styling job
            "title": entry.title,
            "caption": entry.caption,
            "published": entry.is_published,
            "hidden": entry.is_hidden,
            "likes": entry.like_count,
        }
        for entry in account_entries(user)
    ]
    account = {"email": user.email, "joined": user.date_joined.isoformat()}
    for name, data in (
        ("account.json", account),
        ("designs.json", designs),
        ("orders.json", orders),
        ("gallery.json", published),
    ):
        stream.add(json.dumps(data, indent=2).encode(), name)
    return stream

"""The shopper's data as one zip: designs (styled image, mockup, facts), clips (the styled
MP4, GIF, WebP and poster, facts) and orders (JSON).

Streamed with zipstream-ng as it is read, like the vendor portal's order zips. The original
photos and clips are included too, once each: they are the shopper's own data. A clip's
styled frames and its working-size "before" copy are not: the animations hold the first, the
source clip the second.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from zipstream import ZIP_DEFLATED, ZipStream

from accounts.selectors import account_clips, account_designs, account_entries
from orders.models import Order

CHUNK = 256 * 1024


def _chunks(field: Any) -> Iterator[bytes]:
    with field.storage.open(field.name, "rb") as fh:
        while chunk := fh.read(CHUNK):
            yield chunk


def _add_file(stream: ZipStream, field: Any, arcname: str) -> None:
    if field and field.name and field.storage.exists(field.name):
        stream.add(_chunks(field), arcname)


def _original_name(upload: Any, folder: str) -> str:
    """Where an upload's original goes in the zip: ``folder/<upload id>.<its extension>``."""
    ext = upload.original.name.rsplit(".", 1)[-1] if upload.original else "bin"
    return f"{folder}/{upload.pk}.{ext}"


def _add_clips(stream: ZipStream, user: Any) -> list[dict[str, Any]]:
    """Each finished clip's downloads and poster, its source once; the facts for clips.json."""
    clips = []
    sources_seen: set = set()
    for render in account_clips(user):
        job, upload = render.job, render.job.upload
        folder = f"clips/{job.pk}"
        files = []
        for field, name in (
            (render.mp4, "clip.mp4"),
            (render.gif, "clip.gif"),
            (render.webp, "clip.webp"),
            (job.result, "poster.png"),
        ):
            _add_file(stream, field, f"{folder}/{name}")
            files.append(f"{folder}/{name}")
        source = _original_name(upload, "clips/sources")
        if upload.pk not in sources_seen:
            sources_seen.add(upload.pk)
            _add_file(stream, upload.original, source)
        clip = upload.clip
        clips.append(
            {
                "id": str(job.pk),
                "created_at": job.created_at.isoformat(),
                "style": job.style.name,
                "strength": job.strength,
                "frames": render.frames,
                "fps": str(clip.fps),
                "seconds": round(clip.seconds, 2),
                "source": source,
                "files": files,
            }
        )
    return clips


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
            _add_file(stream, upload.original, _original_name(upload, "photos"))
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
    clips = _add_clips(stream, user)
    account = {"email": user.email, "joined": user.date_joined.isoformat()}
    for name, data in (
        ("account.json", account),
        ("designs.json", designs),
        ("clips.json", clips),
        ("orders.json", orders),
        ("gallery.json", published),
    ):
        stream.add(json.dumps(data, indent=2).encode(), name)
    return stream

"""The shopper's data as one zip: everything they uploaded (uploads.json), designs (styled image,
mockup, facts), clips (the styled MP4, GIF, WebP and poster, facts) and orders (JSON).

Streamed with zipstream-ng as it is read, like the vendor portal's order zips. Every upload the
shopper owns is there once, whatever became of it (a photo never styled, a clip whose job
failed): its original under ``photos/`` or, for a clip, ``clips/sources/``; designs and clips
point at it. A clip's styled frames and its working-size "before" copy are not: the
animations hold the first, the source clip the second.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from zipstream import ZIP_DEFLATED, ZipStream

from accounts.selectors import account_clips, account_designs, account_entries, account_uploads
from orders.models import Order

CHUNK = 256 * 1024


def _chunks(field: Any) -> Iterator[bytes]:
    with field.storage.open(field.name, "rb") as fh:
        while chunk := fh.read(CHUNK):
            yield chunk


def _add_file(stream: ZipStream, field: Any, arcname: str) -> bool:
    """Add ``field``'s file as ``arcname`` when it is stored; whether it was."""
    if field and field.name and field.storage.exists(field.name):
        stream.add(_chunks(field), arcname)
        return True
    return False


def _original_name(upload: Any, folder: str) -> str:
    """Where an upload's original goes in the zip: ``folder/<upload id>.<its extension>``."""
    ext = upload.original.name.rsplit(".", 1)[-1] if upload.original else "bin"
    return f"{folder}/{upload.pk}.{ext}"


def _add_uploads(stream: ZipStream, user: Any) -> tuple[list[dict[str, Any]], dict[Any, str]]:
    """Each upload's original, once: the facts for uploads.json, and where each went in the zip
    (by upload id) for designs.json and clips.json to point at."""
    uploads = []
    where: dict[Any, str] = {}
    for upload in account_uploads(user):
        clip = getattr(upload, "clip", None)  # selected with the upload: no query
        arcname = _original_name(upload, "clips/sources" if clip else "photos")
        if _add_file(stream, upload.original, arcname):
            where[upload.pk] = arcname
        facts: dict[str, Any] = {
            "id": str(upload.pk),
            "kind": "clip" if clip else "photo",
            "created_at": upload.created_at.isoformat(),
            "filename": upload.original_filename,
            "width": upload.width,
            "height": upload.height,
            "crop": upload.crop,
            "file": where.get(upload.pk),
        }
        if clip:
            facts.update(
                frames=clip.frames,
                fps=str(clip.fps),
                seconds=round(clip.seconds, 2),
                sound=clip.has_audio,
            )
        uploads.append(facts)
    return uploads, where


def _add_clips(stream: ZipStream, user: Any, sources: dict[Any, str]) -> list[dict[str, Any]]:
    """Each finished clip's downloads and poster; the facts for clips.json (``sources``: where
    each upload's original went)."""
    clips = []
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
            if _add_file(stream, field, f"{folder}/{name}"):  # only what the zip really holds
                files.append(f"{folder}/{name}")
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
                "source": sources.get(upload.pk),
                "files": files,
            }
        )
    return clips


def data_zip(user: Any) -> ZipStream:
    stream = ZipStream(compress_type=ZIP_DEFLATED)
    uploads, where = _add_uploads(stream, user)
    designs = []
    for design in account_designs(user):
        folder = f"designs/{design.pk}"
        job, upload = design.job, design.job.upload
        _add_file(stream, job.result, f"{folder}/styled.png")
        _add_file(stream, design.mockup, f"{folder}/mockup.png")
        designs.append(
            {
                "id": str(design.pk),
                "created_at": design.created_at.isoformat(),
                "product": design.variant.product.title,
                "variant": design.variant.name,
                "style": job.style.name,
                "strength": job.strength,
                "effective_dpi": design.effective_dpi,
                "photo": where.get(upload.pk),
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
    clips = _add_clips(stream, user, where)
    account = {"email": user.email, "joined": user.date_joined.isoformat()}
    for name, data in (
        ("account.json", account),
        ("uploads.json", uploads),
        ("designs.json", designs),
        ("clips.json", clips),
        ("orders.json", orders),
        ("gallery.json", published),
    ):
        stream.add(json.dumps(data, indent=2).encode(), name)
    return stream

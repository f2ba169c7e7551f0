"""Uploads: validate, crop and store a shopper's photo; hand them over at sign-in.

Nothing is stored unless every check passed (``ml.imageio`` decides what an acceptable
image is). ``source_size`` is the one answer to "how many pixels of the original does a
print render from".
"""

from __future__ import annotations

import io
import logging
import uuid
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from PIL import Image

from ml.imageio import ImageRejected, open_image
from styling import engine
from styling.exceptions import UploadRejected
from styling.models import Upload
from styling.selectors import SESSION_OWNER_KEY, Owner

log = logging.getLogger(__name__)

#: Longest side of the stored display image (the crop); the styles run at a smaller size.
IMAGE_MAX_SIDE = 4096
ORIGINAL_EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif", "TIFF": "tif"}
#: The media type of a stored original by its extension (photos here, clips in
#: ``styling.clips.CLIP_EXTENSIONS``); anything else is served as bytes.
ORIGINAL_TYPES = {
    "jpg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "gif": "image/gif",
    "tif": "image/tiff",
    "mp4": "video/mp4",
    "webm": "video/webm",
}


def original_content_type(name: str) -> str:
    """The type a stored original (``original.<ext>``) is downloaded with."""
    return ORIGINAL_TYPES.get(name.rsplit(".", 1)[-1].lower(), "application/octet-stream")


@dataclass(frozen=True)
class CropBox:
    """A crop in the pixels of the photo as displayed (EXIF orientation applied)."""

    x: int
    y: int
    w: int
    h: int


def create_upload(
    *, owner: Owner, data: bytes, filename: str, crop: CropBox | None = None
) -> Upload:
    """Validate the photo with ``ml.imageio``, crop it, and store original + EXIF-free PNG.

    Nothing is stored unless every check passed.

    Raises:
        UploadRejected: the file is not an acceptable image, or the crop is unusable.
    """
    limits = engine.upload_limits()
    try:
        loaded = open_image(data, limits=limits)
    except ImageRejected as exc:
        raise UploadRejected(exc.message, code=exc.code) from None
    image = loaded.image
    box = _clamp_crop(crop, image.size, limits.min_side)
    cropped = image.crop((box.x, box.y, box.x + box.w, box.y + box.h))
    if max(cropped.size) > IMAGE_MAX_SIDE:
        k = IMAGE_MAX_SIDE / max(cropped.size)
        cropped = cropped.resize(
            (round(cropped.width * k), round(cropped.height * k)), Image.Resampling.LANCZOS
        )
    png = io.BytesIO()
    cropped.save(png, "PNG", optimize=False)  # a fresh RGB image: no EXIF, no text chunks

    upload = Upload(
        id=uuid.uuid4(),
        owner_session=owner.session,
        owner_user_id=owner.user_id,
        original_filename=filename[:255],
        width=cropped.width,
        height=cropped.height,
        crop={"x": box.x, "y": box.y, "w": box.w, "h": box.h},
    )
    ext = ORIGINAL_EXTENSIONS.get(loaded.format, "bin")
    # Files first (each committed whole by the store), the row last; if the store or the
    # database fails part-way, what was stored goes again, so a resubmitted form starts clean.
    try:
        upload.original.save(f"original.{ext}", ContentFile(data), save=False)
        upload.image.save("photo.png", ContentFile(png.getvalue()), save=False)
        upload.save(force_insert=True)
    except Exception:
        delete_files(upload.original, upload.image)
        raise
    log.info("upload %s: %s %dx%d", upload.pk, loaded.format, upload.width, upload.height)
    return upload


def _clamp_crop(crop: CropBox | None, size: tuple[int, int], min_side: int) -> CropBox:
    width, height = size
    if crop is None:
        return CropBox(0, 0, width, height)
    x, y = max(0, min(crop.x, width - 1)), max(0, min(crop.y, height - 1))
    w, h = min(crop.w, width - x), min(crop.h, height - y)
    if w < min_side or h < min_side:
        raise UploadRejected(
            f"The cropped area is {max(w, 0)}x{max(h, 0)} pixels; each side needs at least "
            f"{min_side} pixels. Please select a larger area.",
            code="bad_crop",
        )
    return CropBox(x, y, w, h)


def delete_files(*fields: Any) -> None:
    """Delete the stored files of unsaved rows, so a failed insert leaves no file behind.

    Best effort: with the store down the delete fails too, and the caller's own error is the
    one to report; a leftover is an object no row references.
    """
    for field in fields:
        if field and field.name and getattr(field, "_committed", True):
            try:
                field.storage.delete(field.name)
            except Exception:
                log.warning("could not delete %s after a failed save", field.name, exc_info=True)


def adopt_on_login(sender: object, request: Any, user: Any, **kwargs: object) -> None:
    """``user_logged_in`` receiver: rows of the pre-login session key follow the new key.

    Django gives the session a new key at sign-in (against session fixation); the session
    data survives, including the key the shopper's uploads were made under.
    """
    if request is None or not hasattr(request, "session"):
        return
    old = request.session.get(SESSION_OWNER_KEY)
    new = request.session.session_key
    if not old or not new or old == new:
        return
    Upload.objects.filter(owner_session=old).update(owner_session=new)
    Upload.objects.filter(owner_session=new, owner_user__isnull=True).update(owner_user=user)
    request.session[SESSION_OWNER_KEY] = new


def source_size(upload: Upload) -> tuple[int, int]:
    """Pixels of the shopper's original photo inside the crop: what a print renders from."""
    crop = upload.crop or {}
    if crop.get("w") and crop.get("h"):
        return int(crop["w"]), int(crop["h"])
    return upload.width, upload.height

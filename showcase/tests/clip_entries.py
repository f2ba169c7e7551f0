"""A finished styled clip owned by a shopper, made in code (no worker run): what a clip entry
is published from. The "styled" frames are drawn here: a disc crossing a painted sky."""

from __future__ import annotations

import io
from fractions import Fraction
from typing import Any

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw

from ml.motion import write_gif, write_mp4, write_webp
from ml.testing import clips
from styling.clip_files import frame_name, storage
from styling.clips import create_clip_upload
from styling.models import ClipRender, StylingJob
from styling.selectors import Owner
from styling.tests.factories import StylingJobFactory

SIZE = (192, 128)
FRAMES = 8
FPS = Fraction(8)


def drawn_frames(n: int = FRAMES, size: tuple[int, int] = SIZE) -> list[Image.Image]:
    """``n`` frames: a vertical sky gradient, a hill, and an orange disc moving left to right."""
    w, h = size
    out = []
    for i in range(n):
        im = Image.new("RGB", size)
        draw = ImageDraw.Draw(im)
        for y in range(h):
            draw.line([(0, y), (w, y)], fill=(40 + y // 2, 90 + y // 3, 200 - y // 3))
        draw.ellipse([(-w // 3, h * 2 // 3), (w * 4 // 3, h * 2)], fill=(60, 150, 70))
        x = 10 + i * (w - 50) // max(1, n - 1)
        draw.ellipse([(x, 20), (x + 30, 50)], fill=(250, 140, 30), outline=(30, 20, 40), width=2)
        out.append(im)
    return out


def finished_clip_job(user: Any, **job: Any) -> StylingJob:
    """A done clip job of ``user``: the upload as the shop stores one (``create_clip_upload``),
    and the frames, downloads and poster as ``styling.clip_jobs`` writes them."""
    frames = drawn_frames()
    upload = create_clip_upload(
        owner=Owner(session=f"s-{user.pk}", user_id=user.pk),
        data=clips.video_bytes(frames, FPS),
        filename="sunrise.mp4",
    )
    poster = io.BytesIO()
    frames[0].save(poster, "PNG")
    job.setdefault("result", ContentFile(poster.getvalue(), name="result.png"))
    styled = StylingJobFactory(upload=upload, **job)
    for i, frame in enumerate(frames):
        png = io.BytesIO()
        frame.save(png, "PNG")
        storage().save(frame_name(styled, i), ContentFile(png.getvalue()))
    ClipRender.objects.create(
        job=styled,
        gif=ContentFile(write_gif(frames, FPS), name="clip.gif"),
        webp=ContentFile(write_webp(frames, FPS), name="clip.webp"),
        mp4=ContentFile(write_mp4(frames, FPS), name="clip.mp4"),
        frames=len(frames),
    )
    return styled

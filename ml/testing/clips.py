"""Clips made in code for tests and benches: a photo panned across, a still with camera noise,
and the awkward files a clip upload must refuse. Nothing here reads from the network.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Sequence
from fractions import Fraction

import numpy as np
from PIL import Image

__all__ = [
    "audio_only_mp4",
    "gif_bytes",
    "gif_huge_canvas",
    "gif_many_frames",
    "panned",
    "sprite_over_still",
    "still_with_noise",
    "video_bytes",
]


def panned(
    photo: Image.Image, n: int, size: tuple[int, int], *, still: int = 0, step: float = 2.0
) -> list[Image.Image]:
    """``n`` frames of ``size`` cut from ``photo``: the first ``still`` hold still (with a
    little sensor noise), then the window pans right ``step`` px per frame."""
    photo = photo.convert("RGB")
    scale = (size[1] + 8) / photo.height
    if photo.width * scale < size[0] + step * n + 8:
        scale = (size[0] + step * n + 8) / photo.width
    big = photo.resize(
        (int(photo.width * scale) + 1, int(photo.height * scale) + 1), Image.Resampling.LANCZOS
    )
    rng = np.random.default_rng(7)
    out = []
    for i in range(n):
        x = 4 + step * max(0, i - still)
        frame = big.crop((int(x), 4, int(x) + size[0], 4 + size[1]))
        out.append(_noisy(frame, rng, 2.0))
    return out


def still_with_noise(photo: Image.Image, n: int, size: tuple[int, int], sigma: float = 2.5):
    """A still camera: the same picture ``n`` times with independent sensor noise."""
    base = photo.convert("RGB").resize(size, Image.Resampling.LANCZOS)
    rng = np.random.default_rng(11)
    return [_noisy(base, rng, sigma) for _ in range(n)]


def _noisy(image: Image.Image, rng: np.random.Generator, sigma: float) -> Image.Image:
    arr = np.asarray(image, dtype=np.float32)
    arr = arr + rng.normal(0, sigma, arr.shape)
    return Image.fromarray(np.clip(arr + 0.5, 0, 255).astype(np.uint8), "RGB")


def gif_bytes(frames: Sequence[Image.Image], ms: int | Sequence[int] = 100) -> bytes:
    buf = io.BytesIO()
    frames[0].save(
        buf, format="GIF", save_all=True, append_images=list(frames[1:]), duration=ms, loop=0
    )
    return buf.getvalue()


def video_bytes(
    frames: Sequence[Image.Image],
    fps: int | Fraction = 24,
    *,
    container: str = "mp4",
    codec: str = "libx264",
    audio: bool = False,
) -> bytes:
    """Frames encoded with PyAV; ``audio`` adds a 440 Hz tone as long as the picture."""
    import av

    pix = {"libx264": "yuv420p", "libvpx-vp9": "yuv420p", "mjpeg": "yuvj420p", "ffv1": "yuv420p"}
    buf = io.BytesIO()
    with av.open(buf, mode="w", format=container) as out:
        stream = out.add_stream(codec, rate=fps)
        stream.width, stream.height = frames[0].size
        stream.pix_fmt = pix.get(codec, "yuv420p")
        tone = out.add_stream("aac", rate=48000, layout="mono") if audio else None
        for i, image in enumerate(frames):
            frame = av.VideoFrame.from_image(image.convert("RGB"))
            frame.pts = i
            frame.time_base = Fraction(1) / Fraction(fps)
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
        if tone is not None:
            samples = int(48000 * len(frames) / float(fps))
            t = np.arange(samples) / 48000
            wave = (0.2 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
            for start in range(0, samples, 1024):
                chunk = wave[None, start : start + 1024]
                af = av.AudioFrame.from_ndarray(chunk, format="flt", layout="mono")
                af.sample_rate = 48000
                af.pts = start
                for packet in tone.encode(af):
                    out.mux(packet)
            for packet in tone.encode():
                out.mux(packet)
    return buf.getvalue()


def gif_huge_canvas(width: int = 30000, height: int = 30000, frames: int = 2) -> bytes:
    """A tiny GIF whose logical screen claims ``width`` x ``height``: a decompression bomb."""
    out = bytearray(b"GIF89a" + struct.pack("<HHBBB", width, height, 0x80, 0, 0))
    out += b"\x00\x00\x00\xff\xff\xff"  # 2-colour global table
    out += b"\x21\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00"
    for _ in range(frames):
        out += b"\x21\xf9\x04\x00\x0a\x00\x00\x00"  # 100 ms
        out += b"\x2c" + struct.pack("<HHHHB", 0, 0, 1, 1, 0)
        out += b"\x02\x02\x44\x01\x00"  # LZW min code 2, one pixel
    out += b"\x3b"
    return bytes(out)


def gif_many_frames(n: int = 3000, side: int = 64) -> bytes:
    """A GIF of ``n`` small alternating frames (10 ms each): a frame-count bomb."""
    a = Image.new("P", (side, side), 0)
    b = Image.new("P", (side, side), 1)
    for im in (a, b):
        im.putpalette([0, 0, 0, 255, 255, 255] + [0] * 762)
    frames = [a if i % 2 else b for i in range(n)]
    return gif_bytes(frames, 10)


def sprite_over_still(
    photo: Image.Image, n: int, size: tuple[int, int], sigma: float = 2.5
) -> list[Image.Image]:
    """A still camera on ``photo`` (with sensor noise) while a red disc crosses it: the
    background is where flicker is measured, the disc is what must keep moving."""
    from PIL import ImageDraw

    base = photo.convert("RGB").resize(size, Image.Resampling.LANCZOS)
    rng = np.random.default_rng(13)
    r = size[1] // 8
    out = []
    for i in range(n):
        frame = base.copy()
        x = int(r + (size[0] - 2 * r) * i / max(1, n - 1))
        ImageDraw.Draw(frame).ellipse(
            (x - r, size[1] // 2 - r, x + r, size[1] // 2 + r), fill=(220, 30, 40)
        )
        out.append(_noisy(frame, rng, sigma))
    return out


def audio_only_mp4(seconds: float = 1.0) -> bytes:
    """An MP4 holding only a sound track: a zero-frame clip."""
    import av

    buf = io.BytesIO()
    with av.open(buf, mode="w", format="mp4") as out:
        tone = out.add_stream("aac", rate=48000, layout="mono")
        samples = int(48000 * seconds)
        for start in range(0, samples, 1024):
            af = av.AudioFrame.from_ndarray(
                np.zeros((1, 1024), dtype=np.float32), format="flt", layout="mono"
            )
            af.sample_rate = 48000
            af.pts = start
            for packet in tone.encode(af):
                out.mux(packet)
        for packet in tone.encode():
            out.mux(packet)
    return buf.getvalue()

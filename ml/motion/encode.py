"""Write a styled clip as animated GIF, animated WebP or MP4 (H.264).

* GIF: one 256-colour palette for the whole clip, chosen from frames sampled
  across it, and no dithering. Per-frame palettes (what a naive encoder does)
  make flat cel paint shimmer as each frame picks slightly different colours,
  and dithering noise defeats GIF's frame-difference compression; both grow
  the file. Frame timings are 10 ms ticks, spread so the total matches.
* WebP: lossy animated WebP through Pillow.
* MP4: H.264 ``yuv420p`` (plays everywhere; needs even sizes, which
  :func:`ml.motion.decode.working_size` guarantees), ``+faststart`` so it plays
  while downloading; the source's audio re-encoded as AAC and cut to the clip.
"""

from __future__ import annotations

import io
import logging
import tempfile
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path

from PIL import Image

log = logging.getLogger(__name__)

__all__ = ["clip_palette", "gif_durations", "write_gif", "write_mp4", "write_webp"]

#: Frames sampled for the GIF palette.
_PALETTE_SAMPLES = 12


def clip_palette(frames: Sequence[Image.Image], colours: int = 256) -> Image.Image:
    """One ``P`` image whose palette suits every frame: median cut over a strip of samples."""
    step = max(1, len(frames) // _PALETTE_SAMPLES)
    samples = list(frames[::step])[:_PALETTE_SAMPLES]
    w, h = samples[0].size
    thumb = (max(1, w // 2), max(1, h // 2))
    strip = Image.new("RGB", (thumb[0], thumb[1] * len(samples)))
    for i, frame in enumerate(samples):
        strip.paste(frame.convert("RGB").resize(thumb, Image.Resampling.BOX), (0, i * thumb[1]))
    return strip.quantize(colours, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)


def gif_durations(n: int, fps: Fraction) -> list[int]:
    """Per-frame milliseconds in GIF's 10 ms ticks whose running total tracks ``i / fps``."""
    out: list[int] = []
    for i in range(n):
        end = round((i + 1) * 100 / fps) * 10
        start = round(i * 100 / fps) * 10
        out.append(max(20, end - start))  # < 20 ms is shown as 100 ms by browsers
    return out


def write_gif(frames: Sequence[Image.Image], fps: Fraction) -> bytes:
    palette = clip_palette(frames)
    quantised = [
        f.convert("RGB").quantize(palette=palette, dither=Image.Dither.NONE) for f in frames
    ]
    buf = io.BytesIO()
    quantised[0].save(
        buf,
        format="GIF",
        save_all=True,
        append_images=quantised[1:],
        duration=gif_durations(len(frames), fps),
        loop=0,
        optimize=False,  # keep the shared palette (optimize would trim it per frame)
        disposal=1,
    )
    return buf.getvalue()


def write_webp(frames: Sequence[Image.Image], fps: Fraction, quality: int = 80) -> bytes:
    ms = [round(1000 * (i + 1) / fps) - round(1000 * i / fps) for i in range(len(frames))]
    buf = io.BytesIO()
    frames[0].save(
        buf,
        format="WEBP",
        save_all=True,
        append_images=list(frames[1:]),
        duration=ms,
        loop=0,
        quality=quality,
        method=4,
    )
    return buf.getvalue()


def write_mp4(
    frames: Sequence[Image.Image], fps: Fraction, *, audio_from: bytes | None = None, crf: int = 23
) -> bytes:
    """H.264 MP4; with ``audio_from`` (the source clip's bytes), its first audio track as AAC."""
    with tempfile.TemporaryDirectory(prefix="retrocel-mp4-") as tmp:
        # +faststart rewrites the file to put the index first: it needs a real file.
        path = Path(tmp) / "clip.mp4"
        _mp4_to(path, frames, fps, audio_from, crf)
        return path.read_bytes()


def _mp4_to(
    path: Path, frames: Sequence[Image.Image], fps: Fraction, audio_from: bytes | None, crf: int
) -> None:
    import av

    with av.open(str(path), mode="w", format="mp4", options={"movflags": "+faststart"}) as out:
        video = out.add_stream("libx264", rate=fps)
        video.width, video.height = frames[0].size
        video.pix_fmt = "yuv420p"
        video.options = {"crf": str(crf), "preset": "medium"}
        audio_in = _audio_source(audio_from)
        audio = out.add_stream("aac", rate=48000, layout="stereo") if audio_in else None
        for i, image in enumerate(frames):
            frame = av.VideoFrame.from_image(image.convert("RGB"))
            frame.pts = i
            frame.time_base = Fraction(1) / fps
            for packet in video.encode(frame):
                out.mux(packet)
        for packet in video.encode():
            out.mux(packet)
        if audio_in is not None and audio is not None:
            _copy_audio(audio_in, audio, out, seconds=len(frames) / float(fps))


def _audio_source(data: bytes | None):
    if not data:
        return None
    import av

    try:
        container = av.open(io.BytesIO(data), mode="r")
    except av.error.FFmpegError:
        return None
    if not container.streams.audio:
        container.close()
        return None
    return container


def _copy_audio(source, stream, out, *, seconds: float) -> None:
    """Decode the source's audio, resample to the AAC stream's format, stop at ``seconds``."""
    import av

    resampler = av.AudioResampler(format="fltp", layout="stereo", rate=48000)
    limit = int(seconds * 48000)
    written = 0
    with source:
        try:
            for frame in source.decode(source.streams.audio[0]):
                frame.pts = None
                for chunk in resampler.resample(frame):
                    if written >= limit:
                        break
                    chunk.pts = written
                    written += chunk.samples
                    for packet in stream.encode(chunk):
                        out.mux(packet)
        except av.error.FFmpegError as exc:  # damaged audio: keep the picture, say so in logs
            log.warning("audio dropped: %s", exc)
    for packet in stream.encode():
        out.mux(packet)

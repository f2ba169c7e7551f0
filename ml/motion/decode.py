"""Decode a clip upload into evenly timed RGB frames at the working size.

GIF, animated WebP and animated PNG go through Pillow; MP4/MOV and WebM through
PyAV, whose wheel carries its own ffmpeg (nothing is downloaded at run time).
Every limit in :class:`ml.motion.limits.ClipLimits` is checked from the header
before the first frame is decoded, and again while decoding.

Frames come out at a constant rate (the source's, capped at ``max_fps``): each
output instant ``i / fps`` shows the source frame on screen at that instant, so
variable GIF timings and 60 fps phone video both become one regular sequence
that styling, the encoders and the frame picker can index by number.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from fractions import Fraction

from PIL import GifImagePlugin, Image, PngImagePlugin, WebPImagePlugin  # noqa: F401

from ml.imageio import decode_budget
from ml.motion.limits import VIDEO_CODECS, ClipLimits, ClipRejected, sniff

log = logging.getLogger(__name__)

__all__ = ["Clip", "ClipInfo", "decode_clip", "is_clip", "probe", "source_frame", "working_size"]

#: Browsers show GIF frames that claim under 20 ms for 100 ms; so do we.
_GIF_MIN_MS = 20
_GIF_DEFAULT_MS = 100


@dataclass(frozen=True)
class ClipInfo:
    """What the header says, before any frame is decoded."""

    format: str  # "gif", "webp", "png", "mp4", "matroska"
    width: int
    height: int
    frames: int  # frames in the file; 0 when a video header does not say
    seconds: float  # 0 when unknown before decoding (animated images)
    has_audio: bool


@dataclass
class Clip:
    """A decoded clip: frames at the working size, one every ``1 / fps`` seconds."""

    frames: list[Image.Image]
    fps: Fraction
    format: str
    source_size: tuple[int, int]
    has_audio: bool

    @property
    def size(self) -> tuple[int, int]:
        return self.frames[0].size

    @property
    def seconds(self) -> float:
        return len(self.frames) / float(self.fps)


def working_size(width: int, height: int, long_side: int) -> tuple[int, int]:
    """Long side scaled down (never up) to ``long_side``; both sides even (H.264's yuv420p)."""
    scale = min(1.0, long_side / max(width, height))
    w = max(2, int(round(width * scale / 2)) * 2)
    h = max(2, int(round(height * scale / 2)) * 2)
    return w, h


def is_clip(data: bytes) -> bool:
    """Whether ``data`` is something to style as a clip: a video container, or an image
    with more than one frame (a one-frame GIF stays a photo)."""
    kind = sniff(data[:16])
    if kind in ("mp4", "matroska"):
        return True
    if kind in ("gif", "webp", "png"):
        try:
            im = Image.open(io.BytesIO(data), formats=("GIF", "WEBP", "PNG"))
        except Exception:  # not even a header: the photo path says what is wrong
            return False
        with im:
            try:
                return int(getattr(im, "n_frames", 1) or 1) > 1
            except Exception:  # frames that cannot be counted: a damaged animation
                return True
    return False


def probe(data: bytes, limits: ClipLimits | None = None) -> ClipInfo:
    """Read the header and check every limit it can answer. Decodes no frame."""
    limits = limits or ClipLimits()
    if not data:
        raise ClipRejected("empty", "The file is empty.")
    if len(data) > limits.max_bytes:
        raise ClipRejected(
            "too_large_file",
            f"The clip is larger than {limits.max_bytes // (1024 * 1024)} MB. "
            "Please upload a shorter or smaller clip.",
        )
    kind = sniff(data[:16])
    if kind in ("gif", "webp", "png"):
        return _probe_image(data, kind, limits)
    if kind in ("mp4", "matroska"):
        return _probe_video(data, kind, limits)
    raise ClipRejected(
        "not_clip",
        "This file is not a clip we can read. Please upload a GIF, animated WebP/PNG, "
        "MP4, WebM or MOV.",
    )


def decode_clip(data: bytes, limits: ClipLimits | None = None) -> Clip:
    """Validate and decode ``data`` (the whole file) into a :class:`Clip`.

    Raises:
        ClipRejected: with a specific code when the clip is not acceptable.
    """
    return _decode(data, limits or ClipLimits())


def source_frame(data: bytes, index: int, limits: ClipLimits | None = None) -> Image.Image:
    """Frame ``index`` of :func:`decode_clip`'s sequence at the source's own size (for a print).

    Only that frame is converted; decoding stops there.

    Raises:
        ClipRejected: the clip is not acceptable. IndexError: no such frame.
    """
    limits = limits or ClipLimits()
    clip = _decode(data, limits, full_size=True, only=index)
    if not clip.frames:
        raise IndexError(f"the clip has no frame {index}")
    return clip.frames[0]


def _decode(
    data: bytes, limits: ClipLimits, *, full_size: bool = False, only: int | None = None
) -> Clip:
    info = probe(data, limits)
    if full_size:
        out_w, out_h = working_size(info.width, info.height, max(info.width, info.height))
    else:
        out_w, out_h = working_size(info.width, info.height, limits.size)
    # Output frames at the working size, plus one canvas being decoded.
    kept = 1 if only is not None else limits.max_frames
    reserve = out_w * out_h * 3 * kept + info.width * info.height * 16
    with decode_budget.reserve(reserve):
        if info.format in ("gif", "webp", "png"):
            frames, fps = _decode_image(data, info, (out_w, out_h), limits, only)
        else:
            frames, fps = _decode_video(data, info, (out_w, out_h), limits, only)
    if not frames and only is None:
        raise ClipRejected("no_frames", "The clip has no frames we could read.")
    return Clip(
        frames=frames,
        fps=fps,
        format=info.format,
        source_size=(info.width, info.height),
        has_audio=info.has_audio,
    )


# -- checks shared by both decoders ------------------------------------------------------------


def _check_frame(width: int, height: int, limits: ClipLimits) -> None:
    if width * height > limits.max_frame_pixels:
        raise ClipRejected(
            "frame_too_large",
            f"The clip's frames are {width}x{height} pixels; the limit is 3840x2160 "
            f"({limits.max_frame_pixels / 1e6:.1f} megapixels).",
        )
    if min(width, height) < limits.min_side:
        raise ClipRejected(
            "too_small",
            f"The clip is only {width}x{height} pixels; each side needs at least "
            f"{limits.min_side} pixels.",
        )
    if max(width, height) / min(width, height) > limits.max_aspect:
        raise ClipRejected(
            "bad_aspect",
            f"The clip is {width}x{height} pixels, too long and thin; the long side may be "
            f"at most {limits.max_aspect:g} times the short side.",
        )


def _too_long(limits: ClipLimits, seconds: float | None = None) -> ClipRejected:
    said = f"{seconds:.1f} seconds long" if seconds else "longer than that"
    return ClipRejected(
        "too_long",
        f"The clip is {said}; the limit is {limits.max_seconds:g} seconds. "
        "Please trim it and upload it again.",
    )


def _too_many_frames(limits: ClipLimits, frames: int | None = None) -> ClipRejected:
    said = f"has {frames} frames" if frames else "has more frames than that"
    return ClipRejected(
        "too_many_frames",
        f"The clip {said}; the limit is {limits.max_source_frames} frames.",
    )


def _too_many_pixels(limits: ClipLimits) -> ClipRejected:
    return ClipRejected(
        "too_many_pixels",
        f"The clip holds too many pixels to decode (frame size x frames over "
        f"{limits.max_total_pixels / 1e9:g} billion). Please upload a smaller or shorter clip.",
    )


def _truncated() -> ClipRejected:
    return ClipRejected(
        "truncated",
        "The clip is incomplete (it was cut off during upload or saving). Please upload it again.",
    )


def _corrupt() -> ClipRejected:
    return ClipRejected("corrupt", "The clip is damaged and cannot be read.")


# -- retiming ----------------------------------------------------------------------------------


def _retime(
    shown: Iterable[tuple[float, float, Callable[[], Image.Image]]],
    fps: Fraction,
    max_frames: int,
    only: int | None = None,
) -> list[Image.Image]:
    """Source frames ``(start, end, make)`` (seconds) -> one frame per instant ``i / fps``.

    ``make`` is called only for source frames some instant shows, once each. With ``only``,
    just that instant's frame is made and returned (a list of one), decoding stops there.
    """
    out: list[Image.Image] = []
    slot = 0
    period = 1 / float(fps)
    eps = period / 4
    for start, end, make in shown:
        image: Image.Image | None = None
        while slot * period < end - eps and slot * period >= start - eps:
            if slot >= max_frames:
                return out
            if only is None or slot == only:
                image = image or make()
                out.append(image)
            slot += 1
            if only is not None and slot > only:
                return out
    return out


# -- animated images (Pillow) ------------------------------------------------------------------

_PIL_FORMATS = {"gif": "GIF", "webp": "WEBP", "png": "PNG"}


def _open_pillow(data: bytes, kind: str) -> Image.Image:
    try:
        return Image.open(io.BytesIO(data), formats=(_PIL_FORMATS[kind],))
    except Image.DecompressionBombError:
        raise ClipRejected(
            "frame_too_large", "The clip's frames are far larger than 3840x2160 pixels."
        ) from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise _corrupt() from None


def _probe_image(data: bytes, kind: str, limits: ClipLimits) -> ClipInfo:
    im = _open_pillow(data, kind)
    with im:
        _check_frame(im.width, im.height, limits)
        try:
            n = int(getattr(im, "n_frames", 1) or 1)  # GIF: scans frame headers, decodes nothing
        except (OSError, SyntaxError, ValueError, EOFError):
            raise _truncated() from None
        if n < 2:
            raise ClipRejected(
                "not_clip", "This picture has a single frame; upload it as a photo instead."
            )
        if n > limits.max_source_frames:
            raise _too_many_frames(limits, n)
        if im.width * im.height * n > limits.max_total_pixels:
            raise _too_many_pixels(limits)
        return ClipInfo(kind, im.width, im.height, n, 0.0, False)


def _decode_image(
    data: bytes, info: ClipInfo, size: tuple[int, int], limits: ClipLimits, only: int | None
) -> tuple[list[Image.Image], Fraction]:
    frames: list[tuple[float, float, Image.Image]] = []
    durations: list[int] = []
    t = 0.0
    im = _open_pillow(data, info.format)
    with im:
        for i in range(info.frames):
            try:
                im.seek(i)
                im.load()
            except EOFError:
                break  # fewer frames than counted: play what is there
            except (OSError, SyntaxError, ValueError) as exc:
                log.info("clip frame %d failed: %s", i, exc)
                if "truncat" in str(exc).lower() or "broken" in str(exc).lower():
                    raise _truncated() from None
                raise _corrupt() from None
            ms = int(im.info.get("duration") or 0)
            ms = _GIF_DEFAULT_MS if ms < _GIF_MIN_MS else ms
            durations.append(ms)
            if t + ms / 1000 > limits.max_seconds + 1e-6:
                raise _too_long(limits)
            frames.append((t, t + ms / 1000, _small(im, size)))
            t += ms / 1000
    if len(frames) < 2:
        raise _truncated()
    fps = min(_image_rate(durations), Fraction(limits.max_fps))
    fps = fps.limit_denominator(1001)
    shown = ((s, e, (lambda f=f: f)) for s, e, f in frames)
    return _retime(shown, fps, limits.max_frames, only), fps


def _image_rate(durations: list[int]) -> Fraction:
    """Frames per second of an animation from its frame times (ms).

    Encoders merge identical frames into one longer frame (a still start becomes one 375 ms
    frame among 125 ms ones) and GIF rounds to 10 ms ticks (83.3 ms becomes 80, 90, 80...),
    so the rate is that of the *unit* frames: the mean of those under 1.5x the shortest.
    """
    shortest = min(durations)
    unit = [d for d in durations if d < 1.5 * shortest]
    return Fraction(1000 * len(unit), sum(unit))


def _small(im: Image.Image, size: tuple[int, int]) -> Image.Image:
    """The current frame as 8-bit RGB at ``size`` (alpha on white, as photos are)."""
    frame = im.convert("RGBA")
    flat = Image.new("RGB", frame.size, (255, 255, 255))
    flat.paste(frame, mask=frame.getchannel("A"))
    return flat.resize(size, Image.Resampling.LANCZOS) if flat.size != size else flat


# -- video (PyAV) ------------------------------------------------------------------------------


def _open_av(data: bytes, kind: str):
    import av

    try:
        return av.open(io.BytesIO(data), mode="r", format="mp4" if kind == "mp4" else "matroska")
    except av.error.InvalidDataError:
        raise ClipRejected(
            "truncated",
            "The clip cannot be opened: it is incomplete or damaged (a video cut off during "
            "upload loses its index). Please upload it again.",
        ) from None
    except (av.error.FFmpegError, OSError, ValueError):
        raise _corrupt() from None


def _probe_video(data: bytes, kind: str, limits: ClipLimits) -> ClipInfo:
    with _open_av(data, kind) as container:
        if not container.streams.video:
            raise ClipRejected("no_frames", "The file has no video in it.")
        stream = container.streams.video[0]
        codec = stream.codec_context.name
        if codec not in VIDEO_CODECS:
            raise ClipRejected(
                "unsupported_codec",
                f"The clip's video is encoded as {codec!r}, which we do not read. Please upload "
                "H.264, HEVC, VP8, VP9 or AV1 video (what phones and cameras record).",
            )
        width, height = stream.codec_context.width, stream.codec_context.height
        if not width or not height:
            raise _corrupt()
        _check_frame(width, height, limits)
        seconds = 0.0
        if stream.duration and stream.time_base:
            seconds = float(stream.duration * stream.time_base)
        elif container.duration:
            seconds = container.duration / 1_000_000
        if seconds > limits.max_seconds + 0.05:
            raise _too_long(limits, seconds)
        frames = int(stream.frames or 0)
        if frames > limits.max_source_frames:
            raise _too_many_frames(limits, frames)
        if frames and width * height * frames > limits.max_total_pixels:
            raise _too_many_pixels(limits)
        return ClipInfo(kind, width, height, frames, seconds, bool(container.streams.audio))


def _decode_video(
    data: bytes, info: ClipInfo, size: tuple[int, int], limits: ClipLimits, only: int | None
) -> tuple[list[Image.Image], Fraction]:
    import av

    with _open_av(data, info.format) as container:
        stream = container.streams.video[0]
        rate = stream.average_rate or stream.guessed_rate or Fraction(limits.max_fps)
        fps = min(Fraction(rate), Fraction(limits.max_fps)).limit_denominator(1001)
        period = 1 / float(rate)
        counted = {"frames": 0, "pixels": 0}

        def decoded() -> Iterator[tuple[float, object]]:
            start: float | None = None
            try:
                for frame in container.decode(stream):
                    counted["frames"] += 1
                    counted["pixels"] += frame.width * frame.height
                    if counted["frames"] > limits.max_source_frames:
                        raise _too_many_frames(limits)
                    if counted["pixels"] > limits.max_total_pixels:
                        raise _too_many_pixels(limits)
                    _check_frame(frame.width, frame.height, limits)
                    t = float(frame.time if frame.time is not None else counted["frames"] * period)
                    start = t if start is None else start
                    if t - start > limits.max_seconds:
                        raise _too_long(limits)
                    yield t - start, frame
            except av.error.InvalidDataError:
                raise _corrupt() from None
            except av.error.EOFError:
                return

        def shown() -> Iterator[tuple[float, float, Callable[[], Image.Image]]]:
            pending: tuple[float, object] | None = None
            for t, frame in decoded():
                if pending is not None:
                    yield pending[0], t, _converter(pending[1], size)
                pending = (t, frame)
            if pending is not None:
                end = min(pending[0] + period, limits.max_seconds)
                yield pending[0], end, _converter(pending[1], size)

        frames = _retime(shown(), fps, limits.max_frames, only)
    if only is None and info.frames and counted["frames"] < info.frames // 2:
        raise _truncated()
    return frames, fps


def _converter(frame, size: tuple[int, int]) -> Callable[[], Image.Image]:
    def make() -> Image.Image:
        image = frame.to_image(width=size[0], height=size[1], interpolation="AREA")
        rotation = int(getattr(frame, "rotation", 0) or 0) % 360
        if rotation:  # phones store portrait video sideways with a display rotation
            image = image.rotate(rotation, expand=True)
        return image.convert("RGB")

    return make

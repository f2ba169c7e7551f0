"""What a clip upload may be, and the rejection it gets when it is not.

A clip costs as much as its decoded pixels, so every limit is checked twice:
from the header before a single frame is decoded (canvas size, frame count,
duration), and again while decoding, because headers lie (a GIF whose frames
never end, a video stream whose frames change size or run past the duration it
declared). Errors are :class:`ClipRejected`, a kind of
:class:`ml.imageio.ImageRejected`, so callers that already turn an image
rejection into a shopper message handle clips without new code.
"""

from __future__ import annotations

from dataclasses import dataclass

from ml.imageio import ImageRejected

__all__ = ["ClipLimits", "ClipRejected", "VIDEO_CODECS", "sniff"]

_MIB = 1024 * 1024

#: Video codecs we decode (ffmpeg decoder names). Everything else in a container is refused:
#: ffmpeg can decode hundreds of formats, and the rarely used ones are where its bugs live.
VIDEO_CODECS: frozenset[str] = frozenset({"h264", "hevc", "vp8", "vp9", "av1", "mpeg4"})


class ClipRejected(ImageRejected):
    """A clip we refuse. Codes (besides :class:`ImageRejected`'s): ``not_clip``,
    ``unsupported_codec``, ``too_long``, ``too_many_frames``, ``frame_too_large``,
    ``too_many_pixels``, ``no_frames``, ``truncated``, ``corrupt``."""

    def __repr__(self) -> str:
        return f"ClipRejected({self.code!r}, {self.message!r})"


@dataclass(frozen=True)
class ClipLimits:
    """What we accept, shown to the shopper before upload (:meth:`describe`).

    ``max_seconds``: a clip is styled frame by frame; 10 s at 24 fps is 240 frames, minutes of
    GPU time. ``max_fps``: the output frame rate is capped here (frames are dropped, timing is
    kept). ``max_source_frames``: frames the *file* may hold (10 s at 120 fps); a GIF with
    thousands of frames is refused from its frame count before any is decoded.
    ``max_frame_pixels``: the canvas (4K UHD); ``max_total_pixels``: canvas x frames decoded
    (about 10 s of 1080p at 60 fps), the real decoding cost. ``size``: long side of the
    working frames (the styled clip), rounded to even sizes for H.264.
    """

    max_bytes: int = 60 * _MIB
    max_seconds: float = 10.0
    max_fps: float = 30.0
    max_source_frames: int = 1200
    max_frame_pixels: int = 3840 * 2160
    max_total_pixels: int = 1_300_000_000
    min_side: int = 64
    max_aspect: float = 4.0
    size: int = 512

    @property
    def max_frames(self) -> int:
        """Frames of the decoded (output) clip at most."""
        return int(self.max_seconds * self.max_fps)

    def describe(self) -> str:
        """One line for the upload page."""
        return (
            f"Clips: GIF, animated WebP/PNG, MP4, WebM or MOV, up to {self.max_seconds:g} seconds "
            f"and {self.max_bytes // _MIB} MB, frames up to 3840x2160; styled at "
            f"{self.size} px and at most {self.max_fps:g} frames per second."
        )


def sniff(head: bytes) -> str | None:
    """The container a file's first bytes announce: ``"mp4"`` (ISO BMFF / QuickTime),
    ``"matroska"`` (WebM/MKV), ``"gif"``, ``"webp"``, ``"png"``, or None.

    Only these reach a decoder; ffmpeg is never asked to guess a format.
    """
    if len(head) >= 12 and head[4:8] in (b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip"):
        return "mp4"
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return "matroska"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    return None

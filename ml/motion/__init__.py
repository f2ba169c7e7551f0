"""Moving pictures: decode a clip, style it without flicker, write GIF / WebP / MP4.

Pure Python + Pillow + PyAV + the ``ml`` stylizers; never imports Django. The
Django side (``styling``) calls :func:`decode_clip` on upload and in the worker,
:func:`clip_spec` / a stylizer per frame / :func:`stabilise` in the job, and the
encoders for the downloads.
"""

from ml.motion.decode import Clip, ClipInfo, decode_clip, is_clip, probe, source_frame, working_size
from ml.motion.encode import write_gif, write_mp4, write_webp
from ml.motion.limits import ClipLimits, ClipRejected, sniff
from ml.motion.stable import clip_centres, clip_spec, flicker, keyframe_indices, stabilise

__all__ = [
    "Clip",
    "ClipInfo",
    "ClipLimits",
    "ClipRejected",
    "clip_centres",
    "clip_spec",
    "decode_clip",
    "flicker",
    "is_clip",
    "keyframe_indices",
    "probe",
    "sniff",
    "source_frame",
    "stabilise",
    "working_size",
    "write_gif",
    "write_mp4",
    "write_webp",
]

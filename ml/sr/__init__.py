"""Super-resolution to print size: RDN, tiled inference and ``upscale_to``.

The print pipeline calls ``upscale_to(image, w, h, progress=cb)`` and reads
``.image`` and ``.effective_scale``; ``MAX_SR_SCALE`` is the most real detail
the upscaler adds ("x4 at most"), which bounds the effective DPI of a design.
"""

from ml.sr.rdn import RDN, RDNConfig
from ml.sr.upscale import (
    MAX_SR_SCALE,
    SHIPPED_WEIGHTS,
    UpscaleResult,
    load_rdn,
    upscale,
    upscale_to,
)

__all__ = [
    "MAX_SR_SCALE",
    "RDN",
    "SHIPPED_WEIGHTS",
    "RDNConfig",
    "UpscaleResult",
    "load_rdn",
    "upscale",
    "upscale_to",
]

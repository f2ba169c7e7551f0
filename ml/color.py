"""Colour-space and filtering helpers on (N, 3, H, W) tensors, so styles run on CPU or GPU alike.

Oklab (Ottosson 2020) is used wherever we measure colour distance: distances
there track perceived differences far better than in sRGB, which is what
makes palette quantisation keep skin tones and skies apart.
"""

from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

_M1 = torch.tensor(
    [
        [0.4122214708, 0.5363325363, 0.0514459929],
        [0.2119034982, 0.6806995451, 0.1073969566],
        [0.0883024619, 0.2817188376, 0.6299787005],
    ]
)
_M2 = torch.tensor(
    [
        [0.2104542553, 0.7936177850, -0.0040720468],
        [1.9779984951, -2.4285922050, 0.4505937099],
        [0.0259040371, 0.7827717662, -0.8086757660],
    ]
)


def pil_to_tensor(
    image: Image.Image, device: torch.device | str = "cpu", dtype: torch.dtype = torch.float32
) -> torch.Tensor:
    """RGB PIL -> (1, 3, H, W) in [0, 1]."""
    arr = np.asarray(image.convert("RGB"), dtype=np.uint8)
    t = torch.from_numpy(arr.copy()).permute(2, 0, 1).unsqueeze(0)
    return t.to(device=device, dtype=dtype).div_(255.0)


def tensor_to_pil(t: torch.Tensor) -> Image.Image:
    """(1, 3, H, W) in [0, 1] -> RGB PIL (rounded, clipped)."""
    arr = t[0].detach().float().clamp(0, 1).mul(255).round().byte().permute(1, 2, 0).cpu().numpy()
    return Image.fromarray(np.ascontiguousarray(arr))


def _mix(m: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    return torch.einsum("ij,njhw->nihw", m.to(x), x)


def srgb_to_linear(x: torch.Tensor) -> torch.Tensor:
    return torch.where(x <= 0.04045, x / 12.92, ((x.clamp(min=0) + 0.055) / 1.055) ** 2.4)


def linear_to_srgb(x: torch.Tensor) -> torch.Tensor:
    x = x.clamp(min=0)
    return torch.where(x <= 0.0031308, 12.92 * x, 1.055 * x ** (1 / 2.4) - 0.055)


def srgb_to_oklab(x: torch.Tensor) -> torch.Tensor:
    lms = _mix(_M1, srgb_to_linear(x))
    return _mix(_M2, torch.sign(lms) * lms.abs() ** (1 / 3))


def oklab_to_srgb(lab: torch.Tensor) -> torch.Tensor:
    lms_ = _mix(torch.linalg.inv(_M2), lab)
    return linear_to_srgb(_mix(torch.linalg.inv(_M1), lms_**3)).clamp(0, 1)


def gaussian_kernel(sigma: float, device: torch.device, dtype: torch.dtype) -> torch.Tensor:
    radius = max(1, int(math.ceil(3 * sigma)))
    xs = torch.arange(-radius, radius + 1, device=device, dtype=torch.float32)
    k = torch.exp(-(xs**2) / (2 * sigma * sigma))
    return (k / k.sum()).to(dtype)


def gaussian_blur(x: torch.Tensor, sigma: float) -> torch.Tensor:
    """Separable Gaussian blur with reflect padding (no dark borders)."""
    if sigma <= 0:
        return x
    k = gaussian_kernel(sigma, x.device, x.dtype)
    r = k.numel() // 2
    c = x.shape[1]
    pad_mode = "reflect" if min(x.shape[-2:]) > r else "replicate"
    y = F.pad(x, (r, r, 0, 0), mode=pad_mode)
    y = F.conv2d(y, k.view(1, 1, 1, -1).expand(c, 1, 1, -1), groups=c)
    y = F.pad(y, (0, 0, r, r), mode=pad_mode)
    return F.conv2d(y, k.view(1, 1, -1, 1).expand(c, 1, -1, 1), groups=c)


def keep_original_colour(stylized: torch.Tensor, original: torch.Tensor) -> torch.Tensor:
    """Lightness from ``stylized``, hue and chroma from ``original`` (both sRGB [0, 1])."""
    s, o = srgb_to_oklab(stylized), srgb_to_oklab(original)
    return oklab_to_srgb(torch.cat([s[:, :1], o[:, 1:]], dim=1))

"""Losses for training a style student against its teacher, and the small patch discriminator.

- Colour: L1 in Oklab (``ml.color``), chroma weighted up, because the look is
  judged by perceived colour of flat regions and Oklab distances track that;
  an sRGB loss under-weights dark-region and hue errors.
- Edges: L1 between the horizontal/vertical differences of Oklab lightness.
  Ink lines and hard shadow borders are thin, so a per-pixel loss alone lets
  the student smear them; matching gradients makes it draw them.
- Adversarial: a conditional PatchGAN (photo and result stacked, as in
  pix2pix) with the hinge loss and spectral norm. It judges 34x34-pixel
  patches, which is the scale of region borders: blurry borders are the
  cheapest thing for it to spot, so the generator is pushed to keep them clean.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.parametrizations import spectral_norm

from ml.color import srgb_to_oklab

#: Oklab channel weights (L, a, b): a and b span ~0.3 where L spans 1.
OKLAB_WEIGHTS = (1.0, 2.0, 2.0)


#: Floor applied before Oklab: its cube root has an infinite slope at 0, and a saturated tanh
#: (common under bfloat16) gives exact black pixels whose gradient would be NaN.
_FLOOR = 1e-3


def oklab(x: torch.Tensor) -> torch.Tensor:
    """Oklab of sRGB [0, 1] with a finite gradient everywhere (see ``_FLOOR``)."""
    return srgb_to_oklab(x.clamp(min=_FLOOR))


def oklab_l1(out: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Weighted L1 in Oklab between two sRGB [0, 1] batches."""
    w = torch.tensor(OKLAB_WEIGHTS, device=out.device, dtype=out.dtype).view(1, 3, 1, 1)
    return ((oklab(out) - oklab(target)).abs() * w).mean()


def _grads(lightness: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    return (
        lightness[..., :, 1:] - lightness[..., :, :-1],
        lightness[..., 1:, :] - lightness[..., :-1, :],
    )


def edge_l1(out: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """L1 between finite-difference gradients of Oklab lightness (ink lines, shadow borders)."""
    gx_o, gy_o = _grads(oklab(out)[:, :1])
    gx_t, gy_t = _grads(oklab(target)[:, :1])
    return (gx_o - gx_t).abs().mean() + (gy_o - gy_t).abs().mean()


class PatchDiscriminator(nn.Module):
    """Conditional PatchGAN: (photo, image) -> a map of real/fake scores, one per ~34 px patch.

    Three stride-2 4x4 convolutions (32, 64, 128 channels) and a 4x4 score
    layer, spectral-normalised, LeakyReLU(0.2), no normalisation layers:
    ~0.2 M parameters, a few percent of the generator's cost per step.
    """

    def __init__(self, channels: int = 32) -> None:
        super().__init__()
        c = channels
        layers: list[nn.Module] = []
        chans = [6, c, 2 * c, 4 * c]
        for cin, cout in zip(chans, chans[1:], strict=False):
            layers += [spectral_norm(nn.Conv2d(cin, cout, 4, 2, 1)), nn.LeakyReLU(0.2, True)]
        layers.append(spectral_norm(nn.Conv2d(4 * c, 1, 4, 1, 1)))
        self.net = nn.Sequential(*layers)

    def forward(self, photo: torch.Tensor, image: torch.Tensor) -> torch.Tensor:
        """Both sRGB [0, 1]; scores are unbounded (hinge loss)."""
        return self.net(torch.cat([photo, image], dim=1) * 2 - 1)


def d_hinge(real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    """Discriminator hinge loss: push real scores above +1 and fake ones below -1."""
    return F.relu(1 - real).mean() + F.relu(1 + fake).mean()


def g_hinge(fake: torch.Tensor) -> torch.Tensor:
    """Generator's side of the hinge loss: raise the scores of its outputs."""
    return -fake.mean()

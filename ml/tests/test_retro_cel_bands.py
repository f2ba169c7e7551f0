"""Retro-cel's per-pixel palette steps run in row bands at print size: same result, less memory."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from ml.classical import retro_cel as rc


def whole_image_assign(lab: torch.Tensor, centres: torch.Tensor) -> torch.Tensor:
    return (lab.unsqueeze(1) - centres.view(1, -1, 3, 1, 1)).pow(2).sum(2).argmin(1)


def whole_image_majority(labels: torch.Tensor, k: int, size: int) -> torch.Tensor:
    onehot = F.one_hot(labels, k).permute(0, 3, 1, 2).float()
    padded = F.pad(onehot, [size // 2] * 4, mode="replicate")
    return F.avg_pool2d(padded, size, stride=1).argmax(1)


@pytest.mark.parametrize("size", [3, 5, 7])
def test_banded_assign_and_majority_equal_the_whole_image_versions(monkeypatch, size) -> None:
    # Bands of 37 rows over 300 rows: a ragged last band and halos crossing band edges.
    monkeypatch.setattr(rc, "BAND_ROWS", 37)
    generator = torch.Generator().manual_seed(size)
    lab = torch.rand(1, 3, 300, 211, generator=generator)
    centres = torch.rand(8, 3, generator=generator)
    labels = rc.assign(lab, centres)
    assert torch.equal(labels, whole_image_assign(lab, centres))
    assert torch.equal(rc.majority_filter(labels, 8, size), whole_image_majority(labels, 8, size))

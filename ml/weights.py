"""Load generator weights safely and check them strictly against an architecture.

Weights are data: always ``torch.load(..., weights_only=True)`` (no pickled
code runs), then every tensor name and shape is compared with the model so an
admin who uploads the wrong file is told exactly what does not match instead
of getting a silently broken style.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
import zipfile
from collections.abc import Mapping
from pathlib import Path

import torch
from torch import nn

from ml.archs import ARCHITECTURES, build_architecture

log = logging.getLogger(__name__)

__all__ = [
    "WeightsRejected",
    "check_state_dict",
    "load_state_dict_file",
    "read_weights_file",
    "sha256_file",
    "verify_weights",
]

_WRAPPER_KEYS = ("state_dict", "model", "params", "params_ema", "generator", "netG")


class WeightsRejected(ValueError):
    """A weights file we cannot use; ``message`` is written for the admin who uploaded it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def sha256_file(path: str | Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_state_dict_file(path: str | Path) -> dict[str, torch.Tensor]:
    """Read a state dict with ``weights_only=True``; unwrap common containers and ``module.`` prefixes.

    Raises:
        WeightsRejected: not a tensor file, truncated, or containing pickled code/objects.
    """
    return _unwrap(read_weights_file(path), Path(path).name)


def read_weights_file(path: str | Path) -> object:
    """The one weights reader: ``torch.load(weights_only=True)`` on CPU, every failure a
    :class:`WeightsRejected` saying what is wrong (generators and the RDN upscaler use it).
    """
    path = Path(path)
    if not path.is_file():
        raise WeightsRejected(f"The weights file {path.name!r} does not exist.")
    if path.stat().st_size == 0:
        raise WeightsRejected(f"The weights file {path.name!r} is empty.")
    try:
        obj = torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as exc:
        text = str(exc)
        if "global" in text.lower():  # the unpickler met a reference to code and refused it
            raise WeightsRejected(
                f"{path.name!r} contains Python code or objects, not just tensors; "
                "it was refused for safety. Save the generator's state_dict() instead."
            ) from None
        raise WeightsRejected(f"{path.name!r} is not a PyTorch weights file.") from None
    except (RuntimeError, EOFError, zipfile.BadZipFile, ValueError, OSError) as exc:
        text = str(exc).lower()
        log.info("torch.load failed for %s: %s", path, exc)
        if (
            "zip" in text
            or "eof" in text
            or "central directory" in text
            or isinstance(exc, EOFError)
        ):
            raise WeightsRejected(
                f"{path.name!r} looks truncated or damaged (the archive is incomplete). Upload it again."
            ) from None
        raise WeightsRejected(f"{path.name!r} is not a PyTorch weights file.") from None
    except Exception as exc:  # the unpickler raises KeyError, IndexError... on random bytes
        log.info("torch.load failed for %s: %r", path, exc)
        raise WeightsRejected(f"{path.name!r} is not a PyTorch weights file.") from None
    return obj


def _unwrap(obj: object, name: str) -> dict[str, torch.Tensor]:
    for _ in range(2):
        if isinstance(obj, Mapping) and not _all_tensors(obj):
            inner = next((obj[k] for k in _WRAPPER_KEYS if isinstance(obj.get(k), Mapping)), None)
            if inner is None:
                break
            obj = inner
    if not isinstance(obj, Mapping) or not obj or not _all_tensors(obj):
        raise WeightsRejected(
            f"{name!r} does not hold a state dict (a mapping of names to tensors)."
        )
    sd = {str(k): v for k, v in obj.items()}
    if all(k.startswith("module.") for k in sd):
        sd = {k.removeprefix("module."): v for k, v in sd.items()}
    return sd


def _all_tensors(obj: Mapping) -> bool:
    return all(isinstance(v, torch.Tensor) for v in obj.values())


def check_state_dict(
    model: nn.Module, state_dict: Mapping[str, torch.Tensor], arch_title: str
) -> None:
    """Raise :class:`WeightsRejected` naming the first missing, unexpected or mis-shaped tensor."""
    expected = model.state_dict()
    missing = [k for k in expected if k not in state_dict]
    unexpected = [k for k in state_dict if k not in expected]
    counts = f"({len(missing)} missing, {len(unexpected)} unexpected)"
    if missing:
        raise WeightsRejected(
            f"These weights do not fit the {arch_title}: tensor {missing[0]!r} is missing {counts}. "
            "Is the file for another architecture?"
        )
    if unexpected:
        raise WeightsRejected(
            f"These weights do not fit the {arch_title}: unexpected tensor {unexpected[0]!r} {counts}. "
            "Is the file for another architecture?"
        )
    for key, ref in expected.items():
        got = state_dict[key]
        if tuple(got.shape) != tuple(ref.shape):
            raise WeightsRejected(
                f"These weights do not fit the {arch_title}: tensor {key!r} has shape "
                f"{list(got.shape)}, expected {list(ref.shape)}."
            )
        if not got.is_floating_point():
            raise WeightsRejected(f"Tensor {key!r} is {got.dtype}, expected floating point.")
        if not torch.isfinite(got).all():
            raise WeightsRejected(f"Tensor {key!r} contains NaN or infinite values.")


def load_generator(path: str | Path, architecture: str) -> nn.Module:
    """Build ``architecture`` with the published sizes and load ``path`` into it, strictly."""
    state_dict = load_state_dict_file(path)
    # Built on the meta device: no time spent initialising weights we overwrite.
    with torch.device("meta"):
        model = build_architecture(architecture)
    check_state_dict(model, state_dict, ARCHITECTURES[architecture].title)
    model.load_state_dict(
        {k: v.float().contiguous() for k, v in state_dict.items()}, strict=True, assign=True
    )
    return model.eval()


def verify_weights(path: str | Path, architecture: str) -> str:
    """Check that ``path`` is a usable ``architecture`` checkpoint; return its sha256 (hex).

    Raises:
        WeightsRejected: with a message naming what did not match.
    """
    if architecture not in ARCHITECTURES:
        raise WeightsRejected(
            f"Unknown architecture {architecture!r}; choose one of {', '.join(ARCHITECTURES)}."
        )
    load_generator(path, architecture)
    return sha256_file(path)

"""Device choice shared by every model in ``ml``.

One place decides CUDA vs CPU, precision and CPU threads, so the stylizers and
the upscaler behave the same way in the worker, the CLI and the benchmarks.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass

import torch

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DeviceInfo:
    """Where and how to run a model."""

    device: torch.device
    dtype: torch.dtype

    @property
    def is_cuda(self) -> bool:
        return self.device.type == "cuda"


def configure_cpu_threads() -> int:
    """Use every core the process may run on unless ``RETROCEL_TORCH_THREADS`` says otherwise.

    torch defaults to the machine's physical cores, which oversubscribes a
    container limited by affinity; the affinity mask is the honest number.
    """
    wanted = os.environ.get("RETROCEL_TORCH_THREADS")
    if wanted:
        threads = max(1, int(wanted))
    else:
        try:
            threads = len(os.sched_getaffinity(0))
        except AttributeError:  # pragma: no cover - non-Linux
            threads = os.cpu_count() or 1
    if torch.get_num_threads() != threads:
        torch.set_num_threads(threads)
    return threads


def pick_device(prefer: str | None = None) -> DeviceInfo:
    """CUDA with half precision when present, else CPU in float32.

    ``prefer`` (or ``RETROCEL_DEVICE``) may force ``"cpu"`` or ``"cuda"``.
    CPU runs are made deterministic so the same photo gives the same pixels.
    """
    choice = (prefer or os.environ.get("RETROCEL_DEVICE") or "auto").lower()
    if choice not in {"auto", "cpu", "cuda"}:
        raise ValueError(f"Unknown device {choice!r}; use auto, cpu or cuda")
    if choice == "cuda" and not torch.cuda.is_available():
        raise RuntimeError("CUDA was requested but no CUDA device is available")
    if choice in {"auto", "cuda"} and torch.cuda.is_available():
        torch.backends.cudnn.benchmark = True
        return DeviceInfo(torch.device("cuda"), torch.float16)
    configure_cpu_threads()
    torch.use_deterministic_algorithms(True, warn_only=True)
    return DeviceInfo(torch.device("cpu"), torch.float32)

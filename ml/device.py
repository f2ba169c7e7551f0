"""Device choice shared by every model in ``ml``.

One place decides CUDA vs CPU, precision and CPU threads, so the stylizers and
the upscaler behave the same way in the worker, the CLI and the benchmarks.
"""

from __future__ import annotations

import functools
import logging
import os
from dataclasses import dataclass
from pathlib import Path

import torch

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DeviceInfo:
    """Where and how to run a model.

    ``generator_dtype``: the precision the style *generators* run in, weights and
    activations, when it is not ``dtype`` (None: ``dtype``). :func:`pick_device` sets
    bfloat16 on CPUs that multiply bfloat16 natively; see :func:`cpu_bf16_wanted`.
    Everything else (RDN, the classical styles, images in and out) keeps ``dtype``.
    """

    device: torch.device
    dtype: torch.dtype
    generator_dtype: torch.dtype | None = None

    @property
    def is_cuda(self) -> bool:
        return self.device.type == "cuda"

    @property
    def net_dtype(self) -> torch.dtype:
        """What a style generator's weights and activations are held in."""
        return self.generator_dtype or self.dtype


#: CPU flags of native bfloat16 arithmetic (AVX-512 BF16 dot products, AMX tiles).
BF16_CPU_FLAGS = frozenset({"avx512_bf16", "amx_bf16"})


@functools.cache
def cpu_flags() -> frozenset[str]:
    """The CPU's feature flags from ``/proc/cpuinfo`` (empty where there is none)."""
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:  # pragma: no cover - non-Linux
        return frozenset()
    for line in text.splitlines():
        if line.startswith("flags"):
            return frozenset(line.partition(":")[2].split())
    return frozenset()


def cpu_bf16_wanted() -> bool:
    """Whether CPU style generators should run in bfloat16.

    ``RETROCEL_CPU_BF16``: ``1`` forces it, ``0`` forbids it, unset or ``auto``
    uses it only where the CPU has native bfloat16 (:data:`BF16_CPU_FLAGS`):
    there the half-width student's forward pass at 1024x768 takes a third of its float32
    time (``bench/ml_stylize.py``) at a mean difference of a fifth of an 8-bit level;
    without those instructions bfloat16 is emulated and slower than float32.
    """
    choice = os.environ.get("RETROCEL_CPU_BF16", "auto").lower()
    if choice not in {"auto", "0", "1"}:
        raise ValueError(f"RETROCEL_CPU_BF16 must be auto, 0 or 1, got {choice!r}")
    if choice != "auto":
        return choice == "1"
    return bool(cpu_flags() & BF16_CPU_FLAGS)


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
    """CUDA with half precision when present, else CPU in float32 (generators: see :func:`cpu_bf16_wanted`).

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
    # Deterministic mode also fills every new tensor with NaN by default, a debugging aid for
    # reads of uninitialised memory that no deterministic op makes: 44 % of the student's
    # 1024 px forward pass went on that fill (profiled), and RDN and the classical styles
    # pay it too. The results stay bit-for-bit repeatable without it.
    torch.utils.deterministic.fill_uninitialized_memory = False
    generators = torch.bfloat16 if cpu_bf16_wanted() else None
    return DeviceInfo(torch.device("cpu"), torch.float32, generators)

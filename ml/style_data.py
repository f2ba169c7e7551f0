"""Training pairs for a style student: (photo, teacher output) crops, the teacher run once per photo.

Why a cache: on a CPU the teacher (a classical renderer) costs seconds per
photo, and paired training would otherwise call it for every crop. Each
photo is brought to its working size once, the teacher renders it once, and
both are kept in memory as uint8 arrays (and on disk, keyed by the photo's
sha256, the working size and a fingerprint of the teacher's behaviour, so a
changed teacher never reuses stale targets).

Held-out photos: :data:`HELD_OUT` names 8 ``bsd68`` and 8 ``sun80`` photos
(every 8th / 10th in sorted order) by folder/name and sha256. They are the
evaluation set (``python -m ml.eval style``) and are never trained on, even
when a copy sits in another folder. Benchmark folders (Set5 and the usual SR
test sets) are refused outright.
"""

from __future__ import annotations

import hashlib
import io
import logging
import multiprocessing
import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from ml.device import pick_device

log = logging.getLogger(__name__)

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp"}

#: The evaluation photos: "folder/name" -> sha256 of the file.
HELD_OUT: dict[str, str] = {
    "bsd68/103070.png": "10ac13a2ffac9ede3d065e524df9a8e79c553cc303fe730935b0f29d7884cc90",
    "bsd68/12084.png": "ae5b4b79fef64795ff2be425d02c9c5d6bdc8480cc9cf381db3ebd7cddcb0d0e",
    "bsd68/147091.png": "302df626c225bc8841c0176a5ec7d3f25fc52875f3c9ab37330a89ea0f241429",
    "bsd68/167062.png": "6ce71248c20d35bd59c10c8623d18502005b231b6430a5b967b859edb4bed101",
    "bsd68/196073.png": "f46048c149e2246b731e07cc1d8b828d8a7c4e24efbe83f8cb1671a50da4cacb",
    "bsd68/223061.png": "ce4d5dc962e35de2d8797f4208681b5f677314cb240f2b7523bdc4167bf17a81",
    "bsd68/253055.png": "dfee71b92b4f9249badb9191cd1809156076fd60a4c06b8201dc0ce901248b60",
    "bsd68/299086.png": "f79e12530418ba5598bcfc630f88214ea9e14d6346aa2241bbd7d7fec2146c75",
    "sun80/baseball_field_sun_astiuxzpytnbrwxr.jpg": (
        "62a295dd0e6983a8e5baa029fcb5f6947357c26dbfd64949475313db13951c8b"
    ),
    "sun80/candy_store_sun_aoqcvifuszwpcvcj.jpg": (
        "f5550cabf37470891bb83abbd28e0b5af98921d4eeb9ed9d327bd008a0e8e587"
    ),
    "sun80/dam_sun_dftjwmsvenfxhiub.jpg": (
        "9d31429b838c4f305fdd5cc4cef075eccd5173430a566698456e5344df320ae1"
    ),
    "sun80/hot_spring_sun_bsdttuvtvmldclgs.jpg": (
        "80d46346a5592539a97108335b636c94dac694c657e467b324ff1dd097fd6e8d"
    ),
    "sun80/moat_water_sun_bxarcshsnqsefemx.jpg": (
        "3b9f652511163e462f9016da12120dd08fb10f8eedca7abfc7ebe6d4e0e27efb"
    ),
    "sun80/ruin_sun_booxopykmiqnsqbq.jpg": (
        "042fc7a941ca682926f3862df139e2951e6a3a527a549c42fb2b9d84a107937c"
    ),
    "sun80/underwater_coral_reef_sun_bwuxsehdxqkpuptf.jpg": (
        "cb391410ad29ab0b3dbaa51831b9bbdeb7e3038246dc4d96ba7a9f2f2116bad9"
    ),
    "sun80/wave_sun_bterpeveyqaigcgx.jpg": (
        "b703cfefaa2e56c5924983fe2fe3393a57bbb86a69dae6bcb395ac987817dbcb"
    ),
}
_HELD_OUT_SHAS = frozenset(HELD_OUT.values())

#: Folder names of evaluation benchmarks that must never become training data.
BENCHMARK_FOLDERS = frozenset(
    {"set5", "set14", "bsd100", "b100", "urban100", "manga109", "div2k_valid", "held_out"}
)

#: The shared photo folders, relative to the repository root (CI: ``../shared``).
SHARED_PHOTOS = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "photos"


class TrainingDataRefused(ValueError):
    """A --data entry that is evaluation data; the message says which and why."""


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def is_held_out(path: Path) -> bool:
    """True for a held-out photo, recognised by folder/name or by content (a renamed copy)."""
    key = f"{path.parent.name}/{path.name}"
    return key in HELD_OUT or file_sha256(path) in _HELD_OUT_SHAS


def held_out_paths(root: Path = SHARED_PHOTOS) -> list[Path]:
    """The held-out photos under the shared photo folder (those that exist), in a fixed order."""
    return [root / key for key in sorted(HELD_OUT) if (root / key).is_file()]


def training_files(entries: Sequence[Path]) -> list[Path]:
    """The photos to train on from ``--data`` folders/files, held-out photos skipped.

    Raises:
        TrainingDataRefused: a benchmark folder (Set5...), a held-out photo named
            directly, or a folder holding nothing but held-out photos.
        FileNotFoundError: an entry that does not exist or has no images.
    """
    files: list[Path] = []
    for entry in entries:
        entry = Path(entry)
        if not entry.exists():
            raise FileNotFoundError(f"--data {entry}: no such file or folder")
        parts = {p.lower() for p in entry.resolve().parts}
        bench = sorted(parts & BENCHMARK_FOLDERS)
        if bench:
            raise TrainingDataRefused(
                f"--data {entry} is an evaluation folder ({bench[0]}); "
                "training on evaluation images would make every figure meaningless. "
                "Use the shared training photos (bsd68, sun80) instead."
            )
        if entry.is_file():
            if is_held_out(entry):
                raise TrainingDataRefused(
                    f"--data {entry} is a held-out evaluation photo (ml.style_data.HELD_OUT); "
                    "it is never trained on."
                )
            files.append(entry)
            continue
        found = sorted(p for p in entry.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES)
        kept = [p for p in found if not is_held_out(p)]
        if found and not kept:
            raise TrainingDataRefused(
                f"--data {entry} holds only held-out evaluation photos; they are never trained on."
            )
        if len(kept) < len(found):
            log.info("%s: skipped %d held-out photos", entry, len(found) - len(kept))
        if not kept:
            raise FileNotFoundError(f"--data {entry}: no images")
        files.extend(kept)
    return files


def working_size_image(image: Image.Image, size: int) -> Image.Image:
    """The photo with long side ``size`` (Lanczos), never enlarged: the shop works the same way."""
    image = image.convert("RGB")
    if max(image.size) <= size:
        return image
    k = size / max(image.size)
    new = (max(1, round(image.width * k)), max(1, round(image.height * k)))
    return image.resize(new, Image.Resampling.LANCZOS)


Teacher = Callable[[Image.Image], Image.Image]


def builtin_teacher(name: str, device: str | None = None) -> Teacher:
    """The built-in style ``name`` as a teacher: a photo in, its rendering at its own size out."""
    from ml.styles import StyleSpec, load_style  # ml.styles loads every style's code

    style = load_style(StyleSpec(kind="classical", builtin=name), device=pick_device(device))
    return lambda image: style(image, size=max(image.size))


def teacher_fingerprint(teacher: Teacher) -> str:
    """sha256 (16 hex) of the teacher's output on a fixed synthetic picture: changes when it does."""
    from ml.testing.corpus import photo_like

    out = teacher(Image.fromarray(photo_like(96, 80, seed=7)))
    return hashlib.sha256(np.asarray(out.convert("RGB")).tobytes()).hexdigest()[:16]


@dataclass
class StylePairs:
    """Photos and teacher outputs at working size, uint8 HWC, index-aligned."""

    photos: list[np.ndarray]
    targets: list[np.ndarray]
    names: list[str]

    @classmethod
    def build(
        cls,
        files: Iterable[Path],
        sizes: Sequence[int],
        teacher: Teacher,
        teacher_name: str,
        cache_dir: Path | None,
        min_side: int,
        progress: Callable[[str], None] = print,
        workers: int = 1,
    ) -> StylePairs:
        """Render every photo at every working size through the teacher (or read the cache).

        ``workers`` > 1 (with a cache and a built-in teacher) first fills the cache in that
        many processes, one photo per task and one thread each: the classical teachers
        are mostly single-threaded OpenCV/NumPy work, so a 16-core GPU machine renders
        the 200 targets in well under a minute instead of several.
        """
        fp = teacher_fingerprint(teacher)
        files = list(files)
        if workers > 1 and cache_dir is not None:
            prerender(files, sizes, teacher_name, fp, cache_dir, min_side, workers, progress)
        photos: list[np.ndarray] = []
        targets: list[np.ndarray] = []
        names: list[str] = []
        for i, path in enumerate(files):
            rendered = False
            for photo, target, name, fresh in _photo_pairs(
                path, sizes, teacher, teacher_name, fp, cache_dir, min_side
            ):
                rendered |= fresh
                photos.append(photo)
                targets.append(target)
                names.append(name)
            if rendered and ((i + 1) % 10 == 0 or i + 1 == len(files)):
                progress(f"teacher {i + 1}/{len(files)} {path.name}")
        if not photos:
            raise FileNotFoundError(f"No training photo has a side of at least {min_side} px")
        return cls(photos, targets, names)

    def sample(
        self, batch: int, crop: int, rng: np.random.Generator
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Aligned random crops (photo, target) in [0, 1], NCHW, randomly mirrored left-right.

        Only horizontal flips: cel shading follows the light, which comes from above.
        Every (photo, working size) pair is equally likely, so a photo's 1024 px
        rendering does not crowd out the 512 px ones.
        """
        xs = np.empty((batch, crop, crop, 3), np.uint8)
        ys = np.empty((batch, crop, crop, 3), np.uint8)
        picks = rng.integers(0, len(self.photos), size=batch)
        for i, k in enumerate(picks):
            p, t = self.photos[k], self.targets[k]
            y = int(rng.integers(0, p.shape[0] - crop + 1))
            x = int(rng.integers(0, p.shape[1] - crop + 1))
            xp, yp = p[y : y + crop, x : x + crop], t[y : y + crop, x : x + crop]
            if rng.integers(0, 2):
                xp, yp = xp[:, ::-1], yp[:, ::-1]
            xs[i], ys[i] = xp, yp
        to_t = lambda a: torch.from_numpy(a).permute(0, 3, 1, 2).float().div_(255.0)  # noqa: E731
        return to_t(xs), to_t(ys)


def _photo_pairs(
    path: Path,
    sizes: Sequence[int],
    teacher: Teacher,
    teacher_name: str,
    fp: str,
    cache_dir: Path | None,
    min_side: int,
) -> list[tuple[np.ndarray, np.ndarray, str, bool]]:
    """One photo's (photo, target, name, freshly rendered) at each distinct working size."""
    sha = file_sha256(path)[:16]
    with Image.open(path) as im:
        base = im.convert("RGB")
    seen: set[tuple[int, int]] = set()
    out = []
    for size in sizes:
        photo = working_size_image(base, size)
        if min(photo.size) < min_side or photo.size in seen:
            continue  # too small to crop, or not enlarged so the same as a smaller size
        seen.add(photo.size)
        cached = cache_dir / f"{teacher_name}-{fp}-{size}-{sha}.png" if cache_dir else None
        fresh = cached is None or not cached.is_file()
        if not fresh:
            with Image.open(cached) as im:
                target = im.convert("RGB")
        else:
            target = teacher(photo)
            if cached is not None:
                cached.parent.mkdir(parents=True, exist_ok=True)
                buf = io.BytesIO()
                target.save(buf, "PNG")
                tmp = cached.with_name(f"{cached.name}.{os.getpid()}.tmp")
                tmp.write_bytes(buf.getvalue())
                tmp.replace(cached)  # never a half-written target, whoever writes it
        if target.size != photo.size:
            raise ValueError(f"teacher changed the size of {path.name}")
        out.append(
            (
                np.asarray(photo, dtype=np.uint8),
                np.asarray(target, dtype=np.uint8),
                f"{path.name}@{size}",
                fresh,
            )
        )
    return out


_worker_teacher: Teacher | None = None


def _start_worker(teacher_name: str, fp: str) -> None:
    """Process-pool initializer: one thread per worker, the teacher loaded (and checked) once."""
    global _worker_teacher
    import cv2

    torch.set_num_threads(1)
    cv2.setNumThreads(1)
    _worker_teacher = builtin_teacher(teacher_name)
    if teacher_fingerprint(_worker_teacher) != fp:
        raise RuntimeError("a worker's teacher renders differently from the main process's")


def _render_one(args: tuple) -> str:
    path, sizes, teacher_name, fp, cache_dir, min_side = args
    assert _worker_teacher is not None
    _photo_pairs(path, sizes, _worker_teacher, teacher_name, fp, cache_dir, min_side)
    return path.name


def prerender(
    files: Sequence[Path],
    sizes: Sequence[int],
    teacher_name: str,
    fp: str,
    cache_dir: Path,
    min_side: int,
    workers: int,
    progress: Callable[[str], None] = print,
) -> None:
    """Fill the teacher cache for ``files`` in ``workers`` spawned processes (a built-in teacher)."""
    jobs = [(path, tuple(sizes), teacher_name, fp, cache_dir, min_side) for path in files]
    ctx = multiprocessing.get_context("spawn")  # no fork of a process holding torch threads
    with ProcessPoolExecutor(workers, mp_context=ctx, initializer=_start_worker,
                             initargs=(teacher_name, fp)) as pool:  # fmt: skip
        for done, name in enumerate(pool.map(_render_one, jobs), start=1):
            if done % 10 == 0 or done == len(jobs):
                progress(f"teacher {done}/{len(jobs)} {name} ({workers} processes)")

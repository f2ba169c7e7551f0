"""What the media store costs per operation: filesystem vs S3 (SeaweedFS on loopback). Prints figures.

Per backend, on the private store exactly as the shop configures it
(``shop.storage``: every write to ``tmp/<random>/`` then committed):

- ``plain_put``: one bare write, no temporary key (what the commit's extra copy is measured against),
- ``save``: a new file (a styled PNG's size by default), as an upload or a result is stored,
- ``replace``: the same name written again (a re-rendered print file),
- ``read``: open + read the whole file (a worker reading its input, a view streaming it),
- ``exists``: one existence check (``check_media`` does one per row),
- ``local_copy``: a private temporary copy for code that needs a path (``ml`` weights).

Median and p95 in milliseconds over ``--runs`` operations each. The S3 server is started
here (``devkit.s3``) and stopped at the end; nothing else is touched.

    nice python bench/media_store.py [--runs 50] [--size-kb 600]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def timed(fn: Callable[[int], object], runs: int) -> tuple[float, float]:
    samples = []
    for i in range(runs):
        start = time.perf_counter()
        fn(i)
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[max(0, int(round(0.95 * len(samples))) - 1)]


def measure(label: str, storage, runs: int, payload: bytes) -> None:  # type: ignore[no-untyped-def]
    from django.core.files.base import ContentFile

    from shop.media import local_copy, save_committed

    names: list[str] = []

    def save(i: int) -> None:
        names.append(storage.save(f"bench/{i}/styled.png", ContentFile(payload)))

    def replace(i: int) -> None:
        save_committed(storage, "bench/print.pdf", ContentFile(payload), replace=True)

    def read(i: int) -> None:
        with storage.open(names[i % len(names)], "rb") as fh:
            assert len(fh.read()) == len(payload)

    def exists(i: int) -> None:
        assert storage.exists(names[i % len(names)])

    def copy(i: int) -> None:
        with local_copy(storage, names[i % len(names)]) as path:
            assert path.stat().st_size == len(payload)

    def plain(i: int) -> None:  # what one uncommitted write would cost (no tmp key, no copy)
        if hasattr(storage, "bucket"):
            storage.bucket.Object(f"bench/plain/{i}").put(Body=payload)
        else:
            Path(storage.path(f"bench/plain-{i}")).parent.mkdir(parents=True, exist_ok=True)
            Path(storage.path(f"bench/plain-{i}")).write_bytes(payload)
        names_plain.append(f"bench/plain/{i}" if hasattr(storage, "bucket") else f"bench/plain-{i}")

    names_plain: list[str] = []
    print(f"{label}")
    for op, fn in [
        ("plain_put", plain),
        ("save", save),
        ("replace", replace),
        ("read", read),
        ("exists", exists),
        ("local_copy", copy),
    ]:
        median, p95 = timed(fn, runs)
        print(f"  {op:<11} median {median:7.2f} ms   p95 {p95:7.2f} ms")
    for name in names + names_plain + ["bench/print.pdf"]:
        storage.delete(name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument(
        "--size-kb", type=int, default=600, help="file size (a 1024 px styled PNG is ~0.5-1 MB)"
    )
    args = parser.parse_args()
    var = Path(tempfile.mkdtemp(prefix="retrocel-bench-media-"))
    os.environ.update({"RETROCEL_VAR_DIR": str(var), "DJANGO_SETTINGS_MODULE": "shop.settings"})
    for name in ("MEDIA_ROOT", "PRIVATE_MEDIA_ROOT", "MEDIA_BACKEND", "RETROCEL_ENV"):
        os.environ.pop(name, None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.files.storage import storages
    from django.test import override_settings

    from devkit.s3 import running_s3_server
    from shop.storage_config import s3_storages

    payload = os.urandom(args.size_kb * 1024)  # incompressible, like PNG data
    print(f"{args.runs} operations each, {args.size_kb} KiB files, private store\n")
    measure("filesystem (CommittingFileSystemStorage)", storages["private"], args.runs, payload)
    with running_s3_server(var / "s3", var / "s3.log", "bench-public", "bench-private") as server:
        media = s3_storages(
            endpoint_url=server.endpoint,
            region=server.region,
            access_key=server.access_key,
            secret_key=server.secret_key,
            public_bucket="bench-public",
            private_bucket="bench-private",
        )
        with override_settings(
            STORAGES={
                **media,
                "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
            }
        ):
            measure(
                f"S3: SeaweedFS {server.endpoint} (PrivateS3Storage)",
                storages["private"],
                args.runs,
                payload,
            )


if __name__ == "__main__":
    main()

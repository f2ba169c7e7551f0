"""Latency of the shopper's styling flow: upload POST -> styled preview visible (prints figures).

What it measures, per run, with a real ``celery worker`` subprocess on a throw-away SQLite
database and the embedded filesystem broker (the ``make run`` stack):

1. POST the photo to ``/create/`` (validation, crop, EXIF-free PNG),
2. POST the built-in ``retro-cel`` style (job row, enqueue on commit),
3. poll ``/create/jobs/<id>/progress/`` every 700 ms, as the page's htmx does,
4. GET ``result.png`` once the job is done: the preview is visible.

The first run (worker loads torch and the style) is reported separately; the median is
over the warm runs. Also printed: the worker's own time (job started -> finished) and how
long the job waited in the queue.

    nice python bench/styling_latency.py [--runs 5] [--photo PATH] [--poll 0.7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PHOTO = ROOT.parent / "shared/data/photos/sun80/canyon_sun_aokgdiugvxssbqyl.jpg"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="warm runs (median over these)")
    parser.add_argument("--photo", type=Path, default=DEFAULT_PHOTO)
    parser.add_argument("--poll", type=float, default=0.7, help="progress poll interval (s)")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    var = Path(tempfile.mkdtemp(prefix="retrocel-bench-"))
    os.environ.update(
        {
            "RETROCEL_VAR_DIR": str(var),
            "DATABASE_URL": f"sqlite:///{var / 'bench.sqlite3'}",
            "CELERY_BROKER_URL": "filesystem://",
            "DJANGO_SETTINGS_MODULE": "shop.settings",
        }
    )
    for name in ("MEDIA_ROOT", "PRIVATE_MEDIA_ROOT", "CELERY_RESULT_BACKEND", "RETROCEL_ENV"):
        os.environ.pop(name, None)
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)

    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from PIL import Image

    from devkit.worker import running_worker
    from styling.models import Builtin, Style, StyleKind, StylingJob

    print(f"database and media in {var}", flush=True)
    call_command("migrate", verbosity=0)
    style = Style.objects.create(
        name="Retro cel", slug="retro-cel", kind=StyleKind.CLASSICAL, builtin=Builtin.RETRO_CEL,
        is_enabled=True, provenance="built in", licence="ours", commercial_use_allowed=True,
    )  # fmt: skip
    data = args.photo.read_bytes()
    with Image.open(args.photo) as im:
        size = im.size
    print(f"photo {args.photo.name} {size[0]}x{size[1]}, {len(data) / 1024:.0f} KiB", flush=True)

    rows: list[tuple[float, float, float]] = []
    with running_worker("bench") as worker:
        print(f"worker pid {worker.proc.pid} started; {args.runs} warm runs + 1 cold", flush=True)
        for i in range(args.runs + 1):
            client = Client()
            t0 = time.perf_counter()
            r = client.post("/create/", {"photo": _file(args.photo.name, data)})
            assert r.status_code == 302, r.status_code
            upload_id = r["Location"].rstrip("/").rsplit("/", 1)[-1]
            r = client.post(f"/create/uploads/{upload_id}/", {"style": style.pk, "strength": "1"})
            assert r.status_code == 302, r.status_code
            job_url = r["Location"]
            while True:
                state = client.get(f"{job_url}progress/", HTTP_ACCEPT="application/json").json()
                if state["status"] in ("done", "failed"):
                    break
                time.sleep(args.poll)
            assert state["status"] == "done", state
            r = client.get(f"{job_url}result.png")
            b"".join(r.streaming_content)
            visible = time.perf_counter() - t0
            job = StylingJob.objects.get(pk=job_url.rstrip("/").rsplit("/", 1)[-1])
            work = (job.finished_at - job.started_at).total_seconds()
            wait = (job.started_at - job.created_at).total_seconds()
            rows.append((visible, work, wait))
            label = "cold" if i == 0 else f"run {i}"
            print(
                f"{label:>6}: preview visible {visible:6.2f} s  (worker {work:5.2f} s, "
                f"queue wait {wait:4.2f} s)",
                flush=True,
            )

    warm = rows[1:]
    med = statistics.median(v for v, _, _ in warm)
    print(
        f"\nupload POST -> preview visible, built-in retro-cel, {size[0]}x{size[1]}, "
        f"{os.cpu_count()} CPUs, poll {args.poll:g} s: median {med:.2f} s over {len(warm)} "
        f"warm runs (min {min(v for v, _, _ in warm):.2f}, max {max(v for v, _, _ in warm):.2f}); "
        f"cold first run {rows[0][0]:.2f} s; worker median "
        f"{statistics.median(w for _, w, _ in warm):.2f} s"
    )


def _file(name: str, data: bytes):  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


if __name__ == "__main__":
    main()

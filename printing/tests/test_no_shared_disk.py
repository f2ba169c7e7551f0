"""No hidden shared state (issue 18, part 3): web and worker share only DB, broker and store.

The test process plays the web host, a real ``celery worker`` subprocess the
worker host. Each gets its own scratch folders (``RETROCEL_VAR_DIR``,
``MEDIA_ROOT``, ``PRIVATE_MEDIA_ROOT``, ``TMPDIR``); media lives only in the S3
store (the CI server, or a SeaweedFS server this test starts when ``make test``
runs on the filesystem). The whole journey must succeed: upload -> style ->
design -> order -> print file -> vendor download, and neither host's folders may
hold a media file afterwards (temporaries included).
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse

from orders.models import Order
from orders.tests.factories import OrderLineFactory
from printing.models import PrintStatus
from printing.tasks import render_order_print_files
from printing.tests.factories import UserFactory, VendorFactory, paid_order, product_for
from shop.media import stored_names
from shop.storage_config import s3_storages
from styling.models import JobStatus, StylingJob, Upload
from styling.placement import Placement
from styling.tests.factories import StyleFactory

pytestmark = [pytest.mark.worker, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PHOTO = "photos/bsd68/101085.png"
MEDIA_ENV = (
    "MEDIA_BACKEND",
    "AWS_S3_ENDPOINT_URL",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_S3_REGION_NAME",
    "MEDIA_PUBLIC_BUCKET",
    "MEDIA_PRIVATE_BUCKET",
)


@pytest.fixture
def s3_media(tmp_path: Path) -> Iterator[dict[str, str]]:
    """Media on S3 for this test: the configured server (CI), else one started here."""
    if settings.MEDIA_BACKEND == "s3":
        yield {name: str(getattr(settings, name)) for name in MEDIA_ENV}
        return
    from devkit.s3 import running_s3_server

    public, private = "nodisk-public", "nodisk-private"
    log = Path(settings.VAR_DIR) / "logs" / "s3-nodisk.log"
    with running_s3_server(tmp_path / "s3-data", log, public, private) as server:
        storages_setting = {
            **s3_storages(
                endpoint_url=server.endpoint,
                region=server.region,
                access_key=server.access_key,
                secret_key=server.secret_key,
                public_bucket=public,
                private_bucket=private,
            ),
            "staticfiles": settings.STORAGES["staticfiles"],
        }
        with override_settings(STORAGES=storages_setting, MEDIA_BACKEND="s3"):
            yield {
                **server.env(),
                "MEDIA_PUBLIC_BUCKET": public,
                "MEDIA_PRIVATE_BUCKET": private,
            }


def host_folders(root: Path) -> dict[str, str]:
    folders = {
        "RETROCEL_VAR_DIR": root / "var",
        "MEDIA_ROOT": root / "media-public",
        "PRIVATE_MEDIA_ROOT": root / "media-private",
        "TMPDIR": root / "tmp",
    }
    for folder in folders.values():
        folder.mkdir(parents=True)
    return {name: str(path) for name, path in folders.items()}


def media_files_in(folders: dict[str, str]) -> list[str]:
    """Files a host left in its folders, except logs, mail and the embedded broker's queue."""
    skip = ("logs", "mail", "celery")
    found = []
    for name, folder in folders.items():
        for path in Path(folder).rglob("*"):
            relative = path.relative_to(folder)
            if path.is_file() and not (name == "RETROCEL_VAR_DIR" and relative.parts[0] in skip):
                found.append(f"{name}/{relative}")
    return found


def wait_for(predicate, what: str, timeout: float = 240.0):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def test_the_journey_needs_no_disk_shared_between_web_and_worker(
    s3_media: dict[str, str],
    tmp_path: Path,
    shared_data: Path,
    django_db_blocker,
    monkeypatch: pytest.MonkeyPatch,
    rdn_weights,
) -> None:
    from django.core.files.storage import storages

    from devkit.worker import running_worker
    from shop.celery import app

    # Media is in the object store for this test, whatever make test's default is
    assert type(storages["private"]).__name__ == "PrivateS3Storage"
    assert type(storages["default"]).__name__ == "PublicS3Storage"
    web = host_folders(tmp_path / "web")
    worker_host = host_folders(tmp_path / "worker")
    # The web host's own scratch space (nothing the worker is told about)
    monkeypatch.setattr(tempfile, "tempdir", web["TMPDIR"])
    vendor_user = UserFactory(username="vendor-nodisk")
    vendor = VendorFactory(slug="vendor-nodisk", users=[vendor_user])
    variant = product_for("small", vendor)
    style = StyleFactory()
    photo = (shared_data / PHOTO).read_bytes()

    with (
        override_settings(
            MEDIA_ROOT=web["MEDIA_ROOT"], PRIVATE_MEDIA_ROOT=web["PRIVATE_MEDIA_ROOT"]
        ),
        django_db_blocker.unblock(),
    ):
        app.control.purge()
        with running_worker("nodisk", extra_env={**s3_media, **worker_host}) as worker:
            shopper = Client()
            # Upload (web) -> style (worker reads the photo from the store, writes the result)
            response = shopper.post("/create/", {"photo": SimpleUploadedFile("me.png", photo)})
            assert response.status_code == 302, response.content.decode()[:1000]
            upload = Upload.objects.get()
            response = shopper.post(
                f"/create/uploads/{upload.pk}/", {"style": style.pk, "strength": "1"}
            )
            assert response.status_code == 302
            job = StylingJob.objects.get()
            finished = wait_for(
                lambda: StylingJob.objects.filter(
                    pk=job.pk, status__in=[JobStatus.DONE, JobStatus.FAILED]
                ).first(),
                f"the styling job; worker log:\n{worker.log()}",
            )
            assert finished.status == JobStatus.DONE, (finished.error_message, worker.log())
            # The web host shows the worker's result, read from the store
            result = shopper.get(f"/create/jobs/{job.pk}/result.png")
            assert result.status_code == 200
            assert b"".join(result.streaming_content)[:8] == b"\x89PNG\r\n\x1a\n"

            # Design (web renders the mockup from the stored result) -> paid order
            from styling.designs import create_design

            job.refresh_from_db()
            design = create_design(job=job, variant=variant, placement=Placement())
            order = paid_order()
            OrderLineFactory(order=order, design=design)

            # Print file (worker: style re-run on the stored original, RDN, PDF, preflight)
            render_order_print_files.delay(order.pk)
            ready = wait_for(
                lambda: Order.objects.filter(
                    pk=order.pk, ready_for_production_at__isnull=False
                ).first(),
                f"the print file; worker log:\n{worker.log()}",
            )
            line = ready.lines.get()
            assert line.printfile.status == PrintStatus.READY

        # Vendor download (web streams the worker's PDF from the store)
        vendor_client = Client()
        vendor_client.force_login(vendor_user)
        pdf = vendor_client.get(reverse("vendor_portal:line-pdf", args=[order.number, line.pk]))
        assert pdf.status_code == 200
        body = b"".join(pdf.streaming_content)
        assert body.startswith(b"%PDF-")
        with line.printfile.file.open("rb") as fh:
            assert fh.read() == body

        # Every row's object is in the store, nothing is left under tmp/
        call_command("check_media")
        assert stored_names(storages["private"], "tmp") == []
        assert stored_names(storages["private"], f"print/{order.number}")

    # And neither host kept a media file (or a temporary copy) in its own folders
    assert media_files_in(web) == []
    assert media_files_in(worker_host) == []

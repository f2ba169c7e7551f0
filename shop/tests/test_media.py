"""Media stores (issue 18): committed writes, local copies, the store down, check_media.

These run against whatever store the settings configure: the filesystem in
``make test``, the SeaweedFS S3 server in CI (``.ci/run``). The "store down /
slow" tests point the stores at a closed port and at a listener that never
answers, which is what a real outage looks like to boto.
"""

from __future__ import annotations

import io
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client, override_settings

from devkit.s3 import unreachable_storages
from shop.media import local_copy, save_committed, store_unavailable, stored_names
from shop.seed import seed_site
from styling.models import Upload
from styling.selectors import Owner
from styling.tests.factories import png_bytes
from styling.uploads import create_upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_stores() -> Iterator[None]:
    for storage in (storages["private"], storages["default"]):
        for name in stored_names(storage):
            storage.delete(name)
    yield


class ExplodingFile(io.RawIOBase):
    """A file whose read fails after the first chunk: a client or disk dying mid-write."""

    def __init__(self) -> None:
        self.calls = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
        self.calls += 1
        if self.calls > 1:
            raise OSError("connection reset while sending the file")
        buffer[:4] = b"half"
        return 4


def test_a_write_lands_under_its_name_with_nothing_left_under_tmp() -> None:
    private = storages["private"]
    name = private.save("checks/one.txt", ContentFile(b"first"))
    assert name == "checks/one.txt"
    with private.open(name, "rb") as fh:
        assert fh.read() == b"first"
    # A taken name gets a suffix, as Django's storages always did: nothing is overwritten.
    other = private.save("checks/one.txt", ContentFile(b"second"))
    assert other != name and other.startswith("checks/one")
    assert stored_names(private, "tmp") == []


def test_replace_swaps_the_content_and_a_failed_write_leaves_the_old_file() -> None:
    private = storages["private"]
    name = save_committed(private, "checks/print.pdf", ContentFile(b"old"), replace=True)
    assert save_committed(private, name, ContentFile(b"new"), replace=True) == name
    with private.open(name, "rb") as fh:
        assert fh.read() == b"new"
    # When the next write dies halfway
    with pytest.raises(OSError, match="connection reset"):
        save_committed(private, name, ExplodingFile(), replace=True)
    # Then the name still holds the last complete file, and no temporary is left
    with private.open(name, "rb") as fh:
        assert fh.read() == b"new"
    assert stored_names(private) == [name]


def test_a_failed_new_write_leaves_no_name_at_all() -> None:
    private = storages["private"]
    with pytest.raises(OSError):
        private.save("checks/never.png", ExplodingFile())
    assert stored_names(private) == []


def test_local_copy_is_a_private_copy_removed_afterwards() -> None:
    name = storages["private"].save("weights/w.pt", ContentFile(b"weights!"))
    with local_copy(storages["private"], name) as path:
        assert path.read_bytes() == b"weights!"
        assert path.name == "w.pt"
    assert not path.exists() and not path.parent.exists()


def test_public_media_is_streamed_from_the_public_store_only(client: Client) -> None:
    public = default_storage.save("mockups/ab/pic.png", ContentFile(png_bytes()))
    private = storages["private"].save("uploads/secret.png", ContentFile(png_bytes()))
    served = client.get(f"/media/{public}")
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert b"".join(served.streaming_content) == png_bytes()
    assert client.get(f"/media/{private}").status_code == 404
    assert client.get("/media/../private/uploads/secret.png").status_code == 404
    assert client.get("/media/tmp/x/pic.png").status_code == 404
    assert client.get("/media/nothing-here.png").status_code == 404
    # Private files never get a usable URL from their store
    assert storages["private"].url(private).startswith("/private-media-not-served/")


# --- the store down or slow ----------------------------------------------------------------------


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A TCP listener that accepts and never answers: a store that hangs."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join(5)
    for conn in held:
        conn.close()
    listener.close()


@pytest.mark.parametrize("outage", ["down", "slow"])
def test_an_upload_while_the_store_is_out_gets_try_again_and_can_be_resubmitted(
    outage: str, request: pytest.FixtureRequest
) -> None:
    seed_site()
    client = Client()
    port = None if outage == "down" else request.getfixturevalue("silent_server")
    photo = png_bytes()
    with override_settings(
        STORAGES=unreachable_storages(port), MEDIA_STORE_TIMEOUT=0.5, MEDIA_STORE_ATTEMPTS=1
    ):
        response = client.post("/create/", {"photo": SimpleUploadedFile("me.png", photo)})
        # Then a clear "try again" page, not a 500
        assert response.status_code == 503
        assert response["Retry-After"] == "30"
        page = response.content.decode()
        assert "Please try again in a moment" in page and "nothing was saved" in page
    # And nothing half-stored: no row, no object in the real stores
    assert Upload.objects.count() == 0
    assert stored_names(storages["private"]) == stored_names(storages["default"]) == []
    # When the store is back, the same form posted again works
    again = client.post("/create/", {"photo": SimpleUploadedFile("me.png", photo)})
    assert again.status_code == 302
    upload = Upload.objects.get()
    with upload.original.open("rb") as fh:
        assert fh.read() == photo


def test_store_errors_are_told_apart_from_bad_files() -> None:
    from botocore.exceptions import ClientError, EndpointConnectionError, ReadTimeoutError

    assert store_unavailable(EndpointConnectionError(endpoint_url="http://127.0.0.1:1"))
    assert store_unavailable(ReadTimeoutError(endpoint_url="http://127.0.0.1:1"))
    unavailable = ClientError(
        {"Error": {"Code": "ServiceUnavailable"}, "ResponseMetadata": {"HTTPStatusCode": 503}},
        "PutObject",
    )
    assert store_unavailable(unavailable)
    wrapped = RuntimeError("while saving")
    wrapped.__cause__ = unavailable
    assert store_unavailable(wrapped)
    denied = ClientError(
        {"Error": {"Code": "AccessDenied"}, "ResponseMetadata": {"HTTPStatusCode": 403}},
        "GetObject",
    )
    assert not store_unavailable(denied)
    assert not store_unavailable(FileNotFoundError("gone"))
    assert not store_unavailable(ValueError("bad image"))


def _raised(make: Callable[[], object]) -> BaseException:
    """What ``make()`` raised: a real raise, so Python sets the chain as it does in the code."""
    try:
        make()
    except Exception as exc:
        return exc
    raise AssertionError("nothing was raised")


def test_a_store_error_counts_through_the_chain_python_would_print() -> None:
    from botocore.exceptions import EndpointConnectionError

    def store_down() -> None:
        raise EndpointConnectionError(endpoint_url="http://127.0.0.1:1")

    def handled_then(fresh: str) -> None:
        """A store hiccup caught, then another error raised while handling it."""
        try:
            store_down()
        except EndpointConnectionError as down:
            if fresh == "from None":
                raise FileNotFoundError("gone") from None
            if fresh == "from bad":
                raise FileNotFoundError("gone") from ValueError("bad image")
            if fresh == "from down":
                raise FileNotFoundError("gone") from down
            raise FileNotFoundError("gone")  # implicit context

    # A fresh error raised on purpose (`from None`, or from another error) is what it says
    assert not store_unavailable(_raised(lambda: handled_then("from None")))
    assert not store_unavailable(_raised(lambda: handled_then("from bad")))
    # An error raised while the store was failing, with its cause or context shown, is the store
    assert store_unavailable(_raised(lambda: handled_then("from down")))
    assert store_unavailable(_raised(lambda: handled_then("implicit")))


def test_print_tasks_retry_when_the_store_is_out() -> None:
    from botocore.exceptions import ConnectTimeoutError

    from printing.tasks import gpu_upscale_line, write_line_pdf_task

    for task in (gpu_upscale_line, write_line_pdf_task):
        assert task.is_transient(ConnectTimeoutError(endpoint_url="http://127.0.0.1:1"))
        assert not task.is_transient(FileNotFoundError("the original is gone"))


# --- check_media ---------------------------------------------------------------------------------


def test_check_media_reports_rows_whose_object_is_missing(
    capsys: pytest.CaptureFixture[str],
) -> None:
    owner = Owner(session="c" * 32)
    kept = create_upload(owner=owner, data=png_bytes(), filename="kept.png")
    lost = create_upload(owner=owner, data=png_bytes(), filename="lost.png")
    call_command("check_media")
    assert "Every referenced media object is in the store." in capsys.readouterr().out
    # When an object disappears from the store behind the row's back
    storages["private"].delete(lost.original.name)
    leftover = storages["private"].save("tmp/dead/upload.png", ContentFile(b"x"))
    with pytest.raises(CommandError, match="1 row"):
        call_command("check_media")
    out = capsys.readouterr().out
    # Then exactly that row and field are named, and the uncommitted temporary is listed
    assert f"MISSING styling.Upload {lost.pk} original: {lost.original.name}" in out
    assert str(kept.pk) not in out
    assert f"LEFTOVER private: {leftover}" in out
    # Limited to another app, the check passes
    call_command("check_media", "printing")


def test_the_compose_stack_shares_no_media_volume() -> None:
    from django.conf import settings

    text = (Path(settings.BASE_DIR) / "docker-compose.yml").read_text()
    app = text.split("x-app: &app", 1)[1].split("\nservices:", 1)[0]
    # Web and workers get the store from the environment, and no volume to share
    assert "volumes:" not in app and "MEDIA_BACKEND: s3" in app
    assert "AWS_S3_ENDPOINT_URL: http://minio:9000" in app
    assert "minio-buckets: { condition: service_completed_successfully }" in app
    minio = text.split("\n  minio:\n", 1)[1].split("\n  minio-buckets:", 1)[0]
    assert '"mc", "ready", "local"' in minio
    buckets = text.split("\n  minio-buckets:\n", 1)[1].split("\nvolumes:", 1)[0]
    assert "mc mb --ignore-existing store/retrocel-public store/retrocel-private" in buckets

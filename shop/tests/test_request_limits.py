"""Oversize bodies are refused from their Content-Length, before a byte of the body is read."""

from __future__ import annotations

import io

import pytest
from django.core.handlers.wsgi import WSGIHandler

pytestmark = pytest.mark.django_db

MIB = 1024 * 1024


class CountingInput(io.RawIOBase):
    """A request body that claims to be huge and records how much of it anyone read."""

    def __init__(self) -> None:
        self.read_bytes = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        self.read_bytes += len(buffer)
        buffer[:] = b"\xff" * len(buffer)
        return len(buffer)


def call_wsgi(path: str, declared: int) -> tuple[str, str, CountingInput]:
    body = CountingInput()
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "HTTP_HOST": "127.0.0.1",
        "CONTENT_TYPE": "multipart/form-data; boundary=b",
        "CONTENT_LENGTH": str(declared),
        "wsgi.input": io.BufferedReader(body),
        "wsgi.url_scheme": "http",
        "wsgi.errors": io.StringIO(),
    }
    status: list[str] = []
    chunks = WSGIHandler()(environ, lambda s, headers, exc_info=None: status.append(s))
    return status[0], b"".join(chunks).decode(), body


def test_a_600_mb_upload_is_refused_without_reading_the_body() -> None:
    # When a client declares a 600 MB upload
    status, page, body = call_wsgi("/create/", 600 * MIB)
    # Then the shop answers 413 saying what the limit is, and nobody read the body
    assert status.startswith("413")
    assert "The upload is 600 MB; at most 21 MB can be sent at once." in page
    assert body.read_bytes == 0


def test_admin_paths_have_their_own_larger_limit() -> None:
    status, _page, body = call_wsgi("/cms/images/multiple/add/", 600 * MIB)
    assert status.startswith("413")
    assert "at most 512 MB" in _page
    assert body.read_bytes == 0


def test_a_body_within_the_limit_is_read_normally(client) -> None:
    response = client.post("/create/", {"crop_x": "1"})
    assert response.status_code == 400
    assert "Please choose a photo to upload." in response.content.decode()

"""The container image: what the build context holds, and the health check under production hosts."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings
from docker.utils.build import exclude_paths

BASE_DIR = Path(__file__).resolve().parents[2]


def build_context() -> set[str]:
    """The files ``docker build .`` would send, by Docker's own .dockerignore rules (docker-py)."""
    patterns = [
        line.strip()
        for line in (BASE_DIR / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    return set(exclude_paths(str(BASE_DIR), patterns))


@pytest.fixture(scope="module")
def context_with_secrets() -> set[str]:
    """The context after planting the files that must never reach the image."""
    planted = [
        BASE_DIR / ".env",
        BASE_DIR / "var" / "admin-credentials.txt",
        BASE_DIR / "var" / "media" / "private" / "uploads" / "photo.jpg",
        BASE_DIR / "test-artifacts" / "shot.png",
    ]
    created = [p for p in planted if not p.exists()]
    for path in created:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("secret")
    try:
        return build_context()
    finally:
        for path in created:
            path.unlink()


@pytest.mark.parametrize(
    "prefix", [".env", "var/", ".venv/", "node_modules/", ".git/", "test-artifacts/", ".ci/"]
)
def test_build_context_leaves_out_secrets_and_local_state(context_with_secrets, prefix) -> None:
    leaked = sorted(
        p for p in context_with_secrets if p == prefix.rstrip("/") or p.startswith(prefix)
    )
    assert leaked == []


def test_build_context_has_what_the_dockerfile_copies(context_with_secrets) -> None:
    for needed in [
        "pyproject.toml",
        "README.md",
        "manage.py",
        "package-lock.json",
        "shop/settings.py",
        "orders/webhooks.py",
        "ml/sr/weights/rdn_x4.pt",
        "templates/base.html",
        "static/css/site.css",
    ]:
        assert needed in context_with_secrets, needed
    assert not any("__pycache__" in p for p in context_with_secrets)


def compose_web_healthcheck() -> list[str]:
    text = (BASE_DIR / "docker-compose.yml").read_text()
    web = text.split("\n  web:\n", 1)[1].split("\n  worker-gpu:", 1)[0]
    match = re.search(r"^\s+test: (\[.*\])$", web, re.MULTILINE)
    assert match, "web service has no healthcheck test"
    return json.loads(match.group(1))


@pytest.mark.django_db(transaction=True)
def test_compose_health_check_passes_under_production_hosts(live_server) -> None:
    # Given production host and SSL settings, under which plain http://127.0.0.1/ is refused
    command = compose_web_healthcheck()
    assert command[:3] == ["CMD", "python", "-c"]
    script = command[3].replace("http://127.0.0.1:8000", live_server.url)
    with override_settings(
        ALLOWED_HOSTS=["shop.retrocel.example"],
        SECURE_SSL_REDIRECT=True,
        SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
    ):
        refused = subprocess.run(
            [sys.executable, "-c", script.replace("/healthz/", "/")],
            capture_output=True,
            timeout=30,
        )
        # When the container's health check runs its command
        result = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=30)
    # Then it succeeds, while the home page on that address is refused as before
    assert refused.returncode != 0 and b"400" in refused.stderr
    assert result.returncode == 0, result.stderr.decode()

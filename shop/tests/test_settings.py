"""Settings come from the environment; production fails closed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

BASE_DIR = Path(__file__).resolve().parents[2]
PROD_ENV = {
    "RETROCEL_ENV": "production",
    "SECRET_KEY": "x" * 50 + "-a-real-looking-secret-key-for-the-deploy-check",
    "ALLOWED_HOSTS": "shop.retrocel.example",
    "DATABASE_URL": "sqlite:////tmp/retrocel-deploy-check.sqlite3",
    "STRIPE_SECRET_KEY": "sk_live_deploycheck",
    "STRIPE_PUBLISHABLE_KEY": "pk_live_deploycheck",
    "STRIPE_WEBHOOK_SECRET": "whsec_deploycheck",
    "CACHE_URL": "redis://127.0.0.1:6379/1",
}


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "RETROCEL_ENV", "DJANGO_DEBUG"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR, env={**clean, **env}, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_development_defaults_are_embedded() -> None:
    assert settings.ENVIRONMENT == "development"
    assert settings.PRIVATE_MEDIA_ROOT != settings.MEDIA_ROOT
    assert not str(settings.PRIVATE_MEDIA_ROOT).startswith(str(settings.MEDIA_ROOT))


def test_deploy_check_passes_with_production_settings() -> None:
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PROD_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_secret_key() -> None:
    env = {k: v for k, v in PROD_ENV.items() if k != "SECRET_KEY"}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize("cache_url", [None, "locmemcache://", "filecache:///tmp/retrocel-cache"])
def test_production_refuses_a_cache_other_processes_cannot_see(cache_url: str | None) -> None:
    env = {k: v for k, v in PROD_ENV.items() if k != "CACHE_URL"}
    if cache_url is not None:
        env["CACHE_URL"] = cache_url
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "CACHE_URL must name a cache every host shares" in result.stderr


def test_production_keeps_database_connections_and_caches_pages() -> None:
    code = (
        "from django.conf import settings as s; d = s.DATABASES['default'];"
        "print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'], s.PAGE_CACHE_SECONDS,"
        " s.CACHES['default']['BACKEND'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=BASE_DIR, env={**os.environ, **PROD_ENV, "DJANGO_SETTINGS_MODULE": "shop.settings"},
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.stdout.split() == [
        "60", "True", "600", "shop.cache.RedisCache"
    ], result.stderr  # fmt: skip


def test_production_is_not_debug_and_cookies_are_secure() -> None:
    code = (
        "from django.conf import settings as s;"
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT,"
        " s.SECURE_HSTS_SECONDS > 0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=BASE_DIR, env={**os.environ, **PROD_ENV, "DJANGO_SETTINGS_MODULE": "shop.settings"},
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.stdout.split() == ["False", "True", "True", "True", "True"], result.stderr


@pytest.mark.django_db
def test_migrations_applied_on_configured_database() -> None:
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    assert plan == []
    assert "shop_homepage" in connection.introspection.table_names()


@pytest.mark.django_db
def test_private_media_urls_are_never_served(client) -> None:
    from django.core.files.base import ContentFile

    from shop.storage import PRIVATE_URL_PREFIX, private_storage

    storage = private_storage()
    name = storage.save("uploads/test/photo.png", ContentFile(b"secret"))
    url = storage.url(name)
    assert url.startswith(PRIVATE_URL_PREFIX)
    assert not url.startswith(settings.MEDIA_URL)
    assert client.get(url).status_code == 404
    assert client.get(f"{settings.MEDIA_URL}{name}").status_code == 404


@pytest.mark.parametrize(
    ("override", "message"),
    [
        (
            {"STRIPE_WEBHOOK_SECRET": "whsec_localstripe_development"},
            "STRIPE_WEBHOOK_SECRET is the development emulator's secret",
        ),
        (
            {"SECRET_KEY": "dev-only-insecure-key-do-not-use-in-production"},
            "SECRET_KEY is the development key",
        ),
        ({"DJANGO_DEBUG": "true"}, "DJANGO_DEBUG must be off in production"),
    ],
)
def test_production_refuses_development_secrets_and_debug(override, message) -> None:
    result = run_manage("check", env={**PROD_ENV, **override})
    assert result.returncode != 0
    assert message in result.stderr


def media_settings(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    code = (
        "from django.conf import settings as s;"
        "print(s.STORAGES['default']['BACKEND'], s.STORAGES['private']['BACKEND'], s.SERVE_MEDIA,"
        " ' '.join(s.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src']))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("MEDIA_", "AWS_"))}
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=BASE_DIR, env={**clean, **env, "DJANGO_SETTINGS_MODULE": "shop.settings"},
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def test_media_backend_s3_in_production_uses_two_buckets_and_a_cdn_when_given() -> None:
    s3 = {**PROD_ENV, "MEDIA_BACKEND": "s3", "AWS_S3_ENDPOINT_URL": "http://minio:9000"}
    streamed = media_settings(s3)
    assert streamed.stdout.split()[:3] == [
        "shop.storage.PublicS3Storage",
        "shop.storage.PrivateS3Storage",
        "True",  # no CDN: Django streams public media from the bucket
    ], streamed.stderr
    cdn = media_settings({**s3, "MEDIA_PUBLIC_URL": "https://media.retrocel.example/m/"})
    words = cdn.stdout.split()
    assert words[2] == "False" and "https://media.retrocel.example" in words[3:], cdn.stderr


@pytest.mark.parametrize(
    "env, message",
    [
        ({"MEDIA_BACKEND": "nfs"}, "MEDIA_BACKEND must be 'filesystem' or 's3'"),
        (
            {"MEDIA_BACKEND": "s3", "MEDIA_PUBLIC_BUCKET": "one", "MEDIA_PRIVATE_BUCKET": "one"},
            "MEDIA_PUBLIC_BUCKET and MEDIA_PRIVATE_BUCKET must differ",
        ),
    ],
)
def test_bad_media_settings_refuse_to_start(env: dict[str, str], message: str) -> None:
    result = media_settings(env)
    assert result.returncode != 0 and message in result.stderr

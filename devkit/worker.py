"""A real ``celery worker`` subprocess for integration tests.

The worker gets the test database, media roots and broker of the test
process through its environment, exactly as a production worker gets them
from its deployment, so tests exercise serialisation, commit order and
process boundaries for real.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

BASE_DIR = Path(settings.BASE_DIR)


def database_url() -> str:
    """The URL of the database the test process is using right now (the test database)."""
    cfg = connection.settings_dict
    engine = cfg["ENGINE"].rsplit(".", 1)[-1]
    if engine == "sqlite3":
        return f"sqlite:///{cfg['NAME']}"
    if engine == "postgresql":
        auth = cfg.get("USER") or ""
        if cfg.get("PASSWORD"):
            auth += f":{cfg['PASSWORD']}"
        if auth:
            auth += "@"
        host = cfg.get("HOST") or "localhost"
        port = f":{cfg['PORT']}" if cfg.get("PORT") else ""
        return f"postgres://{auth}{host}{port}/{cfg['NAME']}"
    raise RuntimeError(f"No worker support for database engine {engine}")


def worker_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": database_url(),
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            "CELERY_RESULT_BACKEND": settings.CELERY_RESULT_BACKEND,
            "CELERY_FILESYSTEM_DIR": str(settings.CELERY_FILESYSTEM_DIR),
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT),
            "RETROCEL_VAR_DIR": str(settings.VAR_DIR),
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(extra or {})
    return env


class WorkerProcess:
    """One ``celery worker`` subprocess consuming both queues."""

    def __init__(self, name: str, log_path: Path, extra_env: dict[str, str] | None = None) -> None:
        self.name = name
        self.log_path = log_path
        self.extra_env = extra_env
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> WorkerProcess:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        cmd = [
            sys.executable, "-m", "celery", "-A", "shop", "worker",
            "-Q", "default,gpu", "-c", "1", "-P", "prefork", "-l", "INFO",
            "-n", f"{self.name}@%h", "--without-heartbeat", "--without-mingle", "--without-gossip",
        ]  # fmt: skip
        self.proc = subprocess.Popen(
            cmd, cwd=BASE_DIR, env=worker_env(self.extra_env), stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        return self

    def wait_ready(self, timeout: float = 90.0) -> None:
        """Block until the worker has run a round trip task (proves it consumes our broker)."""
        from shop.tasks import ping

        result = ping.delay("ready")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(
                    f"celery worker exited early; see {self.log_path}:\n{self.log()}"
                )
            if result.ready():
                result.get(timeout=1)
                return
            time.sleep(0.2)
        raise TimeoutError(f"celery worker not ready after {timeout}s; log:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-5000:] if self.log_path.exists() else ""

    def kill(self) -> None:
        """SIGKILL the whole process group: a worker host dying mid-job."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        """Warm shutdown, as a deploy would do it: SIGTERM to the main process only.

        Signalling the whole group made the pool child die under the main process's
        feet, which then waited out the 20 s grace for a task that no longer existed
        (each worker test's teardown took 20 s).
        """
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


@contextmanager
def running_worker(
    name: str = "test", extra_env: dict[str, str] | None = None
) -> Iterator[WorkerProcess]:
    worker = WorkerProcess(name, Path(settings.VAR_DIR) / "logs" / f"worker-{name}.log", extra_env)
    worker.start()
    try:
        worker.wait_ready()
        yield worker
    finally:
        worker.stop()

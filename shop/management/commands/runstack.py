"""``manage.py runstack``: the whole embedded stack in one terminal.

Starts the web server (gunicorn) and one real Celery worker on both queues
(plus any extra services registered in ``shop.stack``), prints where to go,
and on Ctrl-C or SIGTERM stops every child and waits for it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from shop import seed, stack


class Command(BaseCommand):
    help = "Serve the shop with a Celery worker on the embedded defaults until Ctrl-C."

    def add_arguments(self, parser) -> None:  # type: ignore[no-untyped-def]
        parser.add_argument("--host", default=os.environ.get("RETROCEL_HOST", "127.0.0.1"))
        parser.add_argument(
            "--port", type=int, default=int(os.environ.get("RETROCEL_PORT", "8000"))
        )

    def handle(self, *args: object, host: str, port: int, **options: object) -> None:
        procs: list[tuple[str, subprocess.Popen[bytes]]] = []
        stopping = False

        def stop(*_: object) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            for name, cmd, env in stack.processes(host=host, port=port):
                self.stdout.write(f"starting {name}: {' '.join(cmd)}")
                procs.append(
                    (name, subprocess.Popen(cmd, cwd=settings.BASE_DIR, env={**os.environ, **env}))
                )
            self._banner(host, port)
            while not stopping:
                for name, proc in procs:
                    if proc.poll() is not None:
                        self.stderr.write(
                            f"{name} exited with {proc.returncode}; stopping the stack"
                        )
                        stopping = True
                time.sleep(0.5)
        finally:
            self.stdout.write("\nstopping…")
            for _, proc in procs:
                if proc.poll() is None:
                    proc.send_signal(signal.SIGTERM)
            for name, proc in procs:
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    self.stderr.write(f"{name} did not stop in time; killing it")
                    proc.kill()
            self.stdout.write("stopped.")
        sys.exit(0)

    def _banner(self, host: str, port: int) -> None:
        creds = seed.credentials_file()
        login = (
            creds.read_text().split()
            if creds.exists()
            else ["admin", "(as set in RETROCEL_ADMIN_PASSWORD)"]
        )
        url = f"http://{host}:{port}"
        self.stdout.write(
            self.style.SUCCESS(
                f"\n  Retrocel is running at {url}/\n"
                f"  Wagtail admin: {url}/cms/  user: {login[0]}  password: {login[1]}\n"
                f"  Press Ctrl-C to stop.\n"
            )
        )

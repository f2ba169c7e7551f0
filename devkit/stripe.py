"""Test support for payments: the local Stripe emulator as a subprocess, and webhook signing.

``running_emulator`` starts ``python -m devkit.stripe_emulator`` (localstripe plus our
fixes) on a free loopback port. ``sign`` builds a ``Stripe-Signature`` header
with Stripe's documented scheme (HMAC-SHA256 of ``"{t}.{body}"``), written
independently of the ``stripe`` library so tests check our verification
against the scheme, not against itself.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def sign(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


@dataclass
class Emulator:
    url: str
    process: subprocess.Popen[bytes]
    log_path: Path
    secret_key: str = "sk_test_localstripe"

    @property
    def js_url(self) -> str:
        return f"{self.url}/js.stripe.com/v3/"

    def _request(self, method: str, path: str, data: bytes | None = None) -> Any:
        req = urllib.request.Request(
            f"{self.url}{path}",
            data=data,
            method=method,
            headers={"Authorization": f"Bearer {self.secret_key}"},
        )
        with urllib.request.urlopen(req, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def register_webhook(self, url: str, secret: str) -> None:
        self._request(
            "POST",
            "/_config/webhooks/retrocel",
            json.dumps({"url": url, "secret": secret}).encode(),
        )

    def events(self, type: str | None = None) -> list[dict[str, Any]]:
        query = f"?type={type}&limit=100" if type else "?limit=100"
        return self._request("GET", f"/v1/events{query}")["data"]

    def charges(self) -> list[dict[str, Any]]:
        """Every charge the emulator holds, all pages."""
        charges: list[dict[str, Any]] = []
        after = ""
        while True:
            page = self._request("GET", f"/v1/charges?limit=100{after}")
            charges += page["data"]
            if not page.get("has_more") or not page["data"]:
                return charges
            after = f"&starting_after={page['data'][-1]['id']}"

    def payment_intent(self, intent_id: str) -> dict[str, Any]:
        return self._request("GET", f"/v1/payment_intents/{intent_id}")

    def confirm_with_card(self, intent: dict[str, Any], number: str, publishable_key: str) -> int:
        """What Stripe.js does in the browser: confirm the intent with a card. Returns the status."""
        body = {
            "key": publishable_key,
            "client_secret": intent["client_secret"],
            "payment_method_data": {
                "type": "card",
                "card": {"number": number, "exp_month": "12", "exp_year": "2034", "cvc": "123"},
            },
        }
        req = urllib.request.Request(
            f"{self.url}/v1/payment_intents/{intent['id']}/confirm",
            data=json.dumps(body).encode(),
            method="POST",
        )
        try:
            with urllib.request.urlopen(req, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:] if self.log_path.exists() else ""


@contextmanager
def running_emulator(log_path: Path, *, timeout: float = 30.0) -> Iterator[Emulator]:
    port = free_port()
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "devkit.stripe_emulator", "--port", str(port)],
            cwd=BASE_DIR, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    emulator = Emulator(url=f"http://127.0.0.1:{port}", process=process, log_path=log_path)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"Stripe emulator exited early:\n{emulator.log()}")
            try:
                urllib.request.urlopen(emulator.js_url, timeout=2).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise TimeoutError(
                        f"Stripe emulator not up after {timeout}s:\n{emulator.log()}"
                    )
                time.sleep(0.1)
        yield emulator
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)

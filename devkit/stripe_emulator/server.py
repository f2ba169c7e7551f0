"""Start localstripe with our fixes (see the package docstring)."""

from __future__ import annotations

import argparse
import logging
import pickle
import re
from pathlib import Path

from aiohttp import web
from localstripe import resources, server, webhooks
from localstripe.errors import UserError

log = logging.getLogger("devkit.stripe_emulator")

CONFIRM_JS = Path(__file__).with_name("confirm.js")
WEBHOOK_ID = "retrocel"
_CLIENT_CONFIRM = re.compile(r"^/v1/payment_intents/(pi_\w+)/confirm$")
_CANCEL = re.compile(r"^/v1/payment_intents/(pi_\w+)/cancel$")


def _use_store_file(path: Path | None) -> None:
    """Keep localstripe's pickled store in ``path`` (or only in memory) instead of /tmp."""

    def dump(store: resources.Store) -> None:
        if path is not None:
            tmp = path.with_suffix(".tmp")
            with tmp.open("wb") as f:
                pickle.dump(dict(store), f, protocol=pickle.HIGHEST_PROTOCOL)
            tmp.replace(path)

    def load(store: resources.Store) -> None:
        if path is not None and path.exists():
            with path.open("rb") as f:
                dict.update(store, pickle.load(f))

    resources.Store.dump_to_disk = dump
    resources.Store.try_load_from_disk = load


def _emit_refund_events() -> None:
    """Stripe sends ``charge.refunded`` (the charge, with ``amount_refunded``) for every refund."""
    original = resources.Refund.__init__

    def __init__(self: resources.Refund, *args: object, **kwargs: object) -> None:
        original(self, *args, **kwargs)
        charge = resources.Charge._api_retrieve(self.charge)
        webhooks.schedule_webhook(resources.Event("charge.refunded", charge))

    resources.Refund.__init__ = __init__


def _client_confirm(pi_id: str, data: dict) -> resources.PaymentIntent:
    """What Stripe.js's ``confirmCardPayment`` asks of Stripe: publishable key, secret, card."""
    key = data.get("key")
    if not (isinstance(key, str) and key.startswith("pk_")):
        raise UserError(401, "Unauthorized")
    intent = resources.PaymentIntent._api_retrieve(pi_id)
    if data.get("client_secret") != intent.client_secret:
        raise UserError(401, "Unauthorized")
    if intent.status not in ("requires_payment_method", "requires_confirmation"):
        raise UserError(
            400,
            f"This PaymentIntent's status is {intent.status}; it cannot be confirmed.",
            {"code": "payment_intent_unexpected_state"},
        )
    method_data = data.get("payment_method_data") or {}
    try:
        method = resources.PaymentMethod(
            type="card",
            card=method_data.get("card"),
            billing_details=method_data.get("billing_details"),
        )
    except UserError:
        raise UserError(
            400, "Your card details are incomplete or invalid.", {"code": "incorrect_number"}
        )
    if intent.latest_charge is not None and intent.latest_charge.status == "failed":
        intent.latest_charge = None  # a new attempt after a decline, as Stripe allows
    intent.payment_method = method.id
    intent._confirm(on_failure_now=intent._report_failure)
    return intent


@web.middleware
async def fixes_middleware(request: web.Request, handler):  # type: ignore[no-untyped-def]
    if request.method == "GET" and request.path == "/js.stripe.com/v3/":
        original = (Path(server.__file__).parent / "localstripe-v3.js").read_text()
        return web.Response(
            text=original + "\n" + CONFIRM_JS.read_text(), content_type="application/javascript"
        )
    if request.method == "POST" and (match := _CLIENT_CONFIRM.match(request.path)):
        data = await server.get_post_data(request, remove_auth=False) or {}
        if isinstance(data.get("key"), str) and data["key"].startswith("pk_"):
            try:
                intent = _client_confirm(match.group(1), data)
            finally:
                resources.store.dump_to_disk()
            return server.json_response(intent._export())
    response = await handler(request)
    if (
        request.method == "POST"
        and response.status == 200
        and (match := _CANCEL.match(request.path))
    ):
        intent = resources.PaymentIntent._api_retrieve(match.group(1))
        webhooks.schedule_webhook(resources.Event("payment_intent.canceled", intent))
    return response


def build_app(*, store: Path | None, webhook_url: str | None, webhook_secret: str | None):
    _use_store_file(store)
    _emit_refund_events()
    # After localstripe's error middleware (so UserError becomes JSON), before its auth check.
    server.app.middlewares.insert(1, fixes_middleware)
    resources.store.try_load_from_disk()
    if webhook_url and webhook_secret:
        webhooks.register_webhook(WEBHOOK_ID, webhook_url, webhook_secret, None)
    return server.app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8420)
    parser.add_argument("--store", type=Path, help="persist the emulator's objects in this file")
    parser.add_argument("--webhook-url", help="our /stripe/webhook/ endpoint")
    parser.add_argument("--webhook-secret", help="the STRIPE_WEBHOOK_SECRET shared with us")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s emulator %(message)s")
    app = build_app(
        store=args.store, webhook_url=args.webhook_url, webhook_secret=args.webhook_secret
    )
    access = logging.getLogger("aiohttp.access")
    web.run_app(app, host=args.host, port=args.port, access_log=access, print=None)

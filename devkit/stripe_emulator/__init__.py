"""The local Stripe emulator for development and tests: localstripe plus three fixes.

``python -m devkit.stripe_emulator --port 8420 --webhook-url URL --webhook-secret SECRET``
starts localstripe (PyPI) on a loopback port, registers our webhook endpoint
with the shared secret, and patches the gaps that stop our real checkout
code from running against it unchanged:

1. **Client-side confirmation.** localstripe's Stripe.js stand-in implements
   ``confirmCardPayment`` only as a 3-D Secure prompt for an intent that the
   server already confirmed; its ``/v1/payment_intents/<id>/confirm`` refuses
   a publishable key and ``payment_method_data``. Real Stripe.js posts exactly
   that (publishable key + client secret + card), so we accept it here and
   append a ``confirmCardPayment`` that sends it (``confirm.js``).
   A failed card can be retried on the same intent, as on Stripe.
2. **Missing events.** Stripe sends ``charge.refunded`` when a refund is
   created and ``payment_intent.canceled`` on cancel; localstripe sends
   neither. We emit them with localstripe's own signed-webhook machinery.
3. **Shared state file.** localstripe pickles its whole store to
   ``/tmp/localstripe.pickle`` on every write, shared by every instance on
   the machine (parallel test processes). We point it at ``--store`` or
   keep it in memory only.

Only this package imports localstripe; it is a development dependency.
"""

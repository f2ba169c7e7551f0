/* Retrocel's addition to localstripe's Stripe.js stand-in (devkit/stripe_emulator/__init__.py).
 *
 * Stripe.confirmCardPayment(clientSecret, {payment_method: {card, billing_details}})
 * posts the card to /v1/payment_intents/<id>/confirm with the publishable key and
 * client secret, as real Stripe.js does. Only when the intent then needs 3-D Secure
 * does it fall back to localstripe's own prompt.
 */
(function () {
  const makeLocalStripe = Stripe;
  Stripe = (apiKey) => {
    const stripe = makeLocalStripe(apiKey);
    const threeDSecure = stripe.confirmCardPayment;
    stripe.confirmCardPayment = async (clientSecret, data) => {
      const pi = clientSecret.match(/^(pi_\w+)_secret_/)[1];
      const method = (data && data.payment_method) || {};
      const body = {key: apiKey, client_secret: clientSecret};
      if (method.card instanceof Element) {
        if (!method.card.value) {
          return {error: {type: 'validation_error', message: 'Your card number is incomplete.'}};
        }
        body.payment_method_data = {
          type: 'card',
          card: method.card.value.card,
          billing_details: method.billing_details || {},
        };
      }
      try {
        const response = await fetch(
          `${LOCALSTRIPE_BASE_API}/v1/payment_intents/${pi}/confirm`,
          {method: 'POST', body: JSON.stringify(body)});
        const res = await response.json().catch(() => ({}));
        if (response.status !== 200 || res.error) {
          return {error: res.error || {message: `HTTP ${response.status}`}};
        }
        if (res.status === 'requires_action') {
          return threeDSecure(clientSecret, data);
        }
        return {paymentIntent: res};
      } catch (err) {
        return {error: {message: String(err)}};
      }
    };
    return stripe;
  };
})();

// Payment step: Stripe.js (or the local emulator's stand-in) confirms the card in the browser.
// The server created the PaymentIntent for the order's exact total; this page only confirms it.
(function () {
  const form = document.getElementById('payment-form');
  if (!form || typeof Stripe === 'undefined') return;
  const stripe = Stripe(form.dataset.publishableKey);
  const card = stripe.elements().create('card');
  card.mount('#card-element');
  const button = document.getElementById('pay-button');
  const errors = document.getElementById('card-errors');

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    button.disabled = true;
    errors.hidden = true;
    const result = await stripe.confirmCardPayment(form.dataset.clientSecret, {
      payment_method: {
        card: card,
        billing_details: {name: form.dataset.name, email: form.dataset.email},
      },
    });
    if (result.error) {
      errors.textContent = result.error.message || 'Your card could not be charged.';
      errors.hidden = false;
      button.disabled = false;
      return;
    }
    // Paid or processing: the order page shows what Stripe's webhook decides.
    window.location.assign(form.dataset.returnUrl);
  });
})();

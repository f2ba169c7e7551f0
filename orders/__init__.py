"""Cart, Stripe checkout and webhooks, orders, print files and the vendor portal."""

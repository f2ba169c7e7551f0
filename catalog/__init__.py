"""Products, their print specs, variants and prices, mockups and product pages."""

"""Uploads, curated styles, styling jobs and designs (a styled image on a product)."""

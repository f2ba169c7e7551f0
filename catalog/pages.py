"""Storefront pages: the product index and one page per product.

Pages own the words and the place in the site tree; the product, its
variants, prices and print specs stay plain models (``catalog.models``)
that the page references. Reads go through ``catalog.selectors`` so each
page costs a fixed number of queries however many products there are.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

RICH_TEXT_FEATURES = ["bold", "italic", "link", "h2", "h3", "ol", "ul"]


class ProductIndexPage(Page):
    """``/products/``: every live product page with its mockup and starting price."""

    intro = RichTextField(features=RICH_TEXT_FEATURES, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["shop.HomePage"]
    subpage_types = ["catalog.ProductPage"]
    max_count = 1

    class Meta:
        verbose_name = "product index page"

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from catalog import selectors

        context = super().get_context(request, *args, **kwargs)
        context["cards"] = selectors.product_cards(parent=self, request=request)
        return context


class ProductPage(Page):
    """``/products/<slug>/``: hero mockup, description, variants with prices, "design yours"."""

    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="pages")
    description = RichTextField(features=RICH_TEXT_FEATURES, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("product"), FieldPanel("description")]
    parent_page_types = ["catalog.ProductIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "product page"

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from catalog import selectors

        context = super().get_context(request, *args, **kwargs)
        context["offers"] = selectors.variant_offers(product_id=self.product_id)
        context["hero"] = next((o for o in context["offers"] if o.mockup_url), None)
        return context

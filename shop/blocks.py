"""The shared StreamField block library for Wagtail pages.

Blocks that show catalogue or style data ask the owning app for it through
``shop.featured`` so this module stays free of app imports and the page keeps
rendering (with an empty state) before any product or style exists.
"""

from __future__ import annotations

from typing import Any

from wagtail import blocks

from shop import featured


class HeroBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120)
    text = blocks.TextBlock(required=False)
    button_label = blocks.CharBlock(max_length=40, required=False)
    button_url = blocks.CharBlock(
        max_length=200, required=False, help_text="A path such as /create/"
    )

    class Meta:
        template = "blocks/hero_block.html"
        icon = "image"


class FeaturedStylesBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120, default="Pick a look")
    limit = blocks.IntegerBlock(min_value=1, max_value=12, default=6)

    def get_context(self, value: Any, parent_context: dict | None = None) -> dict:
        context = super().get_context(value, parent_context)
        context["items"] = featured.styles(limit=value["limit"])
        return context

    class Meta:
        template = "blocks/featured_styles_block.html"
        icon = "pick"


class FeaturedProductsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120, default="Put it on something")
    limit = blocks.IntegerBlock(min_value=1, max_value=12, default=6)

    def get_context(self, value: Any, parent_context: dict | None = None) -> dict:
        context = super().get_context(value, parent_context)
        context["items"] = featured.products(limit=value["limit"])
        return context

    class Meta:
        template = "blocks/featured_products_block.html"
        icon = "list-ul"


class FeaturedDesignsBlock(blocks.StructBlock):
    """The newest designs shoppers published to the gallery."""

    heading = blocks.CharBlock(max_length=120, default="Fresh from the gallery")
    limit = blocks.IntegerBlock(min_value=1, max_value=12, default=6)

    def get_context(self, value: Any, parent_context: dict | None = None) -> dict:
        context = super().get_context(value, parent_context)
        context["items"] = featured.designs(limit=value["limit"])
        return context

    class Meta:
        template = "blocks/featured_designs_block.html"
        icon = "image"


class BodyBlock(blocks.StreamBlock):
    hero = HeroBlock()
    featured_styles = FeaturedStylesBlock()
    featured_products = FeaturedProductsBlock()
    featured_designs = FeaturedDesignsBlock()
    text = blocks.RichTextBlock(features=["bold", "italic", "link", "h2", "h3", "ol", "ul"])

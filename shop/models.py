"""The Wagtail home page, root of the site's page tree."""

from __future__ import annotations

from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page

from shop.blocks import BodyBlock


class HomePage(Page):
    """The storefront's landing page: hero, featured styles, featured products."""

    body = StreamField(BodyBlock(), blank=True, use_json_field=True)

    content_panels = [*Page.content_panels, FieldPanel("body")]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = "home page"

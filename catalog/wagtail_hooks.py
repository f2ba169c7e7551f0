"""Admin wiring: print specs, mockup templates, products and variants under one "Catalog" menu."""

from __future__ import annotations

from django.db import transaction
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from catalog.models import MockupTemplate, PrintSpec, Product, Variant


class PrintSpecViewSet(SnippetViewSet):
    model = PrintSpec
    icon = "crop"
    menu_label = "Print specs"
    list_display = [
        "name",
        "trim_width_mm",
        "trim_height_mm",
        "bleed_mm",
        "min_dpi",
        "recommended_dpi",
        "mockup",
    ]
    list_filter = ["mockup", "is_wrap"]
    search_fields = ["name"]
    panels = [
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("trim_width_mm"), FieldPanel("trim_height_mm")]),
        FieldRowPanel([FieldPanel("bleed_mm"), FieldPanel("safe_margin_mm")]),
        FieldRowPanel([FieldPanel("min_dpi"), FieldPanel("recommended_dpi")]),
        FieldRowPanel([FieldPanel("is_wrap"), FieldPanel("mockup"), FieldPanel("mockup_template")]),
        FieldPanel("masks"),
        FieldPanel("source"),
    ]


class MockupTemplateViewSet(SnippetViewSet):
    model = MockupTemplate
    icon = "image"
    menu_label = "Mockup templates"
    list_display = ["name", "kind"]
    panels = [
        FieldPanel("name"),
        FieldPanel("kind"),
        FieldPanel("image"),
        FieldPanel("overlay"),
        FieldPanel("geometry"),
        FieldPanel("source"),
    ]


class ProductViewSet(SnippetViewSet):
    model = Product
    icon = "tag"
    menu_label = "Products"
    list_display = ["title", "kind", "is_active", "sort_order"]
    list_filter = ["kind", "is_active"]
    search_fields = ["title", "summary"]
    panels = [
        MultiFieldPanel([FieldPanel("title"), FieldPanel("slug"), FieldPanel("kind")], "Product"),
        FieldPanel("summary"),
        FieldRowPanel([FieldPanel("is_active"), FieldPanel("sort_order")]),
    ]


class VariantViewSet(SnippetViewSet):
    model = Variant
    icon = "list-ul"
    menu_label = "Variants and prices"
    list_display = ["__str__", "sku", "price_display", "is_active"]
    list_filter = ["product", "is_active"]
    search_fields = ["sku", "name"]
    panels = [
        FieldPanel("product"),
        FieldRowPanel([FieldPanel("name"), FieldPanel("sku")]),
        FieldPanel("print_spec"),
        FieldRowPanel([FieldPanel("price_minor"), FieldPanel("currency")]),
        FieldRowPanel([FieldPanel("is_active"), FieldPanel("sort_order")]),
    ]


class CatalogGroup(SnippetViewSetGroup):
    menu_label = "Catalog"
    menu_icon = "tag"
    menu_order = 210
    items = (ProductViewSet, VariantViewSet, PrintSpecViewSet, MockupTemplateViewSet)


register_snippet(CatalogGroup)


def _variants_touched_by(instance: object) -> list[int] | None:
    if isinstance(instance, Variant):
        return [instance.pk]
    if isinstance(instance, PrintSpec):
        return list(instance.variants.values_list("pk", flat=True))
    if isinstance(instance, MockupTemplate):
        return list(
            Variant.objects.filter(print_spec__mockup_template=instance).values_list(
                "pk", flat=True
            )
        )
    return None


@hooks.register("after_create_snippet")
@hooks.register("after_edit_snippet")
def refresh_mockups_after_edit(request: object, instance: object) -> None:
    """An edited spec, template or variant gets fresh mockups from the worker."""
    variant_ids = _variants_touched_by(instance)
    if variant_ids:
        from catalog.tasks import refresh_mockups

        transaction.on_commit(lambda: refresh_mockups.delay(variant_ids))

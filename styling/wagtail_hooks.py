"""Admin wiring for curated styles: a snippet with preview, revisions and ml-verified uploads."""

from __future__ import annotations

from typing import Any

from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList, Panel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from styling.admin_forms import StyleAdminForm
from styling.models import Style


class SamplesPanel(Panel):
    """The style's before/after samples and their generation status."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "styling/admin/samples_panel.html"

        class Media:
            # A stylesheet rather than style attributes: the site's CSP keeps to files.
            css = {"all": ["styling/admin/samples.css"]}

        def get_context_data(self, parent_context: Any = None) -> dict[str, Any]:
            context = super().get_context_data(parent_context)
            style = self.instance
            context["style"] = style
            context["samples"] = list(style.samples.all()) if style.pk else []
            return context


class PalettePanel(Panel):
    """The palette source's colours and the samples' palette, as swatches."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "styling/admin/palette_panel.html"

        def get_context_data(self, parent_context: Any = None) -> dict[str, Any]:
            context = super().get_context_data(parent_context)
            context["source_palette"] = self.instance.source_palette or []
            context["samples_palette"] = self.instance.palette or []
            return context


class StyleViewSet(SnippetViewSet):
    model = Style
    icon = "pick"
    menu_label = "Styles"
    menu_order = 220
    add_to_admin_menu = True
    list_display = ["name", "kind", "is_enabled", "commercial_use_allowed", "samples_status"]
    list_filter = ["kind", "is_enabled", "commercial_use_allowed"]
    search_fields = ["name", "summary"]
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [FieldPanel("name"), FieldPanel("slug"), FieldPanel("summary")], "Style"
            ),
            MultiFieldPanel(
                [
                    FieldPanel("kind"),
                    FieldRowPanel([FieldPanel("architecture"), FieldPanel("builtin")]),
                    FieldPanel("weights"),
                    FieldPanel("reference_image"),
                    FieldPanel("params"),
                ],
                "Source (verified by loading it when you save)",
            ),
            MultiFieldPanel(
                [
                    FieldPanel("provenance"),
                    FieldPanel("licence"),
                    FieldPanel("commercial_use_allowed"),
                ],
                "Provenance and licence",
            ),
            MultiFieldPanel(
                [
                    FieldPanel("palette_source"),
                    FieldPanel("palette_source_provenance"),
                    FieldPanel("palette_source_licence"),
                    PalettePanel(heading="Palette"),
                ],
                "Palette from a still (built-in styles: the paint takes its colours)",
            ),
            FieldRowPanel([FieldPanel("is_enabled"), FieldPanel("sort_order")]),
            SamplesPanel(heading="Samples"),
        ],
        base_form_class=StyleAdminForm,
    )


register_snippet(StyleViewSet)

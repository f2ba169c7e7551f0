"""Wagtail moderation of the gallery: entries (hide/unhide, report counts) and the reports.

Hiding goes through ``showcase.services.hide`` (which e-mails the owner once), not a plain
field save, so the edit view below overrides ``save_instance``.
"""

from __future__ import annotations

from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, HelpPanel
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.generic import EditView, IndexView
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from showcase import services
from showcase.models import Entry, Report


class NoAddPolicy(ModelPermissionPolicy):
    """Shoppers create entries and reports; moderators only review and change them."""

    def user_has_permission(self, user, action):  # type: ignore[no-untyped-def]
        if action == "add":
            return False
        return super().user_has_permission(user, action)


class ReadOnlyPolicy(ModelPermissionPolicy):
    def user_has_permission(self, user, action):  # type: ignore[no-untyped-def]
        if action in ("add", "change"):
            return False
        return super().user_has_permission(user, action)


register_permission_policy(Entry, NoAddPolicy(Entry))
register_permission_policy(Report, ReadOnlyPolicy(Report))


class ShareLinkColumn(Column):
    def get_value(self, instance: Entry) -> str:
        url = reverse("showcase:entry", args=[instance.pk])
        return format_html('<a href="{}" target="_blank" rel="noopener">Open</a>', url)


class EntryIndexView(IndexView):
    def get_base_queryset(self):  # type: ignore[no-untyped-def]
        return (
            super()
            .get_base_queryset()
            .select_related("owner", "style")
            .annotate(report_count=Count("reports"))
        )


class EntryEditView(EditView):
    def save_instance(self):  # type: ignore[no-untyped-def]
        entry = self.form.instance
        note = self.form.cleaned_data.get("moderation_note", "")
        if self.form.cleaned_data.get("is_hidden"):
            if not services.hide(entry=entry, note=note):
                Entry.objects.filter(pk=entry.pk).update(moderation_note=note)
        else:
            services.unhide(entry=entry)
            Entry.objects.filter(pk=entry.pk).update(moderation_note=note)
        entry.refresh_from_db()
        return entry


class EntryViewSet(ModelViewSet):
    model = Entry
    name = "gallery_entries"
    url_prefix = "gallery/entries"
    icon = "image"
    menu_label = "Gallery entries"
    index_view_class = EntryIndexView
    edit_view_class = EntryEditView
    copy_view_enabled = False
    inspect_view_enabled = True
    panels = [
        HelpPanel(heading="The entry and its reports", template="showcase/admin/entry_panel.html"),
        FieldPanel("is_hidden"),
        FieldPanel("moderation_note"),
    ]
    list_display = [
        "title",
        Column("kind_label", label="Kind"),
        "owner",
        "style",
        Column("report_count", label="Reports", sort_key="report_count"),
        "is_published",
        "is_hidden",
        ShareLinkColumn("share", label="Page"),
        DateColumn("published_at", label="Published"),
    ]
    list_filter = ["is_hidden", "is_published", "style"]
    search_fields = ["title", "caption"]


class ReportViewSet(ModelViewSet):
    model = Report
    name = "gallery_reports"
    url_prefix = "gallery/reports"
    icon = "warning"
    menu_label = "Reports"
    copy_view_enabled = False
    form_fields = ["reason"]  # required by ModelViewSet; the policy refuses changes
    list_display = [
        "entry",
        "reason",
        "details",
        "reporter",
        DateColumn("created_at", label="When"),
    ]
    list_filter = ["reason"]


class GalleryGroup(ModelViewSetGroup):
    menu_label = "Gallery"
    menu_icon = "image"
    menu_order = 230
    items = (EntryViewSet, ReportViewSet)


@hooks.register("register_admin_viewset")
def register_viewsets() -> GalleryGroup:
    return GalleryGroup()

"""Wagtail admin of printing: vendors, product routing, the order inspector's print files."""

from __future__ import annotations

from django.contrib.auth.models import Permission
from django.urls import path
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from orders.admin_views import INSPECT_SECTIONS_HOOK
from printing.admin_views import order_section, rerender_view
from printing.models import ProductRoute, Vendor


class VendorViewSet(ModelViewSet):
    model = Vendor
    icon = "group"
    menu_label = "Vendors"
    form_fields = ["name", "slug", "email", "users", "is_active"]
    list_display = ["name", "email", "is_active"]
    search_fields = ["name", "email"]


class ProductRouteViewSet(ModelViewSet):
    model = ProductRoute
    icon = "redirect"
    menu_label = "Product routing"
    form_fields = ["product", "vendor"]
    list_display = ["product", "vendor"]


class PrintingGroup(ModelViewSetGroup):
    menu_label = "Printing"
    menu_icon = "doc-full"
    menu_order = 220
    items = (VendorViewSet, ProductRouteViewSet)


@hooks.register("register_admin_viewset")
def register_viewsets() -> PrintingGroup:
    return PrintingGroup()


hooks.register(INSPECT_SECTIONS_HOOK, order_section)


@hooks.register("register_admin_urls")
def register_urls():  # type: ignore[no-untyped-def]
    return [
        path("printing/orders/<int:pk>/rerender/", rerender_view, name="printing_rerender"),
    ]


@hooks.register("register_permissions")
def register_permissions():  # type: ignore[no-untyped-def]
    """Lets the Wagtail group editor grant re-render (``printing.change_printfile``)."""
    return Permission.objects.filter(
        content_type__app_label="printing", codename="change_printfile"
    )

"""Wagtail admin of printing: print vendors and product routing."""

from __future__ import annotations

from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from orders.models import ProductRoute, Vendor


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

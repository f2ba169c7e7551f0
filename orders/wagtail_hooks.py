"""Wagtail admin: orders (filters, search, inspector, refunds) and shipping rates.

Vendors and product routing are printing's (``printing.wagtail_hooks``).
"""

from __future__ import annotations

from django.urls import path
from wagtail import hooks
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from catalog.models import format_money
from orders.admin_views import OrderInspectView, refund_view
from orders.models import Order, ShippingRate


class OrderPermissionPolicy(ModelPermissionPolicy):
    """Checkout creates orders and the state machine changes them: the admin views and refunds."""

    def user_has_permission(self, user, action):  # type: ignore[no-untyped-def]
        if action in ("add", "change", "delete"):
            return False
        if action == "view":
            return user.has_perm("orders.view_order") or user.has_perm("orders.change_order")
        return super().user_has_permission(user, action)


register_permission_policy(Order, OrderPermissionPolicy(Order))


class TotalColumn(Column):
    def get_value(self, instance: Order) -> str:
        return format_money(instance.total_minor, instance.currency)


class OrderViewSet(ModelViewSet):
    model = Order
    name = "orders_order"
    url_prefix = "orders"
    icon = "form"
    menu_label = "Orders"
    inspect_view_enabled = True
    inspect_view_class = OrderInspectView
    copy_view_enabled = False
    # Required by ModelViewSet; never used: the permission policy refuses add/change/delete.
    form_fields = ["email"]
    list_display = [
        "number",
        "email",
        "ship_name",
        "status",
        TotalColumn("total", label="Total"),
        DateColumn("created_at", label="Placed"),
    ]
    list_filter = ["status", "currency", "shipping_rate", "created_at"]
    search_fields = ["number", "email", "ship_name", "payment_intent_id"]
    list_per_page = 50

    def get_urlpatterns(self):  # type: ignore[no-untyped-def]
        return [
            *super().get_urlpatterns(),
            path("refund/<int:pk>/", refund_view, name="refund"),
        ]


class ShippingRateViewSet(ModelViewSet):
    model = ShippingRate
    icon = "site"
    menu_label = "Shipping rates"
    form_fields = [
        "code",
        "name",
        "amount_minor",
        "currency",
        "countries",
        "is_active",
        "sort_order",
    ]
    list_display = ["name", "code", "countries", "amount_minor", "currency", "is_active"]


class ShopOrdersGroup(ModelViewSetGroup):
    menu_label = "Shop orders"
    menu_icon = "form"
    menu_order = 210
    items = (OrderViewSet, ShippingRateViewSet)


@hooks.register("register_admin_viewset")
def register_viewsets() -> ShopOrdersGroup:
    return ShopOrdersGroup()

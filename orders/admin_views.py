"""Wagtail admin views for orders: the order inspector (lines, audit trail) and refunds.

Other apps add sections to the inspector through the Wagtail hook
``INSPECT_SECTIONS_HOOK`` (printing shows print files and re-render there),
so orders never imports them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from wagtail import hooks
from wagtail.admin.views.generic import InspectView

from catalog.models import format_money
from orders import links, services
from orders.exceptions import RefundNotAllowed
from orders.models import Order

REFUND_PERMISSION = "orders.change_order"
# Functions (request, order) -> InspectorSection | None, registered with ``hooks.register``.
INSPECT_SECTIONS_HOOK = "orders_order_inspect_sections"


@dataclass(frozen=True)
class InspectorSection:
    """A block another app renders into the order inspector, below the lines."""

    template_name: str
    context: Mapping[str, object] = field(default_factory=dict)


def inspector_sections(request, order: Order) -> list[InspectorSection]:  # type: ignore[no-untyped-def]
    sections = (fn(request, order) for fn in hooks.get_hooks(INSPECT_SECTIONS_HOOK))
    return [section for section in sections if section is not None]


class RefundForm(forms.Form):
    amount = forms.DecimalField(
        min_value=Decimal("0.01"),
        max_digits=10,
        decimal_places=2,
        help_text="In the order's currency, e.g. 10.00. The full remaining amount is filled in.",
    )
    reason = forms.CharField(max_length=200, required=False)


def _money(order: Order) -> dict[str, str]:
    return {
        name: format_money(getattr(order, f"{name}_minor"), order.currency)
        for name in ("subtotal", "shipping", "total", "refunded", "refundable")
    }


class OrderInspectView(InspectView):
    template_name = "orders/admin/order_inspect.html"

    def get_context_data(self, **kwargs: object) -> dict[str, object]:
        context = super().get_context_data(**kwargs)
        order = self.object
        context.update(
            order=order,
            lines=order.lines.all(),
            sections=inspector_sections(self.request, order),
            events=order.events.select_related("actor", "line"),
            money=_money(order),
            shopper_url=links.order_path(order),
            refund_url=reverse("orders_order:refund", args=[order.pk])
            if order.status in services.REFUNDABLE and self.request.user.has_perm(REFUND_PERMISSION)
            else None,
        )
        return context


def refund_view(request, pk: int):  # type: ignore[no-untyped-def]
    """Ask Stripe for a partial or full refund; the order changes when the webhook confirms it."""
    if not request.user.has_perm(REFUND_PERMISSION):
        raise PermissionDenied
    order = get_object_or_404(Order, pk=pk)
    inspect_url = reverse("orders_order:inspect", args=[order.pk])
    initial = {"amount": Decimal(order.refundable_minor) / 100}
    form = RefundForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        amount_minor = int(form.cleaned_data["amount"] * 100)
        try:
            services.refund(
                order=order,
                amount_minor=amount_minor,
                actor=request.user,
                reason=form.cleaned_data["reason"],
            )
        except RefundNotAllowed as exc:
            form.add_error("amount", str(exc))
        else:
            messages.success(
                request,
                f"Refund of {format_money(amount_minor, order.currency)} sent to Stripe. "
                "The order shows it once Stripe confirms (charge.refunded).",
            )
            return redirect(inspect_url)
    return TemplateResponse(
        request,
        "orders/admin/order_refund.html",
        {"order": order, "form": form, "money": _money(order), "inspect_url": inspect_url},
    )

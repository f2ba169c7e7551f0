"""Thin views: validate, call one service, turn domain errors into messages."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from catalog.models import format_money
from orders import cart as carts
from orders import links, selectors, services, stripe_gateway, webhooks
from orders.csp import allows_stripe_js
from orders.exceptions import DesignNotOrderable, OrdersError
from orders.forms import AddToCartForm, CheckoutForm, QuantityForm
from orders.models import Order, OrderStatus
from orders.rules import check_orderable
from styling.models import Design

log = logging.getLogger(__name__)
CHECKOUT_SESSION_KEY = "retrocel_checkout_order"


def _session_key(request: HttpRequest) -> str:
    if not request.session.session_key:
        request.session.save()
    return request.session.session_key  # type: ignore[return-value]


def _designs(request: HttpRequest):  # type: ignore[no-untyped-def]
    return selectors.designs_for_owner(session_key=request.session.session_key, user=request.user)


def _summary(request: HttpRequest) -> carts.CartSummary:
    return carts.price(carts.Cart(request.session).items, _designs(request))


@require_GET
def cart_detail(request: HttpRequest) -> HttpResponse:
    return render(request, "orders/cart.html", {"cart": _summary(request)})


@require_POST
def cart_add(request: HttpRequest) -> HttpResponse:
    form = AddToCartForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("orders:cart")
    design = _designs(request).filter(pk=form.cleaned_data["design"]).first()
    if design is None:
        messages.error(request, "That design is not yours, or it no longer exists.")
        return redirect("orders:cart")
    add_design(request, design, form.cleaned_data["quantity"])
    return redirect("orders:cart")


def add_design(
    request: HttpRequest, design: Design, quantity: int, *, refused: str = "{reason}"
) -> bool:
    """The one "add to cart": check the design can be bought, add it, tell the shopper.

    Used by the cart's form and by the placement editor's "Add to cart" (through
    :func:`design_added`); ``refused`` words the message when the design cannot be bought.
    """
    try:
        check_orderable(design, currency=settings.SHOP_CURRENCY)
    except DesignNotOrderable as exc:
        messages.error(request, refused.format(reason=exc))
        return False
    _session_key(request)
    count = carts.Cart(request.session).add(design, quantity)
    messages.success(request, f"Added to your cart ({count} × {design.variant}).")
    return True


def design_added(request: HttpRequest, design: Design) -> str | None:
    """``styling.hooks.design_added`` receiver: a design saved by "Add to cart" goes in the cart.

    ``OrdersConfig.ready`` registers it (styling may not import orders); the design is
    saved either way, so a refusal says so.
    """
    refused = "Saved to your designs, but not added to the cart: {reason}"
    if add_design(request, design, 1, refused=refused):
        return reverse("orders:cart")
    return None


@require_POST
def cart_update(request: HttpRequest, design_id) -> HttpResponse:  # type: ignore[no-untyped-def]
    form = QuantityForm(request.POST)
    if form.is_valid():
        carts.Cart(request.session).set_quantity(str(design_id), form.cleaned_data["quantity"])
        messages.success(request, "Quantity updated.")
    else:
        messages.error(request, " ".join(form.errors["quantity"]))
    return redirect("orders:cart")


@require_POST
def cart_remove(request: HttpRequest, design_id) -> HttpResponse:  # type: ignore[no-untyped-def]
    if carts.Cart(request.session).remove(str(design_id)):
        messages.success(request, "Removed from your cart.")
    return redirect("orders:cart")


@require_http_methods(["GET", "POST"])
def checkout(request: HttpRequest) -> HttpResponse:
    summary = _summary(request)
    if summary.is_empty:
        messages.info(request, "Your cart is empty.")
        return redirect("orders:cart")
    initial = {"email": getattr(request.user, "email", "")}
    form = CheckoutForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            order = services.start_checkout(
                cart=summary,
                details=services.ShippingDetails(**data),
                session_key=_session_key(request),
                user=request.user,
                previous_order_id=request.session.get(CHECKOUT_SESSION_KEY),
                cart_revision=carts.Cart(request.session).revision,
            )
        except OrdersError as exc:
            form.add_error(None, str(exc))
        else:
            request.session[CHECKOUT_SESSION_KEY] = order.pk
            return redirect("orders:pay", token=order.token)
    return render(request, "orders/checkout.html", {"form": form, "cart": summary})


def _own_order(request: HttpRequest, token) -> Order:  # type: ignore[no-untyped-def]
    order = selectors.order_for_session(token=token, session_key=request.session.session_key)
    if order is None:
        raise Http404("No such order in this browser.")
    return order


@require_GET
@allows_stripe_js
def pay(request: HttpRequest, token) -> HttpResponse:  # type: ignore[no-untyped-def]
    order = _own_order(request, token)
    if order.status not in services.PAYABLE:
        return redirect(links.order_path(order))
    try:
        session = services.payment_session(order)
    except OrdersError as exc:
        messages.error(request, str(exc))
        return redirect(links.order_path(order))
    except stripe_gateway.GatewayError as exc:
        log.warning("order %s: payment session failed: %s", order.number, exc)
        return render(
            request, "orders/pay_unavailable.html", {"order": order, "error": str(exc)}, status=503
        )
    return render(
        request,
        "orders/pay.html",
        {
            "order": order,
            "session": session,
            "lines": order.lines.all(),
            "money": _money(order),
            "last_error": order.events.filter(to_status=OrderStatus.FAILED).last(),
        },
    )


@require_GET
def checkout_done(request: HttpRequest, token) -> HttpResponse:  # type: ignore[no-untyped-def]
    """Stripe.js confirmed the card: empty the cart and show the order (processing until the webhook)."""
    order = _own_order(request, token)
    carts.Cart(request.session).clear()
    request.session.pop(CHECKOUT_SESSION_KEY, None)
    return redirect(links.order_path(order))


def _money(order: Order) -> dict[str, str]:
    return {
        name: format_money(getattr(order, f"{name}_minor"), order.currency)
        for name in ("subtotal", "shipping", "total", "refunded")
    }


@require_GET
def order_detail(request: HttpRequest, token) -> HttpResponse:  # type: ignore[no-untyped-def]
    order = get_object_or_404(Order.objects.prefetch_related("lines"), token=token)
    user = request.user
    allowed = (
        links.is_valid(order, request.GET.get("key"))
        or (order.owner_session and order.owner_session == request.session.session_key)
        or (user.is_authenticated and (order.user_id == user.pk or user.is_staff))
    )
    if not allowed:
        raise Http404("No such order.")
    return render(
        request,
        "orders/order_detail.html",
        {
            "order": order,
            "lines": [
                {
                    "line": line,
                    "unit": format_money(line.unit_price_minor, order.currency),
                    "total": format_money(line.total_minor, order.currency),
                }
                for line in order.lines.all()
            ],
            "money": _money(order),
            "processing": order.status == OrderStatus.PENDING_PAYMENT,
            "can_retry": order.status == OrderStatus.FAILED
            and order.owner_session == request.session.session_key,
        },
    )


@login_required
@require_GET
def my_orders(request: HttpRequest) -> HttpResponse:
    orders = [
        {"order": order, "total": format_money(order.total_minor, order.currency)}
        for order in selectors.orders_for_user(request.user)
    ]
    return render(request, "orders/my_orders.html", {"orders": orders})


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    try:
        outcome = webhooks.receive(request.body, request.headers.get("Stripe-Signature"))
    except webhooks.InvalidWebhook as exc:
        log.warning("rejected Stripe webhook: %s", exc)
        return JsonResponse({"error": str(exc)}, status=400)
    return JsonResponse({"outcome": outcome})

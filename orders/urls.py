from __future__ import annotations

from django.urls import path

from orders import views

app_name = "orders"

urlpatterns = [
    path("cart/", views.cart_detail, name="cart"),
    path("cart/add/", views.cart_add, name="cart-add"),
    path("cart/<uuid:design_id>/quantity/", views.cart_update, name="cart-update"),
    path("cart/<uuid:design_id>/remove/", views.cart_remove, name="cart-remove"),
    path("checkout/", views.checkout, name="checkout"),
    path("checkout/<uuid:token>/pay/", views.pay, name="pay"),
    path("checkout/<uuid:token>/done/", views.checkout_done, name="checkout-done"),
    path("orders/", views.my_orders, name="my-orders"),
    path("orders/<uuid:token>/", views.order_detail, name="order"),
    path("stripe/webhook/", views.stripe_webhook, name="stripe-webhook"),
]

from __future__ import annotations

from django.urls import path

from printing.portal import views

app_name = "vendor_portal"

urlpatterns = [
    path("", views.order_list, name="orders"),
    path("orders/<str:number>/", views.order_detail, name="order"),
    path("orders/<str:number>/files.zip", views.order_zip, name="order-zip"),
    path("orders/<str:number>/lines/<int:line_id>/print.pdf", views.line_pdf, name="line-pdf"),
    path("orders/<str:number>/lines/<int:line_id>/status/", views.line_status, name="line-status"),
]

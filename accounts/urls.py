"""The shopper's account pages; allauth's sign-in, sign-up and e-mail pages share /accounts/."""

from __future__ import annotations

from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.home, name="home"),
    path("my-data.zip", views.data_zip, name="data"),
    path("delete/", views.delete, name="delete"),
    path("signed-out/", views.signed_out, name="signed-out"),
]

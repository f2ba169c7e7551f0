"""A URLconf whose one view raises, to render the real 500 page in tests."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("boom")


urlpatterns = [path("boom/", boom)]
handler500 = "shop.views.server_error"

"""Site URLs: Wagtail admin at /cms/, app URL spaces, then Wagtail's page serving."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from django.views.static import serve
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

urlpatterns = [
    path("cms/", include(wagtailadmin_urls)),
    path("django-admin/", admin.site.urls),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("create/", include("styling.urls")),
    path("vendor/", include("printing.portal.urls")),
]

if settings.SERVE_MEDIA:
    # Public media only (product mockups, style samples). Private media never lives under
    # MEDIA_ROOT and is served by views that check ownership.
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    ]

urlpatterns += [
    path("", include("orders.urls")),
    path("", include(wagtail_urls)),
]

handler404 = "shop.views.page_not_found"
handler500 = "shop.views.server_error"

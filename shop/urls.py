"""Site URLs: Wagtail admin at /cms/, app URL spaces, then Wagtail's page serving."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from shop.views import public_media

urlpatterns = [
    # Browsers ask for /favicon.ico whatever the page says.
    path("favicon.ico", RedirectView.as_view(url=f"{settings.STATIC_URL}favicon.svg")),
    path("cms/", include(wagtailadmin_urls)),
    path("django-admin/", admin.site.urls),
    path("documents/", include(wagtaildocs_urls)),
    # The account page first; then allauth: login/, logout/, signup/, confirm-email/,
    # password/change/, password/reset/, email/ (change address).
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("gallery/", include("showcase.urls")),
    path("create/", include("styling.urls")),
    path("vendor/", include("printing.portal.urls")),
]

if settings.SERVE_MEDIA:
    # Public media only (product mockups, style samples), streamed from the public store
    # (filesystem or bucket). Private media lives in another store and is served only by
    # views that check ownership.
    urlpatterns += [re_path(r"^media/(?P<path>.*)$", public_media, name="public-media")]

urlpatterns += [
    path("", include("orders.urls")),
    path("", include(wagtail_urls)),
]

handler400 = "shop.views.bad_request"
handler404 = "shop.views.page_not_found"
handler500 = "shop.views.server_error"

"""The public gallery, mounted at ``/gallery/``."""

from __future__ import annotations

from django.urls import path

from showcase import views

app_name = "showcase"

urlpatterns = [
    path("", views.gallery, name="gallery"),
    path("publish/<uuid:design_id>/", views.publish, name="publish"),
    path("publish/clip/<uuid:job_id>/", views.publish_clip, name="publish_clip"),
    path("<uuid:pk>/", views.entry_detail, name="entry"),
    path("<uuid:pk>/image.png", views.entry_image, name="image"),
    path("<uuid:pk>/mockup.png", views.entry_mockup, name="mockup"),
    path("<uuid:pk>/clip.mp4", views.entry_video, name="video"),
    path("<uuid:pk>/wallpaper/<slug:preset>.jpg", views.entry_wallpaper, name="wallpaper"),
    path("<uuid:pk>/like/", views.like, name="like"),
    path("<uuid:pk>/report/", views.report, name="report"),
    path("<uuid:pk>/unpublish/", views.unpublish, name="unpublish"),
]

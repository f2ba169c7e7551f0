"""The shopper's styling journey, mounted at ``/create/``."""

from __future__ import annotations

from django.urls import path

from styling import clip_views, views

app_name = "styling"

urlpatterns = [
    path("", views.upload, name="upload"),
    path("uploads/<uuid:pk>/", views.choose_style, name="choose_style"),
    path("uploads/<uuid:pk>/photo.png", views.upload_image, name="upload_image"),
    path("uploads/<uuid:pk>/original", views.upload_original, name="upload_original"),
    path("jobs/<uuid:pk>/", views.job_detail, name="job"),
    path("jobs/<uuid:pk>/progress/", views.job_progress, name="job_progress"),
    path("jobs/<uuid:pk>/result.png", views.job_result, name="job_result"),
    path("jobs/<uuid:pk>/download.<str:fmt>", views.job_download, name="job_download"),
    path("uploads/<uuid:pk>/before.mp4", clip_views.clip_before, name="clip_before"),
    path("jobs/<uuid:pk>/clip.<str:fmt>", clip_views.clip_file, name="clip_file"),
    path("jobs/<uuid:pk>/frames/<int:index>.png", clip_views.clip_frame, name="clip_frame"),
    path("jobs/<uuid:pk>/frames/pick/", clip_views.pick_frame, name="pick_frame"),
    path("jobs/<uuid:pk>/place/", views.place, name="place"),
    path("jobs/<uuid:pk>/place/preview.png", views.place_preview, name="place_preview"),
    path("jobs/<uuid:pk>/place/quality/", views.place_quality, name="place_quality"),
    path("designs/", views.designs, name="designs"),
    path("designs/<uuid:pk>/", views.design_detail, name="design"),
    path("designs/<uuid:pk>/mockup.png", views.design_mockup, name="design_mockup"),
]

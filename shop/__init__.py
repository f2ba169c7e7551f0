"""The Django project: settings, URLs, the Celery app and the Wagtail home page."""

from shop.celery import app as celery_app

__all__ = ("celery_app",)

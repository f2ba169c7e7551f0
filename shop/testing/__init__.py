"""Test support shared by every app: the pytest plugin and the real Celery worker."""

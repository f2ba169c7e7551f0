from django.apps import AppConfig


class StylingConfig(AppConfig):
    name = "styling"

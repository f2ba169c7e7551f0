from django.apps import AppConfig


class StylingConfig(AppConfig):
    name = "styling"

    def ready(self) -> None:
        from shop import featured
        from styling import gallery

        featured.register("styles", gallery.featured_styles)

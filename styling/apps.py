from django.apps import AppConfig


class StylingConfig(AppConfig):
    name = "styling"

    def import_models(self) -> None:
        """Register the page model of ``pages.py`` with the others, while Django imports models.

        ``models.py`` does not import it (the page reads the gallery, which reads the models:
        importing it from ``models.py`` made a circle).
        """
        super().import_models()
        import styling.pages  # noqa: F401

    def ready(self) -> None:
        from shop import featured
        from styling import gallery

        featured.register("styles", gallery.featured_styles)

        from django.contrib.auth.signals import user_logged_in

        from styling.uploads import adopt_on_login

        user_logged_in.connect(adopt_on_login, dispatch_uid="styling.adopt_on_login")

from django.apps import AppConfig


class StylingConfig(AppConfig):
    name = "styling"

    def ready(self) -> None:
        from shop import featured
        from styling import gallery

        featured.register("styles", gallery.featured_styles)

        from django.contrib.auth.signals import user_logged_in

        from styling.services import adopt_on_login

        user_logged_in.connect(adopt_on_login, dispatch_uid="styling.adopt_on_login")

from django.apps import AppConfig


class ShowcaseConfig(AppConfig):
    """The public gallery at /gallery/ ("showcase", so it is not confused with styling.gallery,
    the gallery of *styles* at /styles/)."""

    name = "showcase"
    verbose_name = "Public gallery"

    def ready(self) -> None:
        from shop import featured
        from showcase import selectors, views
        from styling import hooks

        featured.register("designs", selectors.recent_public)
        hooks.on_clip_result(views.clip_result_links)

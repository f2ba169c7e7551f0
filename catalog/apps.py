from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "catalog"

    def import_models(self) -> None:
        """Register the page models of ``pages.py`` with the others, while Django imports models.

        ``models.py`` does not import them: the pages read ``selectors``, which read the
        models, so an import at the bottom of ``models.py`` was a circle kept apart only by
        its position (as in ``styling``).
        """
        super().import_models()
        import catalog.pages  # noqa: F401

    def ready(self) -> None:
        from catalog import selectors
        from shop import featured

        featured.register("products", selectors.featured_products)

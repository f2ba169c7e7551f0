from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "catalog"

    def ready(self) -> None:
        from catalog import selectors
        from shop import featured

        featured.register("products", selectors.featured_products)

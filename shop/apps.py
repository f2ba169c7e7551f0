from django.apps import AppConfig


class ShopConfig(AppConfig):
    name = "shop"
    verbose_name = "Retrocel site"

    def ready(self) -> None:
        from shop.pagecache import invalidation

        invalidation.connect()

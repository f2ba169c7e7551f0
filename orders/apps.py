from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "orders"

    def ready(self) -> None:
        from orders.views import design_added
        from styling import hooks

        hooks.on_design_added(design_added)

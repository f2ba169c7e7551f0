from django.apps import AppConfig


class PrintingConfig(AppConfig):
    """Print files, vendors, routing and the vendor portal; depends on orders, never the reverse."""

    name = "printing"

    def ready(self) -> None:
        from orders.signals import order_paid
        from printing.receivers import on_order_paid

        order_paid.connect(on_order_paid, dispatch_uid="printing.on_order_paid")

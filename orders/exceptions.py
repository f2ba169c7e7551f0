"""Domain errors of the orders app. Views turn them into messages; each says what was wrong."""

from __future__ import annotations


class OrdersError(Exception):
    """Base class; ``str(error)`` is safe to show to the person who caused it."""


class EmptyCart(OrdersError):
    def __init__(self) -> None:
        super().__init__("Your cart is empty.")


class DesignNotOrderable(OrdersError):
    """A design cannot be bought (style licence, unfinished job, print quality, inactive product)."""


class NoShippingRate(OrdersError):
    def __init__(self, country: str) -> None:
        super().__init__(f"We do not ship to {country} yet.")


class CurrencyMismatch(OrdersError):
    pass


class InvalidTransition(OrdersError):
    def __init__(self, current: str, target: str) -> None:
        super().__init__(f"An order that is {current} cannot become {target}.")
        self.current = current
        self.target = target


class CheckoutUnavailable(OrdersError):
    """The order cannot be paid (any more), e.g. it is already paid or was cancelled."""


class RefundNotAllowed(OrdersError):
    pass

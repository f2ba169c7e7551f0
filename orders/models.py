"""Orders, their lines, audit trail, Stripe events and shipping rates.

Status is changed only by ``orders.state.transition`` (one table of allowed
moves, row lock, audit row). Lines snapshot what was bought so later
catalogue edits never change an order. Print files, vendors and routing
belong to the ``printing`` app, which depends on this one.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models


class OrderStatus(models.TextChoices):
    PENDING_PAYMENT = "pending_payment", "Awaiting payment"
    PAID = "paid", "Paid"
    IN_PRODUCTION = "in_production", "In production"
    SHIPPED = "shipped", "Shipped"
    FAILED = "failed", "Payment failed"
    CANCELLED = "cancelled", "Cancelled"
    REFUNDED = "refunded", "Refunded"


class ShippingRate(models.Model):
    """A flat shipping rate for a region, edited in the admin."""

    code = models.SlugField(max_length=20, unique=True)
    name = models.CharField(max_length=80)
    amount_minor = models.PositiveIntegerField()
    currency = models.CharField(max_length=3, default="USD")
    countries = models.CharField(
        max_length=600,
        blank=True,
        help_text="Two-letter country codes this rate covers, comma-separated (e.g. US). "
        "Leave empty for the rate that covers every other country.",
    )
    is_active = models.BooleanField(default=True)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        codes = self.country_codes
        if any(len(c) != 2 or not c.isalpha() for c in codes):
            raise ValidationError(
                {"countries": "Use two-letter country codes separated by commas, e.g. US, CA."}
            )
        self.countries = ",".join(codes)
        self.currency = (self.currency or "").upper()

    @property
    def country_codes(self) -> list[str]:
        return [c.strip().upper() for c in self.countries.split(",") if c.strip()]


def order_number() -> str:
    return uuid.uuid4().hex[:10].upper()


class Order(models.Model):
    number = models.CharField(max_length=20, unique=True, default=order_number, editable=False)
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner_session = models.CharField(max_length=64, db_index=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="orders",
    )
    status = models.CharField(
        max_length=20,
        choices=OrderStatus.choices,
        default=OrderStatus.PENDING_PAYMENT,
        db_index=True,
    )
    email = models.EmailField()
    ship_name = models.CharField(max_length=120)
    ship_line1 = models.CharField(max_length=200)
    ship_line2 = models.CharField(max_length=200, blank=True)
    ship_city = models.CharField(max_length=100)
    ship_postal_code = models.CharField(max_length=20)
    ship_country = models.CharField(max_length=2)
    shipping_rate = models.ForeignKey(ShippingRate, on_delete=models.PROTECT, related_name="+")
    currency = models.CharField(max_length=3)
    subtotal_minor = models.PositiveIntegerField()
    shipping_minor = models.PositiveIntegerField()
    total_minor = models.PositiveIntegerField()
    refunded_minor = models.PositiveIntegerField(default=0)
    payment_intent_id = models.CharField(max_length=255, unique=True, null=True, blank=True)
    # sha256 of session, cart revision and content (orders.services.checkout_key): unique, so one
    # cart holds one order however concurrently it is submitted. Released when replaced.
    checkout_key = models.CharField(
        max_length=64, unique=True, null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    # Claimed by the confirmation-email task so a retried or duplicated task sends one email.
    confirmation_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    ready_for_production_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Set once, when every line has a print file that passed preflight.",
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Order {self.number}"

    @property
    def refundable_minor(self) -> int:
        return max(self.total_minor - self.refunded_minor, 0)


class LineStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    IN_PRODUCTION = "in_production", "In production"
    SHIPPED = "shipped", "Shipped"


def print_file_path(instance: OrderLine, filename: str) -> str:
    """Referenced by migrations 0001 and 0003 (print fields now live on ``printing.PrintFile``)."""
    return f"print/{instance.order.number}/{filename}"


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    design = models.ForeignKey(
        "styling.Design", on_delete=models.PROTECT, related_name="order_lines"
    )
    quantity = models.PositiveIntegerField()
    # Snapshot of what was bought.
    product_title = models.CharField(max_length=120)
    variant_name = models.CharField(max_length=120)
    sku = models.CharField(max_length=40)
    unit_price_minor = models.PositiveIntegerField()
    print_spec = models.JSONField(help_text="The print spec at the time of purchase.")
    style_name = models.CharField(max_length=80)
    # Fulfilment (the vendor moves it through ``orders.state.set_line_status``).
    status = models.CharField(max_length=20, choices=LineStatus.choices, default=LineStatus.PENDING)
    carrier = models.CharField(max_length=60, blank=True)
    tracking_number = models.CharField(max_length=80, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.order.number}/{self.pk} {self.sku} x{self.quantity}"

    @property
    def total_minor(self) -> int:
        return self.unit_price_minor * self.quantity


class EventKind(models.TextChoices):
    """What an ``OrderEvent`` records: one word per kind, queried by these names only."""

    CREATED = "created", "Order created"
    PAYMENT_INTENT_CREATED = "payment_intent_created", "Payment intent created"
    PAYMENT_MISMATCH = "payment_mismatch", "Payment did not match the order"
    STATUS = "status", "Status changed"
    LINE_STATUS = "line_status", "Line status changed"
    CONFIRMATION_SENT = "confirmation_sent", "Confirmation e-mail sent"
    CANCEL_REQUESTED = "cancel_requested", "Cancel requested"
    REFUND_REQUESTED = "refund_requested", "Refund requested"
    REFUND_FAILED = "refund_failed", "Refund failed"
    REFUNDED = "refunded", "Refunded"
    PRINT_REQUESTED = "print_requested", "Print files requested"
    PRINT_REQUEUED = "print_requeued", "Print step sent again"
    ROUTED = "routed", "Routed to a vendor"
    ROUTING_FAILED = "routing_failed", "Routing failed"
    PRINT_FILE_READY = "print_file_ready", "Print file ready"
    PREFLIGHT_FAILED = "preflight_failed", "Preflight failed"
    PRINT_FAILED = "print_failed", "Print file failed"
    READY_FOR_PRODUCTION = "ready_for_production", "Ready for production"
    RERENDER_REQUESTED = "rerender_requested", "Re-render requested"
    RERENDER_FAILED = "rerender_failed", "Re-render failed"
    DOWNLOAD = "download", "Print file downloaded"
    DOWNLOAD_ZIP = "download_zip", "Order zip downloaded"


class OrderEvent(models.Model):
    """Audit trail: every status change, download and notable action on an order."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    line = models.ForeignKey(
        OrderLine, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=40, choices=EventKind.choices)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.order.number}: {self.kind}"


class StripeEvent(models.Model):
    """Each Stripe webhook event id is applied once: the unique constraint is the guard."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=80)
    payload = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"

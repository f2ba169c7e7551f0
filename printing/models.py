"""Print vendors, product routing, and one print file per order line with its audit trail.

``Vendor`` and ``ProductRoute`` moved here from ``orders`` and keep their
tables (``orders_vendor``, ``orders_productroute``), so no row moved. A
``PrintFile`` holds everything about one line's print file; its ``status``
is changed only by ``printing.state.transition`` (one table of allowed moves,
row lock, ``PrintFileEvent`` audit row).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from shop.storage import private_storage


class Vendor(models.Model):
    """A print vendor. Its users see only orders lines routed to it, in the vendor portal."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(unique=True)
    email = models.EmailField(help_text="Where new-order notifications go.")
    users = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="vendors")
    is_active = models.BooleanField(default=True)

    class Meta:
        db_table = "orders_vendor"  # moved from orders with its rows
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ProductRoute(models.Model):
    """Which vendor prints a product (admin-editable routing)."""

    product = models.OneToOneField("catalog.Product", on_delete=models.CASCADE, related_name="+")
    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="routes")

    class Meta:
        db_table = "orders_productroute"  # moved from orders with its rows

    def __str__(self) -> str:
        return f"{self.product} -> {self.vendor}"


class PrintStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    RENDERING = "rendering", "Rendering"
    READY = "ready", "Ready"
    # An admin re-render is running; the previous good file stays in place (and downloadable).
    RERENDERING = "rerendering", "Ready, re-rendering"
    FAILED = "failed", "Failed"


def print_file_path(instance: PrintFile, filename: str) -> str:
    return f"print/{instance.line.order.number}/{filename}"


class PrintFile(models.Model):
    """The print file of one order line: vendor, status, PDF, preflight and the upscaled image."""

    line = models.OneToOneField(
        "orders.OrderLine", on_delete=models.CASCADE, primary_key=True, related_name="printfile"
    )
    vendor = models.ForeignKey(
        Vendor, null=True, blank=True, on_delete=models.PROTECT, related_name="print_files"
    )
    status = models.CharField(
        max_length=20, choices=PrintStatus.choices, default=PrintStatus.NOT_STARTED
    )
    file = models.FileField(storage=private_storage, upload_to=print_file_path, blank=True)
    error = models.CharField(
        max_length=300, blank=True, help_text="Why the last render failed (or was not kept)."
    )
    preflight = models.JSONField(default=dict, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)
    # The styled image upscaled (RDN on the gpu queue) to its size on the print canvas.
    upscaled_image = models.FileField(
        storage=private_storage, upload_to=print_file_path, blank=True
    )
    upscale_key = models.CharField(
        max_length=64, blank=True, help_text="Digest of what the upscaled image was made from."
    )
    upscale_factor = models.FloatField(
        null=True, blank=True, help_text="Real super-resolution factor applied (RDN passes)."
    )
    # Liveness of the render (printing.watchdog): when its next step was sent to a queue, and
    # when a worker running one of its steps last reported. A step after the send is running.
    enqueued_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"Print file of line {self.pk} ({self.get_status_display()})"

    @property
    def is_ready(self) -> bool:
        """Whether this file may go to the vendor (``printing.state.file_is_ready``)."""
        from printing.state import file_is_ready

        return file_is_ready(self)


class PrintFileEvent(models.Model):
    """Audit trail of a print file: every status move, with who made it and why."""

    print_file = models.ForeignKey(PrintFile, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=20)
    to_status = models.CharField(max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"line {self.print_file_id}: {self.from_status} -> {self.to_status}"

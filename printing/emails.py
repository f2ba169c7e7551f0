"""Emails about print files and fulfilment: vendors, shoppers, admins.

Plain-text emails rendered from templates in ``templates/printing/email/``;
links are absolute (``SITE_URL``).
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import mail_admins, send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from orders.models import Order, OrderLine
from printing.models import Vendor


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def notify_vendor_new_order(*, order: Order, vendor: Vendor) -> int:
    """Tell a vendor an order has print-ready files for it, with a link to the portal."""
    lines = list(order.lines.filter(printfile__vendor=vendor).order_by("pk"))
    if not lines:
        return 0
    context = {
        "order": order,
        "vendor": vendor,
        "lines": lines,
        "portal_url": absolute(reverse("vendor_portal:order", args=[order.number])),
    }
    return send_mail(
        subject=f"Retrocel order {order.number}: {len(lines)} print-ready line(s)",
        message=render_to_string("printing/email/vendor_new_order.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[vendor.email],
    )


def notify_shopper_shipped(*, line: OrderLine) -> int:
    """Tell the shopper a line has shipped, with carrier and tracking number (once it has)."""
    from orders.links import order_url
    from orders.models import LineStatus

    if line.status != LineStatus.SHIPPED or not line.tracking_number:
        return 0
    order = line.order
    context = {"order": order, "line": line, "order_url": order_url(order)}
    return send_mail(
        subject=f"Your Retrocel order {order.number} has shipped",
        message=render_to_string("printing/email/shopper_shipped.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[order.email],
    )


def notify_admins_print_failure(*, order: Order, line: OrderLine | None, error: str) -> None:
    """Mail ADMINS that a print file could not be made (after retries) or failed preflight."""
    from printing.admin_views import inspect_url

    what = f"line {line.pk} ({line.sku})" if line else "the order"
    mail_admins(
        subject=f"Print file failed: order {order.number}, {what}",
        message=(
            f"Order {order.number}, {what}: the print file could not be made.\n\n"
            f"{error}\n\nFix the cause, then re-render the order's print files from the admin "
            f"(Shop orders > Orders > {order.number} > Print files):\n"
            f"{absolute(inspect_url(order))}"
        ),
    )

"""Writes of the accounts app: what follows a shopper into their account, and deleting it.

Adoption runs on Django's ``user_logged_in`` (allauth signs the shopper in after the
verification link, and at every sign-in) and on allauth's ``email_confirmed``:

* uploads, jobs and designs of the pre-sign-in session: ``styling.uploads.adopt_on_login``;
* the cart: the session data survives Django's key change at sign-in;
* orders placed in this browser before signing in, and orders placed anywhere with an
  address the account has **verified** (an unverified address proves nothing).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import transaction

from orders.models import Order
from showcase import services as showcase_services
from styling import retention
from styling.models import Upload
from styling.selectors import SESSION_OWNER_KEY

log = logging.getLogger(__name__)
DELETED_OWNER = "deleted-account"


def verified_emails(user: Any) -> list[str]:
    return list(
        EmailAddress.objects.filter(user_id=user.pk, verified=True).values_list("email", flat=True)
    )


def adopt_orders_by_email(user: Any) -> int:
    """Orders nobody's account holds, placed with one of ``user``'s verified addresses."""
    adopted = 0
    for email in verified_emails(user):
        adopted += Order.objects.filter(user__isnull=True, email__iexact=email).update(user=user)
    return adopted


def adopt_on_sign_in(sender: object, request: Any, user: Any, **kwargs: object) -> None:
    """``user_logged_in`` receiver: this browser's orders and the verified address's orders.

    Runs before styling's receiver (which moves the session's uploads to the new key and then
    forgets the old one), so the key the shopper's things were made under is still readable.
    """
    if request is not None and hasattr(request, "session"):
        old = request.session.get(SESSION_OWNER_KEY)
        new = request.session.session_key
        if old and new and old != new:
            Order.objects.filter(owner_session=old).update(owner_session=new)
        if new:
            Order.objects.filter(owner_session=new, user__isnull=True).update(user=user)
    adopt_orders_by_email(user)


def adopt_on_email_confirmed(
    sender: object, request: Any, email_address: Any, **kw: object
) -> None:
    """allauth ``email_confirmed`` receiver: the newly verified address's orders join the account."""
    adopt_orders_by_email(email_address.user)


@dataclass(frozen=True)
class DeletionResult:
    uploads_deleted: int
    uploads_kept_for_orders: int
    orders_unlinked: int


def delete_account(*, user: Any) -> DeletionResult:
    """Delete ``user``: their private files and rows, except what an order needs to print.

    Gallery entries, likes and the account go; uploads (with their jobs, styled images and
    designs) are deleted unless an order line refers to one of their designs — those stay,
    unlinked from the account, because the print pipeline re-runs the style on the original.
    Orders stay for the shop's records with ``user`` cleared and the session link broken.
    """
    user_model = get_user_model()
    showcase_services.remove_all_for(user=user)
    upload_ids = list(Upload.objects.filter(owner_user=user).values_list("pk", flat=True))
    kept = retention._referenced_upload_ids(upload_ids) if upload_ids else set()
    deleted = 0
    for upload_id in upload_ids:
        if upload_id in kept:
            continue
        if retention._delete_upload(upload_id) is not None:
            deleted += 1
    with transaction.atomic():
        Upload.objects.filter(pk__in=kept).update(owner_user=None, owner_session=DELETED_OWNER)
        orders = Order.objects.filter(user=user).update(user=None, owner_session="")
        user_model.objects.filter(pk=user.pk).delete()  # allauth's e-mail rows cascade
    log.info("account %s deleted: %d uploads, %d kept for orders", user.pk, deleted, len(kept))
    return DeletionResult(deleted, len(kept), orders)

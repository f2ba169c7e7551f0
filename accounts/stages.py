"""The login stage that asks for a verified address only where allauth manages the address."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.account.stages import EmailVerificationStage


class ShopperEmailVerificationStage(EmailVerificationStage):
    """allauth's verification stage, skipped for users without any allauth e-mail row.

    Every sign-up through allauth creates that row, so every shopper account is checked;
    users that staff created (admin, vendor portal users) have none and were vetted by staff.
    """

    def handle(self):  # type: ignore[no-untyped-def]
        user = self.login.user
        if user is not None and not EmailAddress.objects.filter(user_id=user.pk).exists():
            return None, True
        return super().handle()

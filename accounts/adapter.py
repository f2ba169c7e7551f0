"""allauth adapter: mandatory e-mail verification for shoppers, not for staff-made users.

Shoppers sign up through allauth, which gives them an ``EmailAddress`` row that must be
verified before their first sign-in. Admins and vendor users are created by staff (seed,
Wagtail) without such a row; they keep signing in with their username as before this app.
"""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter

ALLAUTH_VERIFICATION_STAGE = "allauth.account.stages.EmailVerificationStage"


class AccountAdapter(DefaultAccountAdapter):
    def get_login_stages(self) -> list[str]:
        return [
            "accounts.stages.ShopperEmailVerificationStage"
            if stage == ALLAUTH_VERIFICATION_STAGE
            else stage
            for stage in super().get_login_stages()
        ]

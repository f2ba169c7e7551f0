from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Shopper accounts on django-allauth: adoption at sign-in, account page, data export, deletion."""

    name = "accounts"

    def ready(self) -> None:
        from allauth.account.signals import email_confirmed
        from django.contrib.auth.signals import user_logged_in

        from accounts import services

        # Connected before styling's receiver (INSTALLED_APPS order), so the pre-sign-in
        # session key is still in the session when this runs.
        user_logged_in.connect(services.adopt_on_sign_in, dispatch_uid="accounts.adopt_on_sign_in")
        email_confirmed.connect(
            services.adopt_on_email_confirmed, dispatch_uid="accounts.adopt_on_email_confirmed"
        )

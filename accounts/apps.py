from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Two-factor sign-in")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from accounts.language import take_up_at_sign_in

        user_logged_in.connect(take_up_at_sign_in, dispatch_uid="accounts.language")

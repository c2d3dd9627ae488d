from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistrationConfig(AppConfig):
    name = "registration"
    verbose_name = _("Registration for seminars abroad")

    def ready(self) -> None:
        from notifications.notices import register_notice_composer
        from registration import privacy
        from registration.messages import compose_registration_message

        register_notice_composer("registration", compose_registration_message)
        privacy.register()

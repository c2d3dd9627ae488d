from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "intake"
    verbose_name = _("Requests for a visit")

    def ready(self) -> None:
        from intake.notices import NOTICE, WAITING, compose_coordinators_notice, compose_request_notice
        from intake.privacy import register as register_privacy
        from notifications.notices import register_notice_composer

        register_notice_composer(NOTICE, compose_request_notice)
        register_notice_composer(WAITING, compose_coordinators_notice)
        register_privacy()

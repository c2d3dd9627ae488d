from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResponsesConfig(AppConfig):
    name = "responses"
    verbose_name = _("Experts' answers")

    def ready(self) -> None:
        from notifications.notices import register_notice_composer
        from responses.notices import COMPOSERS
        from responses.services import record_from_admin
        from visits.signals import expert_row_edited

        expert_row_edited.connect(record_from_admin, dispatch_uid="responses.record_from_admin")
        for notice, composer in COMPOSERS.items():
            register_notice_composer(notice, composer)

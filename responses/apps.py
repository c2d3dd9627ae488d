from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResponsesConfig(AppConfig):
    name = "responses"
    verbose_name = _("Experts' answers")

    def ready(self) -> None:
        from notifications.hooks import register_after_enqueue, register_partstats, register_unwanted
        from notifications.notices import register_notice_composer
        from responses import taken_off  # noqa: F401 (its receivers remember experts taken off a session)
        from responses.calendar_replies import tentative_partstats
        from responses.notices import COMPOSERS
        from responses.receivers import experts_after_publish
        from responses.reminders import unwanted_reminders

        register_after_enqueue(experts_after_publish)
        register_unwanted(unwanted_reminders)
        register_partstats(tentative_partstats)
        for notice, composer in COMPOSERS.items():
            register_notice_composer(notice, composer)

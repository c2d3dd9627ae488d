from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResponsesConfig(AppConfig):
    name = "responses"
    verbose_name = _("Experts' answers")

    def ready(self) -> None:
        from inbound.handlers import register_received_handler
        from notifications.hooks import (
            register_after_enqueue,
            register_former_rows,
            register_interpreter_partstats,
            register_partstats,
            register_unwanted,
        )
        from notifications.notices import register_notice_composer
        from responses import calendar_replies, interpreter_replies
        from responses.notices import COMPOSERS
        from responses.receivers import experts_after_publish
        from responses.reminders import unwanted_reminders
        from responses.taken_off import former_rows

        register_after_enqueue(experts_after_publish)
        register_unwanted(unwanted_reminders)
        register_partstats(calendar_replies.tentative_partstats)
        register_interpreter_partstats(interpreter_replies.tentative_partstats)
        # Remembering people taken off a session (taken_off's receivers) gives their cancellation the
        # ORGANIZER their invitation had.
        register_former_rows(former_rows)
        # Calendar replies (experts' and interpreters') sent to a reply address, read from received mail.
        register_received_handler(calendar_replies.handle)
        for notice, composer in COMPOSERS.items():
            register_notice_composer(notice, composer)

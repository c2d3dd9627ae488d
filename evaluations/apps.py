from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationsConfig(AppConfig):
    name = "evaluations"
    verbose_name = _("Evaluations")

    def ready(self) -> None:
        from evaluations.compose import compose_survey
        from evaluations.privacy import register as register_privacy
        from evaluations.services import unwanted_survey_messages
        from notifications.hooks import register_unwanted
        from notifications.models import MessageKind
        from notifications.notices import register_person_composer

        register_person_composer(MessageKind.SURVEY, compose_survey)
        register_unwanted(unwanted_survey_messages)
        register_privacy()

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipationConfig(AppConfig):
    name = "participation"
    verbose_name = _("Participation")

    def ready(self) -> None:
        from notifications.programme_sections import register_programme_section
        from participation.views import programme_section

        register_programme_section(programme_section)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InboundConfig(AppConfig):
    name = "inbound"
    verbose_name = _("Received mail")

    def ready(self) -> None:
        from inbound.privacy import register

        register()

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from notifications.receivers import on_programme_published
        from scheduling.signals import programme_published

        programme_published.connect(on_programme_published, dispatch_uid="notifications.enqueue_for_version")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookletsConfig(AppConfig):
    name = "booklets"
    verbose_name = _("Booklets and exports")

    def ready(self) -> None:
        from booklets.attachments import booklet_attachment
        from booklets.hostsheets import NOTICE, compose_host_sheet, host_sheets_after_publish
        from booklets.person_views import booklet_section
        from booklets.privacy import register as register_privacy
        from notifications.hooks import register_after_enqueue, register_attachments
        from notifications.notices import register_notice_composer
        from notifications.programme_sections import register_programme_section

        register_programme_section(booklet_section)
        register_attachments(booklet_attachment)
        register_after_enqueue(host_sheets_after_publish)
        register_notice_composer(NOTICE, compose_host_sheet)
        register_privacy()

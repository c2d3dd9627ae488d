from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    name = "visits"
    verbose_name = _("Visits and programmes")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate

        from visits.db_rules import recreate_triggers_after_migrate
        from visits.folding import teach_sqlite_to_fold
        from visits.roles import keep_groups_after_migrate

        connection_created.connect(teach_sqlite_to_fold, dispatch_uid="visits.folding")

        post_migrate.connect(recreate_triggers_after_migrate, sender=self)
        # After every app's migrate (not only this one's): each app's permissions arrive with its own signal.
        post_migrate.connect(keep_groups_after_migrate, dispatch_uid="visits.roles")

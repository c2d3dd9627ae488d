"""SessionAttendee becomes ChosenMember, and Session.attendees becomes Session.chosen_members.

"Attendance" says which members of the delegation a session is for; a member chosen for a session is a
chosen member. The rows and the data stay as they are: the table is renamed, nothing else changes.
"""

import django.db.models.deletion
from django.db import migrations, models


def permissions_renamer(app_label: str, old: str, new: str):
    """The model's permissions follow its new name, so whoever could see or change the rows still can."""

    def rename(apps, schema_editor, *, frm: str = old, to: str = new) -> None:
        permission = apps.get_model("auth", "Permission")
        for action in ("add", "change", "delete", "view"):
            permission.objects.filter(
                content_type__app_label=app_label, codename=f"{action}_{frm}"
            ).update(codename=f"{action}_{to}")

    def undo(apps, schema_editor) -> None:
        rename(apps, schema_editor, frm=new, to=old)

    return migrations.RunPython(rename, undo)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("visits", "0007_session_revision"),
    ]

    operations = [
        migrations.RenameModel(old_name="SessionAttendee", new_name="ChosenMember"),
        migrations.AlterField(
            model_name="chosenmember",
            name="session",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="session_chosen_members",
                to="visits.session",
            ),
        ),
        migrations.RenameField(model_name="session", old_name="attendees", new_name="chosen_members"),
        permissions_renamer("visits", "sessionattendee", "chosenmember"),
    ]

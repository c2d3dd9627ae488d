"""Attendance becomes ParticipantAnswer: a participant's own answer, attending or not.

"Attendance" is the session's own setting (the whole delegation or chosen members). The rows stay as they
are: the table is renamed, and its two constraints with it.
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
        ("participation", "0001_initial"),
        ("visits", "0008_chosen_member"),
    ]

    operations = [
        migrations.RenameModel(old_name="Attendance", new_name="ParticipantAnswer"),
        migrations.AlterField(
            model_name="participantanswer",
            name="person",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="participant_answers",
                to="visits.person",
                verbose_name="person",
            ),
        ),
        migrations.AlterField(
            model_name="participantanswer",
            name="session",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="participant_answers",
                to="visits.session",
                verbose_name="session",
            ),
        ),
        migrations.RemoveConstraint(model_name="participantanswer", name="attendance_unique"),
        migrations.RemoveConstraint(model_name="participantanswer", name="attendance_answer_valid"),
        migrations.AddConstraint(
            model_name="participantanswer",
            constraint=models.UniqueConstraint(
                models.F("session"),
                models.F("person"),
                name="participant_answer_unique",
                violation_error_message="This person has already answered for this session.",
            ),
        ),
        migrations.AddConstraint(
            model_name="participantanswer",
            constraint=models.CheckConstraint(
                condition=models.Q(("answer__in", ["attending", "not_attending"])),
                name="participant_answer_valid",
            ),
        ),
        permissions_renamer("participation", "attendance", "participantanswer"),
    ]

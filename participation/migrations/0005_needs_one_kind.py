"""A ParticipantNeeds row is a participant's own for a visit, or the coordinators' notes on a membership."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("participation", "0004_member_notes_moved"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="participantneeds",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("member__isnull", True), ("person__isnull", False), ("visit__isnull", False)),
                    models.Q(("member__isnull", False), ("person__isnull", True), ("visit__isnull", True)),
                    _connector="OR",
                ),
                name="participant_needs_one_kind",
            ),
        ),
    ]

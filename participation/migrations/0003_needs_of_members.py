"""ParticipantNeeds becomes the one place needs are stored: a row is a participant's own for one visit, or the
coordinators' notes on a delegation membership (until now two columns of visits.DelegationMember, which
0004 moves here and visits' 0009 drops; 0005 keeps the two kinds of row apart).

Three migrations, not one: on PostgreSQL a table cannot be altered in the transaction that has just written
its rows (their foreign keys are checked at commit).
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("participation", "0002_participant_answer"),
        ("visits", "0008_chosen_member"),
    ]

    operations = [
        migrations.AddField(
            model_name="participantneeds",
            name="member",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="needs",
                to="visits.delegationmember",
                verbose_name="delegation member",
            ),
        ),
        migrations.AlterField(
            model_name="participantneeds",
            name="person",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="participant_needs",
                to="visits.person",
                verbose_name="person",
            ),
        ),
        migrations.AlterField(
            model_name="participantneeds",
            name="visit",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="participant_needs",
                to="visits.visit",
                verbose_name="visit",
            ),
        ),
    ]

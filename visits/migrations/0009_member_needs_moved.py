"""A delegation member's needs are no longer columns of the membership.

participation keeps them (participation.ParticipantNeeds, a row per membership); its migration 0003 copies
every value there before this one runs (it says so with run_before: visits knows nothing of participation).
Unapplied, the columns come back empty, and that migration, unapplied after it, fills them again.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("visits", "0008_chosen_member"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="delegationmember",
            name="accessibility_needs",
        ),
        migrations.RemoveField(
            model_name="delegationmember",
            name="dietary_needs",
        ),
    ]

from django.db import migrations, models


class Migration(migrations.Migration):
    """The session's optimistic lock is its `revision`: "version" is a published programme version."""

    dependencies = [("visits", "0006_delegation_coordinators")]

    operations = [
        migrations.RenameField(model_name="session", old_name="version", new_name="revision"),
        migrations.AlterField(
            model_name="session",
            name="revision",
            field=models.PositiveIntegerField(default=1, editable=False, verbose_name="revision"),
        ),
    ]

import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.db import migrations


def give_message_ids(apps, schema_editor):
    """Rows written before every writer gave a Message-ID get one now, in the format outbox.new_message_id
    writes, so that composing and sending never have to make one up."""
    OutboxMessage = apps.get_model("notifications", "OutboxMessage")
    host = urlsplit(settings.SITE_URL).hostname or "visitplan.invalid"
    for pk in OutboxMessage.objects.filter(message_id="").values_list("pk", flat=True).iterator():
        OutboxMessage.objects.filter(pk=pk).update(message_id=f"<outbox.{uuid.uuid4().hex}@{host}>")


class Migration(migrations.Migration):
    dependencies = [("notifications", "0002_messages_to_coordinators_and_reminders")]

    operations = [migrations.RunPython(give_message_ids, migrations.RunPython.noop)]

"""A GiST index on each session's time span, on PostgreSQL only.

It serves SessionQuerySet.overlapping(): finding the sessions that share time with one edited session costs
O(log n + k) however many sessions are stored. SQLite has no GiST; it uses the B-tree on (starts_at, ends_at).
"""

from typing import Any

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor


def forward(apps: Any, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX visits_session_span_gist ON visits_session USING gist (tstzrange(starts_at, ends_at))",
            params=None,
        )


def backward(apps: Any, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS visits_session_span_gist", params=None)


class Migration(migrations.Migration):
    dependencies = [("visits", "0003_session_version")]

    operations = [migrations.RunPython(forward, backward)]

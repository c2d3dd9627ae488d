from typing import Any

from django.db import migrations

# An UPDATE of experts' rows bumps their people's feed stamps once per statement, not once per row: a publish
# that invites 10,000 experts moves their answers in one UPDATE, and the row trigger ran 10,000 times inside
# the visit's lock (bench/publish.py). The rows that changed in any column are found by comparing the
# statement's old and new rows (what the row trigger's WHEN clause did); the people are bumped in one call.
FORWARD = """
CREATE FUNCTION notifications_feed_experts_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM notifications_feed_bump(ARRAY(
        SELECT person FROM old_rows o JOIN new_rows n ON n.id = o.id,
            LATERAL (VALUES (o.person_id), (n.person_id)) AS v(person)
        WHERE o IS DISTINCT FROM n));
    RETURN NULL;
END $$;

DROP TRIGGER notifications_feed_visits_sessionexpert_update ON visits_sessionexpert;
CREATE TRIGGER notifications_feed_visits_sessionexpert_update AFTER UPDATE ON visits_sessionexpert
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION notifications_feed_experts_updated();
"""

BACKWARD = """
DROP TRIGGER notifications_feed_visits_sessionexpert_update ON visits_sessionexpert;
DROP FUNCTION notifications_feed_experts_updated();
CREATE TRIGGER notifications_feed_visits_sessionexpert_update AFTER UPDATE ON visits_sessionexpert FOR EACH ROW
    WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION notifications_feed_person_placed();
"""


def forward(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("notifications", "0005_feed_stamps")]

    operations = [migrations.RunPython(forward, backward)]

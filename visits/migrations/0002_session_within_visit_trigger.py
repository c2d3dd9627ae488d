"""The database refuses a session outside its visit's dates unless it is marked as outside.

A CHECK constraint cannot look at another table, so this is a trigger, one per backend. It compares against
the visit's window (its first day's start and last day's end in its zone, stored in UTC by Visit.save()).
Changing the visit's dates later is allowed: a draft may be in any state, and the scheduling checks report
sessions that no longer fit.
"""

from typing import Any

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from visits.db_rules import ensure_sqlite_triggers

POSTGRES_FORWARD = """
CREATE OR REPLACE FUNCTION visits_session_within_visit() RETURNS trigger AS $$
DECLARE
    w record;
BEGIN
    IF NEW.outside_visit_dates THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.starts_at = OLD.starts_at AND NEW.ends_at = OLD.ends_at
            AND NEW.visit_id = OLD.visit_id AND NEW.outside_visit_dates = OLD.outside_visit_dates THEN
        RETURN NEW;
    END IF;
    SELECT window_starts_at, window_ends_at INTO w FROM visits_visit WHERE id = NEW.visit_id;
    IF NEW.starts_at < w.window_starts_at OR NEW.ends_at > w.window_ends_at THEN
        RAISE EXCEPTION 'session_within_visit_dates: session "%" (% to %) falls outside its visit''s dates',
            NEW.title, NEW.starts_at, NEW.ends_at
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER visits_session_within_visit
    BEFORE INSERT OR UPDATE ON visits_session
    FOR EACH ROW EXECUTE FUNCTION visits_session_within_visit();
"""

POSTGRES_BACKWARD = """
DROP TRIGGER IF EXISTS visits_session_within_visit ON visits_session;
DROP FUNCTION IF EXISTS visits_session_within_visit();
"""

SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS visits_session_within_visit_insert;",
    "DROP TRIGGER IF EXISTS visits_session_within_visit_update;",
]


def forward(apps: Any, schema_editor: BaseDatabaseSchemaEditor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_FORWARD, params=None)
    elif vendor == "sqlite":
        # SQLite drops triggers whenever it rebuilds the table; visits.db_rules recreates them after migrate.
        ensure_sqlite_triggers(schema_editor.connection)
    else:
        raise NotImplementedError(f"Visitplan supports PostgreSQL and SQLite, not {vendor}.")


def backward(apps: Any, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_BACKWARD, params=None)
    else:
        for statement in SQLITE_BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("visits", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]

"""On PostgreSQL the audit table refuses UPDATE and DELETE, whoever asks (the application, a psql session, a
script), with one way through: audit.log.redact_person, which sets `visitplan.audit_redact` to 'on' for its
transaction (SET LOCAL) and may then change only the personal values of an entry (what changed, the object's
name, the actor's name) and mark it redacted. The facts (when, who by id, which door, what kind of change,
whose history) never change. TRUNCATE stays possible for the database's owner (the test runner empties tables
with it); the application never issues it.

SQLite has no such trigger: there the model's and its manager's refusals are the guard.
"""

from typing import Any

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

FORWARD = """
CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'audit_append_only: audit entries are never deleted'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF coalesce(current_setting('visitplan.audit_redact', true), '') <> 'on' THEN
        RAISE EXCEPTION 'audit_append_only: audit entries are never changed (redaction goes through audit.log.redact_person)'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NOT NEW.redacted
        OR (NEW.id, NEW.at, NEW.actor_kind, NEW.actor_user_id, NEW.actor_person_id, NEW.door, NEW.action,
            NEW.object_type, NEW.object_id, NEW.visit_id, NEW.delegation_id, NEW.person_id)
           IS DISTINCT FROM
           (OLD.id, OLD.at, OLD.actor_kind, OLD.actor_user_id, OLD.actor_person_id, OLD.door, OLD.action,
            OLD.object_type, OLD.object_id, OLD.visit_id, OLD.delegation_id, OLD.person_id) THEN
        RAISE EXCEPTION 'audit_append_only: a redaction changes only the personal values of an entry'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_entry_append_only
    BEFORE UPDATE OR DELETE ON audit_auditentry
    FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_auditentry;
DROP FUNCTION IF EXISTS audit_entry_append_only();
"""


def forward(apps: Any, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps: Any, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_audit_entry")]

    operations = [migrations.RunPython(forward, backward)]

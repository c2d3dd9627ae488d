# Experts' rows mark their sessions' visits stale once per statement, not once per row.
#
# Publishing moves every newly invited expert's answer (not asked -> invited) in one UPDATE. The row trigger
# of 0003 ran for each of them, each time locking and updating the same scheduling_keptconflicts rows after a
# GiST search: for 10,000 experts that one UPDATE took most of the time the visit's lock was held
# (bench/RESULTS.md, publishing). A statement trigger with transition tables marks the same visits, found
# from the distinct sessions whose experts changed in session, person or answer.

from typing import Any

from django.db import migrations

STATEMENT = """
CREATE FUNCTION scheduling_session_experts_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    s record;
BEGIN
    FOR s IN
        WITH changed AS (
            SELECT o.session_id AS old_session, n.session_id AS new_session
            FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE ROW(o.session_id, o.person_id, o.response) IS DISTINCT FROM
                  ROW(n.session_id, n.person_id, n.response)
        )
        SELECT DISTINCT visit_id, starts_at, ends_at FROM visits_session
        WHERE id IN (SELECT old_session FROM changed UNION SELECT new_session FROM changed)
    LOOP
        PERFORM scheduling_conflicts_stale_near(ARRAY[s.visit_id], s.starts_at, s.ends_at);
    END LOOP;
    RETURN NULL;
END $$;

DROP TRIGGER scheduling_kept_visits_sessionexpert_update ON visits_sessionexpert;
CREATE TRIGGER scheduling_kept_visits_sessionexpert_update AFTER UPDATE ON visits_sessionexpert
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION scheduling_session_experts_changed();
"""

ROW = """
DROP TRIGGER scheduling_kept_visits_sessionexpert_update ON visits_sessionexpert;
DROP FUNCTION scheduling_session_experts_changed();
CREATE TRIGGER scheduling_kept_visits_sessionexpert_update AFTER UPDATE ON visits_sessionexpert FOR EACH ROW
    WHEN (ROW(OLD.session_id, OLD.person_id, OLD.response) IS DISTINCT FROM
          ROW(NEW.session_id, NEW.person_id, NEW.response))
    EXECUTE FUNCTION scheduling_session_people_changed();
"""


def per_statement(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(STATEMENT)


def per_row(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ROW)


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0003_kept_conflicts")]

    operations = [migrations.RunPython(per_statement, per_row)]

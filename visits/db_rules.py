"""Database triggers for rules a CHECK constraint cannot express (see migration 0002).

SQLite rebuilds a table to alter it (create, copy, drop, rename), which drops the table's triggers, so on
SQLite they are (re)created after every migrate by a post_migrate handler. PostgreSQL keeps them.
"""

from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

SQLITE_OUTSIDE = """
    EXISTS (SELECT 1 FROM visits_visit v WHERE v.id = NEW.visit_id
            AND (NEW.starts_at < v.window_starts_at OR NEW.ends_at > v.window_ends_at))
"""
SQLITE_RAISE = (
    "SELECT RAISE(ABORT, 'session_within_visit_dates: the session falls outside its visit''s dates');"
)

SQLITE_TRIGGERS = [
    "DROP TRIGGER IF EXISTS visits_session_within_visit_insert;",
    "DROP TRIGGER IF EXISTS visits_session_within_visit_update;",
    f"""
    CREATE TRIGGER visits_session_within_visit_insert BEFORE INSERT ON visits_session
    WHEN NOT NEW.outside_visit_dates AND {SQLITE_OUTSIDE}
    BEGIN {SQLITE_RAISE} END;
    """,
    f"""
    CREATE TRIGGER visits_session_within_visit_update
    BEFORE UPDATE OF starts_at, ends_at, visit_id, outside_visit_dates ON visits_session
    WHEN NOT NEW.outside_visit_dates
        AND (NEW.starts_at IS NOT OLD.starts_at OR NEW.ends_at IS NOT OLD.ends_at
             OR NEW.visit_id IS NOT OLD.visit_id OR NEW.outside_visit_dates IS NOT OLD.outside_visit_dates)
        AND {SQLITE_OUTSIDE}
    BEGIN {SQLITE_RAISE} END;
    """,
]


def ensure_sqlite_triggers(connection: BaseDatabaseWrapper) -> None:
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        if "visits_session" not in tables or "visits_visit" not in tables:
            return
        for statement in SQLITE_TRIGGERS:
            cursor.execute(statement)


def recreate_triggers_after_migrate(using: str, **kwargs: Any) -> None:
    from django.db import connections

    ensure_sqlite_triggers(connections[using])

import re
from typing import Any

import django.db.models.deletion
from django.db import migrations, models

# Triggers that keep notifications_feedstamp, on PostgreSQL only (SQLite answers every poll the slower way:
# notifications.feed_polls).
#
# A write gives a new revision to every person whose feed (notifications.feeds) or token expiry
# (notifications.tokens.last_day_of) it may change: the people on a session (experts and interpreters
# whatever their answer, chosen members, and every member of the visiting delegation, whichever the
# session's attendance: a superset of its roster costs a poll, never a stale feed) when the session, its
# visit, venue, host or delegation is written, and the person whose place on a session or in a delegation
# is. The revisions come from one sequence, so none is given twice. (Every write gives a new one, even
# within one transaction: a poll made inside that transaction must see it move too.)
FUNCTIONS = """
CREATE SEQUENCE notifications_feedstamp_revision;

CREATE FUNCTION notifications_feed_bump(people bigint[]) RETURNS void LANGUAGE sql AS $$
    INSERT INTO notifications_feedstamp (person_id, revision)
    SELECT person, nextval('notifications_feedstamp_revision')
    FROM (SELECT DISTINCT person FROM unnest(people) AS person WHERE person IS NOT NULL ORDER BY person) AS p
    ON CONFLICT (person_id) DO UPDATE SET revision = EXCLUDED.revision;
$$;

CREATE FUNCTION notifications_feed_people(sessions bigint[], delegations bigint[]) RETURNS bigint[]
LANGUAGE sql STABLE AS $$
    SELECT ARRAY(
        SELECT person_id FROM visits_sessionexpert WHERE session_id = ANY(sessions)
        UNION SELECT person_id FROM visits_sessioninterpreter WHERE session_id = ANY(sessions)
        UNION SELECT m.person_id FROM visits_chosenmember c
              JOIN visits_delegationmember m ON m.id = c.member_id WHERE c.session_id = ANY(sessions)
        UNION SELECT m.person_id FROM visits_session s JOIN visits_visit v ON v.id = s.visit_id
              JOIN visits_delegationmember m ON m.delegation_id = v.delegation_id WHERE s.id = ANY(sessions)
        UNION SELECT person_id FROM visits_delegationmember WHERE delegation_id = ANY(delegations));
$$;

CREATE FUNCTION notifications_feed_session_written() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    sessions bigint[] := ARRAY[]::bigint[];
    visits bigint[] := ARRAY[]::bigint[];
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN sessions := sessions || OLD.id; visits := visits || OLD.visit_id; END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN sessions := sessions || NEW.id; visits := visits || NEW.visit_id; END IF;
    -- A deleted session's experts went with their own rows; its participants are its visit's delegation.
    PERFORM notifications_feed_bump(notifications_feed_people(
        sessions, ARRAY(SELECT delegation_id FROM visits_visit WHERE id = ANY(visits))));
    RETURN NULL;
END $$;

CREATE FUNCTION notifications_feed_visit_written() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    visits bigint[] := ARRAY[]::bigint[];
    delegations bigint[] := ARRAY[]::bigint[];
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        visits := visits || OLD.id; delegations := delegations || OLD.delegation_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        visits := visits || NEW.id; delegations := delegations || NEW.delegation_id;
    END IF;
    PERFORM notifications_feed_bump(notifications_feed_people(
        ARRAY(SELECT id FROM visits_session WHERE visit_id = ANY(visits)), delegations));
    RETURN NULL;
END $$;

CREATE FUNCTION notifications_feed_shown_written() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    sessions bigint[];
    delegations bigint[] := ARRAY[]::bigint[];
BEGIN
    IF TG_TABLE_NAME = 'visits_venue' THEN
        sessions := ARRAY(SELECT id FROM visits_session WHERE venue_id = NEW.id);
    ELSIF TG_TABLE_NAME = 'visits_organisation' THEN
        sessions := ARRAY(SELECT id FROM visits_session WHERE host_organisation_id = NEW.id);
    ELSE  -- visits_delegation
        sessions := ARRAY(SELECT s.id FROM visits_session s JOIN visits_visit v ON v.id = s.visit_id
                          WHERE v.delegation_id = NEW.id);
        delegations := ARRAY[NEW.id];
    END IF;
    PERFORM notifications_feed_bump(notifications_feed_people(sessions, delegations));
    RETURN NULL;
END $$;

CREATE FUNCTION notifications_feed_person_placed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    people bigint[] := ARRAY[]::bigint[];
BEGIN
    IF TG_TABLE_NAME = 'visits_chosenmember' THEN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            people := people || ARRAY(SELECT person_id FROM visits_delegationmember WHERE id = OLD.member_id);
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            people := people || ARRAY(SELECT person_id FROM visits_delegationmember WHERE id = NEW.member_id);
        END IF;
    ELSE  -- visits_sessionexpert, visits_sessioninterpreter, visits_delegationmember
        IF TG_OP IN ('UPDATE', 'DELETE') THEN people := people || OLD.person_id; END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN people := people || NEW.person_id; END IF;
    END IF;
    PERFORM notifications_feed_bump(people);
    RETURN NULL;
END $$;
"""


def _on(table: str, function: str, *, inserts: bool = True) -> list[str]:
    """The triggers that call `function` after a row of `table` is changed in any column, and (unless not
    `inserts`) made or deleted."""
    name = f"notifications_feed_{table}"
    statements = [
        f"CREATE TRIGGER {name}_update AFTER UPDATE ON {table} FOR EACH ROW "
        f"WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION {function}();"
    ]
    if inserts:
        statements.append(
            f"CREATE TRIGGER {name}_insert_delete AFTER INSERT OR DELETE ON {table} FOR EACH ROW "
            f"EXECUTE FUNCTION {function}();"
        )
    return statements


TRIGGERS = [
    *_on("visits_session", "notifications_feed_session_written"),
    *_on("visits_visit", "notifications_feed_visit_written"),
    *_on("visits_venue", "notifications_feed_shown_written", inserts=False),
    *_on("visits_organisation", "notifications_feed_shown_written", inserts=False),
    *_on("visits_delegation", "notifications_feed_shown_written", inserts=False),
    *_on("visits_sessionexpert", "notifications_feed_person_placed"),
    *_on("visits_sessioninterpreter", "notifications_feed_person_placed"),
    *_on("visits_chosenmember", "notifications_feed_person_placed"),
    *_on("visits_delegationmember", "notifications_feed_person_placed"),
]


def create(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTIONS)
    for statement in TRIGGERS:
        schema_editor.execute(statement)


def drop(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for function in re.findall(r"CREATE FUNCTION (\w+)\(", FUNCTIONS):
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {function} CASCADE;")
    schema_editor.execute("DROP SEQUENCE IF EXISTS notifications_feedstamp_revision;")


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0004_outbox_heartbeat"),
        ("visits", "0013_venue_organisation_delegation_updated_at"),
    ]

    operations = [
        migrations.CreateModel(
            name="FeedStamp",
            fields=[
                (
                    "person",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="visits.person",
                    ),
                ),
                ("revision", models.BigIntegerField()),
            ],
            options={
                "verbose_name": "feed stamp",
                "verbose_name_plural": "feed stamps",
            },
        ),
        migrations.RunPython(create, drop),
    ]

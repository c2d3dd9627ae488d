"""Conflict counts kept per visit, so that a page listing many visits (the dashboard) checks only those whose
conflicts may have changed since they were last checked.

Each visit's conflicts are kept in `KeptConflicts` as the system reads them (nothing masked), with whether
each is acknowledged; PostgreSQL triggers mark a visit's row stale whenever something its conflicts depend
on is written, by any door (migration scheduling 0003: its sessions and their people, its delegation's
members, venues, experts' hours and exceptions, acknowledgements, travel times, and the sessions of other
visits near its own in time).
A reader's count is then made from the kept conflicts: masked as the reader may read them (two clashes with
one hidden session are one "busy then"), as `visit_conflict_report` counts them.

Stale rows are checked again in one batched pass (`visits_conflicts`) and stored in one statement, unless a
write marked them again meanwhile (their `generation` moved on). Without the triggers (SQLite) nothing is
kept: every visit is checked afresh.
"""

import json
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from scheduling.checks import (
    acknowledgements_of,
    as_recorded,
    rules_from_settings,
    visits_conflicts,
)
from scheduling.conflicts import Conflict, ConflictKind
from scheduling.models import KeptConflicts
from visits.access import AnyUser, visible_visit_ids


@dataclass(frozen=True)
class Kept:
    """One conflict of a visit as kept: enough to mask it for a reader and to count it."""

    conflict: Conflict  # without its message's parameters
    acknowledged: bool

    def as_json(self) -> list[object]:
        c = self.conflict
        named = [list(pair) for pair in c.named]
        return [c.kind.value, c.subject, list(c.sessions), named, self.acknowledged]

    @classmethod
    def from_json(cls, row: list[object]) -> "Kept":
        kind, subject, sessions, named, acknowledged = row
        assert isinstance(sessions, list) and isinstance(named, list)
        conflict = Conflict(
            ConflictKind(str(kind)),
            tuple(sessions),
            str(subject),
            (),
            tuple((pair[0], pair[1]) for pair in named),
        )
        return cls(conflict, bool(acknowledged))


def rules_signature() -> str:
    """The rules the conflicts are checked under: kept conflicts checked under other settings are stale."""
    return repr(rules_from_settings())[:300]


def checked(visit_ids: Collection[int]) -> dict[int, list[Kept]]:
    """The visits' conflicts checked now, each marked acknowledged as its visit's report would mark it."""
    found = visits_conflicts(visit_ids)
    acknowledged = acknowledgements_of([pk for pk, conflicts in found.items() if conflicts])
    return {
        visit_id: [
            Kept(
                Conflict(c.kind, c.sessions, c.subject, (), c.named),
                as_recorded(c, visit_id).key in acknowledged[visit_id] or c.key in acknowledged[visit_id],
            )
            for c in conflicts
        ]
        for visit_id, conflicts in found.items()
    }


def kept_conflicts(visit_ids: Collection[int]) -> dict[int, list[Kept]]:
    """Each visit's conflicts: as kept where still fresh, checked again (in one pass) and kept where stale.
    A fixed number of queries: one to read, and when any is stale the checker's and one to store."""
    if connection.vendor != "postgresql":
        return checked(visit_ids)
    signature = rules_signature()
    rows = {
        row["visit_id"]: row
        for row in KeptConflicts.objects.filter(visit_id__in=list(visit_ids)).values(
            "visit_id", "conflicts", "rules", "stale", "generation"
        )
    }
    fresh = {
        pk: [Kept.from_json(item) for item in row["conflicts"]]
        for pk, row in rows.items()
        if not row["stale"] and row["rules"] == signature
    }
    stale = [pk for pk in visit_ids if pk not in fresh]
    if not stale:
        return fresh
    again = checked(stale)
    store(again, {pk: rows[pk]["generation"] for pk in stale if pk in rows}, signature)
    return {**fresh, **again}


def store(found: dict[int, list[Kept]], generations: dict[int, int], signature: str) -> None:
    """Keep the conflicts checked, each visit's only if no write marked it since its generation was read."""
    visits = [pk for pk in found if pk in generations]
    if not visits:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE scheduling_keptconflicts AS kept
            SET conflicts = checked.conflicts, rules = %s, stale = false, checked_at = %s
            FROM unnest(%s::bigint[], %s::bigint[], %s::jsonb[]) AS checked(visit_id, generation, conflicts)
            WHERE kept.visit_id = checked.visit_id AND kept.generation = checked.generation
            """,
            [
                signature,
                timezone.now(),
                visits,
                [generations[pk] for pk in visits],
                [json.dumps([item.as_json() for item in found[pk]]) for pk in visits],
            ],
        )


def open_counts(kept: dict[int, list[Kept]], *, reader: AnyUser | None) -> dict[int, int]:
    """Per visit: its fatal conflicts and warnings not acknowledged, as the reader reads them: another visit's
    sessions named only where the reader may see that visit (one query, none when no conflict names another
    visit or there is no reader)."""
    others = {
        visit
        for pk, items in kept.items()
        for item in items
        for _, visit in item.conflict.named
        if visit is not None and visit != pk
    }
    readable = visible_visit_ids(reader, others) if reader is not None and others else set()
    return {pk: open_count(items, readable | {pk}) for pk, items in kept.items()}


def open_count(items: Iterable[Kept], visible: set[int]) -> int:
    """As `report_of` counts them: each conflict once as the reader reads it, acknowledged as the first of
    those it stands for is."""
    keys: set[str] = set()
    count = 0
    for item in items:
        seen = item.conflict.seen_by(visible)
        if seen.key in keys:
            continue
        keys.add(seen.key)
        if seen.is_fatal or not item.acknowledged:
            count += 1
    return count


def open_conflict_counts(visit_ids: Collection[int], *, reader: AnyUser | None = None) -> dict[int, int]:
    """Per visit with any: its fatal conflicts and warnings not acknowledged, as the reader reads them, from
    the kept conflicts. A fixed number of queries, whatever the number of visits and sessions."""
    counts = open_counts(kept_conflicts(visit_ids), reader=reader)
    return {pk: count for pk, count in counts.items() if count}

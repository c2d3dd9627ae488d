"""Conflict counts kept per visit, so that a page listing many visits (the dashboard) checks only those whose
conflicts may have changed since they were last checked.

Each visit's conflicts are kept in `KeptConflicts` as the system reads them (nothing masked), with whether
each is acknowledged; PostgreSQL triggers mark a visit's row stale whenever something its conflicts depend
on is written, by any door (the kept_conflicts migration: its sessions and their people, its delegation's
members, venues, experts' hours and exceptions, acknowledgements, travel times, and the sessions of other
visits near its own in time).
A reader's count is then made from the kept conflicts: masked as the reader may read them (two clashes with
one hidden session are one "busy then"), as `visit_conflict_report` counts them.

Stale rows are checked again in one batched pass (`visits_conflicts`) and stored in one statement, unless a
write marked them again meanwhile (their `generation` moved on). Beside the conflicts a row keeps its count
for a reader who may see every visit they name, and those visits: most readers read the count alone.
Without the triggers (SQLite) nothing is kept: every visit is checked afresh.
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
from scheduling.conflict_groups import line_place
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


def summary(pk: int, items: list[Kept]) -> tuple[int, frozenset[int]]:
    """The visit's open count as read by someone who may see every visit its conflicts name, and those
    other visits: a reader who may see them all reads that count, without the conflicts themselves."""
    others = frozenset(v for item in items for _, v in item.conflict.named if v is not None) - {pk}
    return open_count(items, {pk} | others), others


def kept_conflicts(visit_ids: Collection[int]) -> dict[int, list[Kept]]:
    """Each visit's conflicts: as kept where still fresh, checked again (in one pass) and kept where stale."""
    if connection.vendor != "postgresql":
        return checked(visit_ids)
    fresh, stale = read(visit_ids, with_conflicts=True)
    return {**{pk: row.items or [] for pk, row in fresh.items()}, **refreshed(stale)}


@dataclass
class Row:
    generation: int | None  # None: no row (a visit made before the triggers)
    open: int = 0
    others: frozenset[int] = frozenset()
    items: list[Kept] | None = None  # read only when asked for


def read(visit_ids: Collection[int], *, with_conflicts: bool) -> tuple[dict[int, Row], dict[int, Row]]:
    """The visits' kept rows, fresh and stale (one query)."""
    signature = rules_signature()
    fields = ["visit_id", "open", "others", "rules", "stale", "generation"]
    fresh: dict[int, Row] = {}
    stale: dict[int, Row] = {pk: Row(None) for pk in visit_ids}
    for row in KeptConflicts.objects.filter(visit_id__in=list(visit_ids)).values(
        *fields, *(["conflicts"] if with_conflicts else [])
    ):
        pk = row["visit_id"]
        if row["stale"] or row["rules"] != signature:
            stale[pk] = Row(row["generation"])
            continue
        del stale[pk]
        items = [Kept.from_json(item) for item in row["conflicts"]] if with_conflicts else None
        fresh[pk] = Row(row["generation"], row["open"], frozenset(row["others"]), items)
    return fresh, stale


def refreshed(stale: dict[int, Row]) -> dict[int, list[Kept]]:
    """The stale visits checked again in one pass and kept (one statement), unless marked meanwhile."""
    if not stale:
        return {}
    again = checked(list(stale))
    generations = {pk: row.generation for pk, row in stale.items() if row.generation is not None}
    store(again, generations, rules_signature())
    return again


def store(found: dict[int, list[Kept]], generations: dict[int, int], signature: str) -> None:
    """Keep the conflicts checked, each visit's only if no write marked it since its generation was read."""
    visits = [pk for pk in found if pk in generations]
    if not visits:
        return
    summaries = {pk: summary(pk, found[pk]) for pk in visits}
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE scheduling_keptconflicts AS kept
            SET conflicts = checked.conflicts, open = checked.open, others = checked.others, rules = %s,
                stale = false, checked_at = %s
            FROM unnest(%s::bigint[], %s::bigint[], %s::jsonb[], %s::integer[], %s::jsonb[])
                AS checked(visit_id, generation, conflicts, open, others)
            WHERE kept.visit_id = checked.visit_id AND kept.generation = checked.generation
            """,
            [
                signature,
                timezone.now(),
                visits,
                [generations[pk] for pk in visits],
                [json.dumps([item.as_json() for item in found[pk]]) for pk in visits],
                [summaries[pk][0] for pk in visits],
                [json.dumps(sorted(summaries[pk][1])) for pk in visits],
            ],
        )


def open_count(items: Iterable[Kept], visible: set[int]) -> int:
    """As `ConflictReport.open_count` counts them: each conflict once as the reader reads it, in the lines of
    the conflict lists (twelve delegates in two sessions at once are one line); a line is open while it is
    fatal or any conflict in it is not acknowledged."""
    keys: set[str] = set()
    lines: dict[tuple[object, ...], bool] = {}
    for item in items:
        seen = item.conflict.seen_by(visible)
        if seen.key in keys:
            continue
        keys.add(seen.key)
        place = line_place(seen)
        lines[place] = lines.get(place, False) or seen.is_fatal or not item.acknowledged
    return sum(lines.values())


def open_conflict_counts(visit_ids: Collection[int], *, reader: AnyUser | None = None) -> dict[int, int]:
    """Per visit with any: its fatal conflicts and warnings not acknowledged, as the reader reads them (two
    clashes with one hidden session count once). A fixed number of queries whatever the number of visits
    and sessions: the kept rows' counts; the checker's when any is stale; which other visits the reader may
    see when a conflict names one; and the kept conflicts of the visits whose count masking changes."""
    if connection.vendor != "postgresql":
        rows = {pk: Row(None, *summary(pk, items), items) for pk, items in checked(visit_ids).items()}
    else:
        rows, stale = read(visit_ids, with_conflicts=False)
        rows |= {pk: Row(None, *summary(pk, items), items) for pk, items in refreshed(stale).items()}
    others = set().union(*(row.others for row in rows.values()))
    readable = visible_visit_ids(reader, others) if reader is not None and others else set()
    masked = [pk for pk, row in rows.items() if not row.others <= readable]
    unread = [pk for pk in masked if rows[pk].items is None]
    if unread:
        for pk, conflicts in KeptConflicts.objects.filter(visit_id__in=unread).values_list(
            "visit_id", "conflicts"
        ):
            rows[pk].items = [Kept.from_json(item) for item in conflicts]
    counts = {pk: row.open for pk, row in rows.items()}
    counts |= {pk: open_count(rows[pk].items or [], readable | {pk}) for pk in masked}
    return {pk: count for pk, count in counts.items() if count}

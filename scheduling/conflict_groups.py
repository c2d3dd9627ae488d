"""Conflict lists a person can read: the clashes of many people in the same two sessions as one line.

One session overlapping another finds a double booking for each person on both: twelve delegates, twelve
conflicts. Each stays a conflict of its own underneath (its key is what publishing checks and what a warning
is acknowledged under); only the list groups them: "The whole delegation (12) is in two sessions at once".
Pure: conflicts and plain values in, groups out.
"""

import datetime as dt
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from scheduling.conflicts import Conflict, ConflictKind, Severity

# The kinds whose conflicts, one per person, are grouped when they concern the same sessions.
PER_PERSON = frozenset({ConflictKind.PERSON_DOUBLE_BOOKED})
FAR_FUTURE = dt.datetime.max.replace(tzinfo=dt.UTC)


@dataclass(frozen=True)
class ConflictGroup:
    """One line of a conflict list: one conflict, or the per-person conflicts of the same sessions.

    `delegates` is how many of its people are members of the visit's delegation, `delegation_size` how many
    members the delegation has; `others` names the rest (experts, interpreters)."""

    members: tuple[Conflict, ...]
    delegates: int = 0
    delegation_size: int = 0
    others: tuple[str, ...] = ()

    @property
    def first(self) -> Conflict:
        return self.members[0]

    @property
    def kind(self) -> ConflictKind:
        return self.first.kind

    @property
    def severity(self) -> Severity:
        return self.first.severity

    @property
    def is_fatal(self) -> bool:
        return self.first.is_fatal

    @property
    def masked(self) -> bool:
        return self.first.masked

    @property
    def sessions(self) -> tuple[int, ...]:
        return self.first.sessions

    @property
    def keys(self) -> tuple[str, ...]:
        """The keys of every conflict in the line: acknowledging the line acknowledges each of them."""
        return tuple(c.key for c in self.members)

    @property
    def key(self) -> str:
        return self.first.key

    @property
    def whole_delegation(self) -> bool:
        return self.delegates > 1 and self.delegates == self.delegation_size

    def message(self, language: str = "en") -> str:
        if len(self.members) == 1:
            return self.first.message(language)
        from scheduling.conflict_messages import render_group

        return render_group(self, language)


def person_of(conflict: Conflict) -> int | None:
    kind, _, ident = conflict.subject.partition(":")
    return int(ident) if kind == "person" and ident.isdigit() else None


def line_place(conflict: Conflict) -> tuple[object, ...]:
    """Which line of a list the conflict is in: a person's double booking shares a line with everyone else's
    in the same sessions; any other conflict is a line of its own."""
    if conflict.kind in PER_PERSON and person_of(conflict) is not None:
        return (conflict.kind, conflict.sessions, conflict.masked)
    return ("one", conflict.key)


def group_conflicts(
    conflicts: Iterable[Conflict],
    *,
    delegation: Collection[int] = frozenset(),
    starts: Mapping[int, dt.datetime] | None = None,
) -> list[ConflictGroup]:
    """The conflicts as lines: fatal first, then warnings; within each, by the start of their first
    session (when `starts` gives it), each conflict in exactly one line.

    `delegation` is the person ids of the visit's delegation members."""
    lines: dict[tuple[object, ...], list[Conflict]] = {}
    for conflict in conflicts:
        lines.setdefault(line_place(conflict), []).append(conflict)
    groups = [line_of(members, delegation) for members in lines.values()]
    starts = starts or {}

    def order(group: ConflictGroup) -> tuple[bool, dt.datetime, str]:
        first = min((starts[s] for s in group.sessions if s in starts), default=FAR_FUTURE)
        return (not group.is_fatal, first, group.kind)

    return sorted(groups, key=order)


def line_of(members: list[Conflict], delegation: Collection[int]) -> ConflictGroup:
    if len(members) == 1:
        return ConflictGroup((members[0],))
    delegates = [c for c in members if person_of(c) in delegation]
    if len(delegates) < 2:  # one delegate is named like anyone else
        delegates = []
    others = tuple(dict(c.params).get("person", "") for c in members if c not in delegates)
    ordered = tuple(delegates) + tuple(c for c in members if c not in delegates)
    return ConflictGroup(ordered, len(delegates), len(delegation), others)


def groups_by_session(groups: Iterable[ConflictGroup]) -> dict[int, list[ConflictGroup]]:
    """Each session's lines: a line of two sessions is in both."""
    found: dict[int, list[ConflictGroup]] = {}
    for group in groups:
        for session in group.sessions:
            found.setdefault(session, []).append(group)
    return found

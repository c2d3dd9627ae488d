"""What publishing a programme would do, read from the database and nothing saved: the change set in words,
and the conflicts, the warnings with who acknowledged them. The admin's programme page, the planner's publish
page and the API's preview show the same rows.

The preview is computed as `programme_publish` computes its changes. Each part is read in a fixed number of
queries, so a programme of fifty sessions costs what one of five does.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import User
from django.utils import translation
from django.utils.translation import gettext

from scheduling.change_words import ChangeRow, Preview, describe_change, people_in_words, summarise
from scheduling.checks import ConflictReport, visit_conflict_report
from scheduling.conflict_groups import ConflictGroup
from scheduling.domain.changes import ChangeSpec, Kind, Recipient, SessionSnapshot, compute_changes
from scheduling.fixes import Fix, fixes_for
from scheduling.models import ChangeKind, ProgrammeVersion
from scheduling.publishing import NOTHING_TO_PUBLISH, programme_snapshot
from scheduling.selectors import changes_of_version
from visits.access import AnyUser
from visits.models import Person, Venue, Visit
from visits.timefmt import format_moment


@dataclass(frozen=True)
class ConflictRow:
    key: str
    message: str
    sessions: list[tuple[str, str]]  # (title, address or "") of this visit's sessions in the conflict
    acknowledged_by: str = ""
    acknowledged_at: str = ""
    keys: tuple[str, ...] = ()  # every conflict the line stands for (scheduling.conflict_groups)
    session_ids: tuple[int, ...] = ()
    fix: Fix | None = None  # its obvious fix, where there is one (scheduling.fixes)


@dataclass(frozen=True)
class PublishCheck:
    """What the publish pages show: the version it would follow, the change set in words, the conflicts."""

    previous: ProgrammeVersion | None
    preview: Preview
    fatal: list[ConflictRow]
    warnings: list[ConflictRow]


def user_name(user: User | None) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else "–"


def latest_version(visit: Visit) -> ProgrammeVersion | None:
    return ProgrammeVersion.objects.filter(visit=visit).order_by("-number").first()


def programme_preview(
    visit: Visit, previous: ProgrammeVersion | None, current: Mapping[str, SessionSnapshot]
) -> Preview:
    """What publishing `current` would change, computed as programme_publish does, and nothing saved."""
    before: dict[str, SessionSnapshot] | None = previous.snapshot if previous is not None else None
    changes = compute_changes(before, current)
    if not changes:
        if previous is None:
            summary = str(NOTHING_TO_PUBLISH)
        else:
            summary = gettext("Nothing has changed since version %(number)d.") % {"number": previous.number}
        return Preview(summary, [])

    sessions = {**(before or {}), **current}
    venue_ids = {s["venue_id"] for s in sessions.values() if s["venue_id"] is not None}
    venue_zones = dict(Venue.objects.filter(pk__in=venue_ids).values_list("pk", "time_zone"))
    people = {r.person_id for change in changes for r in change.recipients}
    names = dict(Person.objects.filter(pk__in=people).values_list("pk", "name")) if people else {}

    def zone_of(change: ChangeSpec) -> ZoneInfo:
        venue_id = sessions[str(change.session_id)]["venue_id"]
        return ZoneInfo(venue_zones[venue_id]) if venue_id in venue_zones else visit.zone

    rows = [
        ChangeRow(
            kind=str(ChangeKind(change.kind).label),
            session=change.session_title,
            detail=describe_change(change, zone_of(change), names),
            people=people_in_words(change.recipients, names),
        )
        for change in changes
    ]
    return Preview(summarise(changes), rows)


def visit_preview(visit: Visit) -> Preview:
    """What publishing the visit's programme now would change; nothing saved."""
    return programme_preview(visit, latest_version(visit), programme_snapshot(visit))


def publish_check(
    visit: Visit, *, reader: AnyUser, session_url: Callable[[int], str] | None = None
) -> PublishCheck:
    """Everything a publish page shows the reader of the visit, its sessions linked by `session_url` if
    given. A clash with a session of a visit the reader may not see says only "busy" (scheduling.checks)."""
    previous = latest_version(visit)
    current = programme_snapshot(visit)
    report = visit_conflict_report(visit, reader=reader)
    titles = {session["id"]: session["title"] for session in current.values()}
    fatal, warnings = conflict_rows(report, visit, titles, session_url=session_url)
    return PublishCheck(previous, programme_preview(visit, previous, current), fatal, warnings)


def version_changes(version: ProgrammeVersion) -> list[ChangeSpec]:
    """The changes a published version stored, as the change set that was computed when it was published."""
    return [
        ChangeSpec(
            kind=Kind(change.kind),
            session_id=change.session_key,
            session_title=change.session_title,
            sequence=change.sequence,
            before=change.before,
            after=change.after,
            recipients=tuple(Recipient(r.person_id, r.role, r.action) for r in change.recipients.all()),
        )
        for change in changes_of_version(version)
    ]


def conflict_rows(
    report: ConflictReport,
    visit: Visit,
    titles: Mapping[int, str],
    *,
    session_url: Callable[[int], str] | None = None,
) -> tuple[list[ConflictRow], list[ConflictRow]]:
    """The fatal conflicts and the warnings in the request's language, a line each (the per-person clashes of
    the same sessions grouped, scheduling.conflict_groups); warnings with who acknowledged them, once every
    conflict of their line is.

    Each names this visit's sessions in it, with the address `session_url` gives (none without it)."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    users = User.objects.in_bulk({a.acknowledged_by_id for a in report.acknowledged.values()})

    def row(group: ConflictGroup) -> ConflictRow:
        sessions = [
            (titles[pk], session_url(pk) if session_url is not None else "")
            for pk in group.sessions
            if pk in titles
        ]
        own = tuple(pk for pk in group.sessions if pk in titles)
        fix = fixes.get(group.key)
        acknowledgement = None if group.is_fatal else report.acknowledgement_of(group)
        if acknowledgement is None:
            return ConflictRow(
                group.key, group.message(language), sessions, keys=group.keys, session_ids=own, fix=fix
            )
        return ConflictRow(
            group.key,
            group.message(language),
            sessions,
            acknowledged_by=user_name(users.get(acknowledgement.acknowledged_by_id)),
            acknowledged_at=format_moment(acknowledgement.acknowledged_at, visit.zone),
            keys=group.keys,
            session_ids=own,
            fix=fix,
        )

    groups = report.groups()
    fixes = fixes_for(groups, visit.pk)
    return [row(g) for g in groups if g.is_fatal], [row(g) for g in groups if not g.is_fatal]

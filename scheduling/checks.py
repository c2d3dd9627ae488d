"""The database side of conflict checking: read slots and context, run the pure checker, report.

Two entry points: `session_conflicts` for one session being edited (the database finds its neighbours with
an indexed range query, so the cost grows with the neighbours, not with the sessions stored), and
`visit_conflict_report` for a whole programme, including clashes with every other visit; it is
`visits_conflict_reports`, which reports on many programmes at once, asked about one. The dashboard reads
counts of them kept per visit (scheduling.kept).

Each takes the `reader`, whom the conflicts are shown to: a clash with a session of a visit the reader may
not see (visits.access) says only that the person is busy or the venue booked then, in another visit
(`Conflict.seen_by`). Without a reader (the system, text kept or sent to nobody in particular) only the
visit's own sessions are named, as every coordinator of the visit may read them.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from functools import cache

import holidays as holiday_calendars
from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Max, Q, QuerySet
from django.utils import translation

from scheduling.availability import Calendar, DatedException, WeeklyHours
from scheduling.conflict_groups import ConflictGroup, group_conflicts
from scheduling.conflicts import Conflict, Context, Rules, Slot, conflicts_of, find_conflicts
from scheduling.models import (
    AvailabilityException,
    CityTravelTime,
    ConflictAcknowledgement,
    ExpertHours,
    TravelTime,
)
from visits.access import AnyUser, visible_visit_ids
from visits.models import (
    NOT_INTERPRETING,
    DelegationMember,
    OpeningHours,
    Person,
    Session,
    SessionExpert,
    Visit,
)
from visits.roster import Roster, chosen_members_only, on_roster

UNSAVED_ID = 0


def rules_from_settings() -> Rules:
    return Rules(
        max_day_hours=settings.SCHEDULING_MAX_DAY_HOURS,
        max_sessions_per_day=settings.SCHEDULING_MAX_SESSIONS_PER_DAY,
        min_meal_break_minutes=settings.SCHEDULING_MIN_MEAL_BREAK_MINUTES,
        same_city_travel_minutes=settings.SCHEDULING_SAME_CITY_TRAVEL_MINUTES,
        other_city_travel_minutes=settings.SCHEDULING_OTHER_CITY_TRAVEL_MINUTES,
    )


# --- Reading slots ------------------------------------------------------------------------------------------


def with_people(sessions: QuerySet[Session]) -> list[tuple[Session, Roster]]:
    """The sessions with the related rows a Slot needs and each one's roster, in two queries whatever the
    number of sessions and people."""
    rows = list(sessions.select_related("visit", "visit__delegation", "venue"))
    rosters = Session.objects.rosters(rows)
    return [(session, rosters[session.pk]) for session in rows]


def slot_of(session: Session, roster: Roster) -> Slot:
    """The checker's view of a session with the people on it. An expert who declined is not on it."""
    visit, venue = session.visit, session.venue
    delegation = visit.delegation
    return Slot(
        id=session.pk or UNSAVED_ID,
        title=session.title,
        start=session.starts_at,
        end=session.ends_at,
        visit_id=visit.pk,
        zone=venue.time_zone if venue else visit.time_zone,
        visit_zone=visit.time_zone,
        window=None if session.outside_visit_dates else visit.compute_window(),
        country=str(visit.country.code) if visit.country else "SE",
        venue_id=venue.pk if venue else None,
        venue_name=venue.name if venue else "",
        city=venue.city if venue else visit.city,
        capacity=venue.capacity if venue else None,
        delegation_id=delegation.pk if delegation else None,
        delegation_name=delegation.name if delegation else "",
        delegation_languages=frozenset(delegation.languages) if delegation else frozenset(),
        experts=leading(roster),
        interpreters=interpreting(roster),
        participants=roster.participants,
        kind=session.kind,
        language=session.language,
        interpreter_needed=session.interpreter_needed,
        interpretation_language=session.interpretation_language,
    )


def leading(roster: Roster) -> frozenset[int]:
    """The experts on the session as the checker sees it: those who have not declined."""
    return frozenset(p for p in roster.experts if roster.responses.get(p) != SessionExpert.Response.DECLINED)


def interpreting(roster: Roster) -> frozenset[int]:
    """The interpreters on the session as the checker sees it: those who have not declined or passed it on (a
    language they covered is uncovered again)."""
    return frozenset(
        p for p in roster.interpreters if roster.interpreter_responses.get(p) not in NOT_INTERPRETING
    )


def neighbours(slots: list[Slot], *, buffer: dt.timedelta, exclude: Iterable[int] = ()) -> QuerySet[Session]:
    """Active sessions near the slots in time that share a person (in any role) or a venue with them."""
    start = min(s.start for s in slots) - buffer
    end = max(s.end for s in slots) + buffer
    people = {p for s in slots for p in s.people}
    venues = {s.venue_id for s in slots if s.venue_id is not None}
    # Two steps on purpose: the range index finds the few sessions near in time; only then are they joined
    # to people. One query with both lets the planner join whole tables first, which grows with all rows.
    near = list(
        Session.objects.overlapping(start, end)
        .active()
        .exclude(pk__in=list(exclude))
        .values_list("pk", flat=True)
    )
    sharing = Q(venue_id__in=venues) | on_roster(people)
    ids = Session.objects.filter(pk__in=near).filter(sharing).values("pk").distinct()
    return Session.objects.filter(pk__in=ids)


# --- Reading the context ------------------------------------------------------------------------------------


def travel_buffer(rules: Rules) -> dt.timedelta:
    """The longest journey that could make two sessions clash: how far apart in time to look for them."""
    longest = max(
        rules.same_city_travel_minutes,
        rules.other_city_travel_minutes,
        TravelTime.objects.aggregate(m=Max("minutes"))["m"] or 0,
        CityTravelTime.objects.aggregate(m=Max("minutes"))["m"] or 0,
    )
    return dt.timedelta(minutes=longest)


@cache
def holidays_of(country: str, year: int, language: str) -> dict[dt.date, str]:
    try:
        calendar = holiday_calendars.country_holidays(country, years=year)
    except NotImplementedError:
        return {}
    supported = getattr(calendar, "supported_languages", ())
    wanted = next((code for code in supported if code.split("_")[0] == language), None)
    categories = tuple(
        c for c in ("public", "de_facto") if c in getattr(calendar, "supported_categories", ())
    )
    calendar = holiday_calendars.country_holidays(
        country, years=year, language=wanted, categories=categories or ("public",)
    )
    return dict(calendar.items())


def context_for(slots: list[Slot], rules: Rules | None = None) -> Context:
    rules = rules or rules_from_settings()
    people = {p for s in slots for p in s.people}
    experts = {p for s in slots for p in s.experts}
    venues = {s.venue_id for s in slots if s.venue_id is not None}
    language = (translation.get_language() or "en").split("-")[0]

    holidays: dict[str, dict[dt.date, str]] = defaultdict(dict)
    for slot in slots:
        for year in {slot.start.year, slot.end.year}:
            holidays[slot.country].update(holidays_of(slot.country, year, language))

    names = dict(Person.objects.filter(pk__in=people).values_list("pk", "name"))
    zones = dict(Person.objects.filter(pk__in=experts).values_list("pk", "home_time_zone"))
    weekly: dict[int, list[WeeklyHours]] = defaultdict(list)
    for hours in ExpertHours.objects.filter(person_id__in=experts):
        weekly[hours.person_id].append(WeeklyHours(hours.weekday, hours.starts, hours.ends))
    venue_weekly: dict[int, list[WeeklyHours]] = defaultdict(list)
    for opening in OpeningHours.objects.filter(venue_id__in=venues):
        venue_weekly[opening.venue_id].append(WeeklyHours(opening.weekday, opening.opens, opening.closes))
    person_exceptions: dict[int, list[DatedException]] = defaultdict(list)
    venue_exceptions: dict[int, list[DatedException]] = defaultdict(list)
    for row in AvailabilityException.objects.filter(Q(person_id__in=experts) | Q(venue_id__in=venues)):
        exception = DatedException(
            row.starts_on, row.ends_on, row.kind == AvailabilityException.Kind.ONLY, row.starts, row.ends
        )
        if row.person_id is not None:
            person_exceptions[row.person_id].append(exception)
        elif row.venue_id is not None:
            venue_exceptions[row.venue_id].append(exception)
    venue_zones = {s.venue_id: s.zone for s in slots if s.venue_id is not None}

    return Context(
        people=names,
        expert_calendars={
            p: Calendar(zones[p], tuple(weekly[p]), tuple(person_exceptions[p]))
            for p in experts
            if p in zones and (weekly[p] or person_exceptions[p])
        },
        venue_calendars={
            v: Calendar(venue_zones[v], tuple(venue_weekly[v]), tuple(venue_exceptions[v]))
            for v in venues
            if venue_weekly[v] or venue_exceptions[v]
        },
        holidays=holidays,
        venue_travel={
            (t.venue_a_id, t.venue_b_id): t.minutes
            for t in TravelTime.objects.filter(venue_a_id__in=venues, venue_b_id__in=venues)
        },
        city_travel={(c.city_a, c.city_b): c.minutes for c in CityTravelTime.objects.all()},
        rules=rules,
    )


# --- What the reader may read -------------------------------------------------------------------------------


def readable_visits(reader: AnyUser | None, conflicts: Iterable[Conflict], own: Collection[int]) -> set[int]:
    """The visits whose sessions the conflicts may name to the reader: `own`, reached through the access
    module already, and those of the others the reader may see. One query, none without other visits."""
    others = {visit for c in conflicts for _, visit in c.named if visit is not None} - set(own)
    if reader is None or not others:
        return set(own)
    return set(own) | visible_visit_ids(reader, others)


def as_read_by(reader: AnyUser | None, conflicts: list[Conflict], own: Collection[int]) -> list[Conflict]:
    """The conflicts as the reader may read them, each once: two clashes of a session with hidden sessions
    of one person are one "busy then" to the reader."""
    visible = readable_visits(reader, conflicts, own)
    shown: dict[str, Conflict] = {}
    for conflict in conflicts:
        seen = conflict.seen_by(visible)
        shown.setdefault(seen.key, seen)
    return list(shown.values())


# --- Entry points -------------------------------------------------------------------------------------------


def session_conflicts(
    session: Session,
    *,
    experts: Iterable[int] | None = None,
    interpreters: Iterable[int] | None = None,
    participants: Iterable[int] | None = None,
    reader: AnyUser | None = None,
) -> list[Conflict]:
    """The conflicts of one session, saved or proposed, against everything stored around it, as the reader
    may read them (the session's visit is the reader's).

    People given (person ids) stand for the session's own (a proposal); `experts` are those who lead it.
    """
    if session.status == Session.Status.CANCELLED:
        return []
    rules = rules_from_settings()
    if experts is None or interpreters is None or participants is None:
        stored = Session.objects.roster_of(session)
    else:
        stored = Roster()
    roster = Roster(
        experts=frozenset(experts) if experts is not None else leading(stored),
        interpreters=frozenset(interpreters) if interpreters is not None else interpreting(stored),
        participants=frozenset(participants) if participants is not None else stored.participants,
    )
    slot = slot_of(session, roster)
    zone = slot.visit_zone
    from zoneinfo import ZoneInfo

    day_start = dt.datetime.combine(slot.start.astimezone(ZoneInfo(zone)).date(), dt.time.min, ZoneInfo(zone))
    day_end = day_start + dt.timedelta(days=1)
    near = neighbours([slot], buffer=travel_buffer(rules), exclude=[slot.id])
    same_day = Session.objects.filter(visit_id=slot.visit_id).active().overlapping(day_start, day_end)
    others = with_people((near | same_day.exclude(pk=slot.id)).distinct())
    slots = [slot, *(slot_of(s, r) for s, r in others)]
    return as_read_by(reader, conflicts_of(slot.id, slots, context_for(slots, rules)), own={slot.visit_id})


def proposal_conflicts(
    session: Session,
    *,
    experts: Iterable[int],
    participants: Iterable[int] | None = None,
    interpreters: Iterable[int] | None = None,
    reader: AnyUser | None = None,
) -> list[Conflict]:
    """The conflicts of a session as an editor (the `reader`) proposes it, nothing saved.

    `session` carries the proposed fields: unsaved changes to a stored session, or a new one. A declined
    expert is not on a stored session, as the checker sees it. Its chosen members are `participants` and its
    interpreters `interpreters` (person ids), when given; otherwise a stored session keeps its own and a new
    one has none.
    """
    stored = Session.objects.roster_of(session)  # as `session` has it: a new one has only its delegation
    declined = stored.experts - leading(stored)
    not_interpreting = stored.interpreters - interpreting(stored)
    chosen = participants if chosen_members_only(session) and participants is not None else None
    return session_conflicts(
        session,
        experts=set(experts) - declined,
        interpreters=set(stored.interpreters if interpreters is None else interpreters) - not_interpreting,
        participants=stored.participants if chosen is None else chosen,
        reader=reader,
    )


def delegation_members(delegation_ids: Collection[int | None]) -> dict[int, frozenset[int]]:
    """The person ids of each delegation's members, in one query (none without a delegation)."""
    wanted = {pk for pk in delegation_ids if pk is not None}
    members: dict[int, set[int]] = defaultdict(set)
    if wanted:
        rows = DelegationMember.objects.filter(delegation_id__in=wanted)
        for delegation_id, person_id in rows.values_list("delegation_id", "person_id"):
            members[delegation_id].add(person_id)
    return {pk: frozenset(members[pk]) for pk in wanted}


def session_conflict_groups(session: Session, conflicts: list[Conflict]) -> list[ConflictGroup]:
    """One session's conflicts as the lines of its conflict list (scheduling.conflict_groups)."""
    if not conflicts:
        return []
    delegation_id = session.visit.delegation_id
    members = delegation_members([delegation_id]) if delegation_id is not None else {}
    return group_conflicts(conflicts, delegation=members.get(delegation_id or 0, frozenset()))


@dataclass
class ConflictReport:
    """A visit's conflicts as one reader may read them, and the acknowledged warnings by the key read.

    `delegation` (its members' person ids) and `starts` (each session's start) are what its lines need:
    `groups` lists the conflicts grouped, in order, each once."""

    conflicts: list[Conflict]
    acknowledged: dict[str, ConflictAcknowledgement] = field(default_factory=dict)
    delegation: frozenset[int] = frozenset()
    starts: dict[int, dt.datetime] = field(default_factory=dict)

    def groups(self) -> list[ConflictGroup]:
        return group_conflicts(self.conflicts, delegation=self.delegation, starts=self.starts)

    def open_count(self) -> int:
        """The lines a coordinator still has to act on: fatal ones, and warnings not acknowledged (a line of
        twelve delegates in two sessions at once counts once, as the lists show it)."""
        return sum(1 for g in self.groups() if g.is_fatal or self.acknowledgement_of(g) is None)

    def acknowledgement_of(self, group: ConflictGroup) -> ConflictAcknowledgement | None:
        """The line's acknowledgement when every conflict in it is acknowledged, else None."""
        found = [self.acknowledged.get(key) for key in group.keys]
        return found[0] if all(found) else None

    @property
    def fatal(self) -> list[Conflict]:
        return [c for c in self.conflicts if c.is_fatal]

    @property
    def warnings(self) -> list[Conflict]:
        return [c for c in self.conflicts if not c.is_fatal]

    @property
    def open_warnings(self) -> list[Conflict]:
        return [c for c in self.warnings if c.key not in self.acknowledged]

    def get(self, key: str) -> Conflict | None:
        """The conflict with this key, or None when it no longer arises."""
        return next((c for c in self.conflicts if c.key == key), None)

    def by_session(self) -> dict[int, list[Conflict]]:
        grouped: dict[int, list[Conflict]] = defaultdict(list)
        for item in self.conflicts:
            for session_id in item.sessions:
                grouped[session_id].append(item)
        return grouped


def visit_conflict_report(visit: Visit, *, reader: AnyUser | None = None) -> ConflictReport:
    """Every conflict of a visit's programme, including clashes with sessions of other visits, as the reader
    may read them."""
    return visits_conflict_reports([visit.pk], reader=reader)[visit.pk]


def visits_conflict_reports(
    visit_ids: Collection[int], *, reader: AnyUser | None = None
) -> dict[int, ConflictReport]:
    """The conflict report of each visit, for many at once in a fixed number of queries. The visits are the
    reader's (reached through the access module); other visits' sessions are named to the reader only where
    the reader may see them.

    Each visit's own sessions are checked against each other and against every active session near them in
    time that shares a person or a venue; a conflict is in the report of every visit whose sessions it
    involves. A visit's report is the same asked alone or with others (`visits_conflicts`).
    """
    found = visits_conflicts(visit_ids)
    everything = [conflict for conflicts in found.values() for conflict in conflicts]
    readable = readable_visits(reader, everything, own=visit_ids) if reader is not None else set()
    acknowledged = acknowledgements_of([pk for pk, conflicts in found.items() if conflicts])
    # What the lines need (scheduling.conflict_groups): each delegation's members, each session's start.
    delegation_of = dict(Visit.objects.filter(pk__in=list(visit_ids)).values_list("pk", "delegation_id"))
    members = delegation_members(delegation_of.values())
    named = {pk for conflict in everything for pk in conflict.sessions}
    starts = dict(
        Session.objects.filter(Q(visit_id__in=list(visit_ids)) | Q(pk__in=named)).values_list(
            "pk", "starts_at"
        )
    )
    reports = {}
    for visit_id in visit_ids:
        report = report_of(visit_id, found[visit_id], readable | {visit_id}, acknowledged[visit_id])
        delegation_id = delegation_of.get(visit_id)
        report.delegation = members.get(delegation_id, frozenset()) if delegation_id else frozenset()
        report.starts = starts
        reports[visit_id] = report
    return reports


def acknowledgements_of(visit_ids: Collection[int]) -> dict[int, dict[str, ConflictAcknowledgement]]:
    """The visits' acknowledged warnings by key; one query, none for no visits."""
    acknowledged: dict[int, dict[str, ConflictAcknowledgement]] = defaultdict(dict)
    if visit_ids:
        for acknowledgement in ConflictAcknowledgement.objects.filter(visit_id__in=list(visit_ids)):
            acknowledged[acknowledgement.visit_id][acknowledgement.key] = acknowledgement
    return acknowledged


def visits_conflicts(visit_ids: Collection[int]) -> dict[int, list[Conflict]]:
    """Each visit's conflicts as the system reads them (nothing masked), fatal first, for many visits in a
    fixed number of queries: the sessions of all of them and their neighbours are read at once, then each
    visit is checked against its own neighbours only, so that its conflicts do not depend on which other
    visits are asked about with it (a delegation's long day is the same whether or not its other visit that
    day is asked about too)."""
    rules = rules_from_settings()
    own = with_people(Session.objects.filter(visit_id__in=visit_ids).active())
    if not own:
        return {visit_id: [] for visit_id in visit_ids}
    buffer = travel_buffer(rules)
    own_slots = [slot_of(s, r) for s, r in own]
    others = with_people(neighbours(own_slots, buffer=buffer).exclude(visit_id__in=visit_ids))
    pool = [(slot_of(s, r), r) for s, r in [*own, *others]]
    context = context_for([slot for slot, _ in pool], rules)
    by_visit: dict[int, list[Slot]] = defaultdict(list)
    for slot in own_slots:
        by_visit[slot.visit_id].append(slot)
    found: dict[int, list[Conflict]] = {}
    for visit_id in visit_ids:
        mine = by_visit.get(visit_id, [])
        if not mine:
            found[visit_id] = []
            continue
        slots = mine + near_in(pool, mine, buffer=buffer)
        ids = {slot.id for slot in mine}
        found[visit_id] = [c for c in find_conflicts(slots, context) if ids.intersection(c.sessions)]
    return found


def on_it(roster: Roster) -> frozenset[int]:
    """Everyone on a session's roster, in any role, a declined expert too."""
    return roster.experts | roster.interpreters | roster.participants


def near_in(pool: Iterable[tuple[Slot, Roster]], slots: list[Slot], *, buffer: dt.timedelta) -> list[Slot]:
    """The slots of the pool that `neighbours` would find for these slots of one visit, read from the pool
    instead of the database: of another visit, near in time, sharing a venue or a person on the roster (a
    declined expert too, as `on_roster` finds them)."""
    start = min(s.start for s in slots) - buffer
    end = max(s.end for s in slots) + buffer
    people = {p for s in slots for p in s.people}
    venues = {s.venue_id for s in slots if s.venue_id is not None}
    visit_id = slots[0].visit_id
    return [
        slot
        for slot, roster in pool
        if slot.visit_id != visit_id
        and slot.start < end
        and slot.end > start
        and (slot.venue_id in venues or not people.isdisjoint(on_it(roster)))
    ]


def report_of(
    visit_id: int,
    conflicts: list[Conflict],
    visible: set[int],
    acknowledgements: dict[str, ConflictAcknowledgement],
) -> ConflictReport:
    """One visit's report for a reader who may see the visits `visible`. A warning is acknowledged under its
    key as the visit names it (`as_recorded`), whoever acknowledged it and whoever reads it."""
    report = ConflictReport([])
    keys: set[str] = set()
    for conflict in conflicts:
        seen = conflict.seen_by(visible)
        if seen.key in keys:
            continue
        keys.add(seen.key)
        report.conflicts.append(seen)
        # Or under the key it had before keys hid other visits' sessions.
        acknowledgement = acknowledgements.get(as_recorded(conflict, visit_id).key) or acknowledgements.get(
            conflict.key
        )
        if acknowledgement is not None:
            report.acknowledged[seen.key] = acknowledgement
    return report


def as_recorded(conflict: Conflict, visit_id: int) -> Conflict:
    """The conflict as every coordinator of the visit may read it: what an acknowledgement records (its key,
    its message), so that it holds for each of them and names nothing of a visit one of them may not see."""
    return conflict.seen_by({visit_id})


class CannotAcknowledge(ValueError):
    pass


def conflict_acknowledge(*, visit: Visit, conflict: Conflict, actor: User) -> ConflictAcknowledgement:
    """Record that a coordinator accepts a warning. Fatal conflicts must be resolved, not acknowledged."""
    if conflict.is_fatal:
        raise CannotAcknowledge(
            translation.gettext("A fatal conflict cannot be acknowledged; it must be resolved: %(message)s")
            % {"message": conflict.message(translation.get_language() or "en")}
        )
    recorded = as_recorded(conflict, visit.pk)
    try:
        with transaction.atomic():
            return ConflictAcknowledgement.objects.create(
                visit=visit, key=recorded.key, message=recorded.message("en"), acknowledged_by=actor
            )
    except IntegrityError:
        return ConflictAcknowledgement.objects.get(visit=visit, key=recorded.key)


def warnings_acknowledge(*, visit: Visit, keys: Collection[str], actor: User) -> list[Conflict]:
    """Acknowledge each of the visit's conflicts with these keys (a grouped line's), as `warning_acknowledge`
    does one: all or none, the conflicts acknowledged (those that no longer arise left out)."""
    report = visit_conflict_report(visit, reader=actor)
    found = [c for c in (report.get(key) for key in dict.fromkeys(keys)) if c is not None]
    with transaction.atomic():
        for conflict in found:
            conflict_acknowledge(visit=visit, conflict=conflict, actor=actor)
    return found


def warning_acknowledge(*, visit: Visit, key: str, actor: User) -> Conflict | None:
    """Acknowledge the visit's conflict with this key (as the actor reads it), as every front end does: the
    conflict acknowledged, or None when it no longer arises. CannotAcknowledge for a fatal one."""
    conflict = visit_conflict_report(visit, reader=actor).get(key)
    if conflict is not None:
        conflict_acknowledge(visit=visit, conflict=conflict, actor=actor)
    return conflict

"""Who could lead a session instead of an expert who declined: experts from the directory, best first.

A candidate is an expert the reader may see (visits.access: never a delegation's member) who is not on the
session already and speaks its language (it is their preferred language, or they have led a session held in
it). They are free then when their weekly hours and exceptions cover the session (scheduling.availability)
and no other live session has them leading or interpreting at the same time; the others are listed apart,
with the reason, and a session of a visit the reader may not see says only "busy". The free ones are ranked
by the similar sessions they have led (confirmed): at the same host organisation, on one of the visit's
themes, of the same kind. A fixed number of queries, whatever the size of the directory.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Value
from django.utils.translation import gettext, ngettext

from responses.decisions import may_be_asked
from scheduling.availability import Calendar, DatedException, WeeklyHours
from scheduling.models import AvailabilityException, ExpertHours
from visits.access import visible_visit_ids
from visits.models import Organisation, Person, Session, SessionExpert, SessionInterpreter

MOST = 10  # candidates listed of each kind
NONE = Value(0, output_field=IntegerField())
NOT_LEADING = (SessionExpert.Response.DECLINED, SessionExpert.Response.PASSED)


@dataclass(frozen=True)
class Candidate:
    person: Person
    score: int
    reasons: list[str]
    busy: str = ""  # why they are not free then; empty when they are


def _experts() -> Q:
    """The directory's experts: at a host organisation, with weekly hours, or asked to lead a session."""
    return (
        Q(organisation__side=Organisation.Side.HOST)
        | Exists(ExpertHours.objects.filter(person=OuterRef("pk")))
        | Exists(SessionExpert.objects.filter(person=OuterRef("pk")))
    )


def _speaks(language: str) -> Q:
    if not language:
        return Q()
    held_in = SessionExpert.objects.filter(
        person=OuterRef("pk"), response=SessionExpert.Response.CONFIRMED, session__language=language
    )
    return Q(preferred_language=language) | Q(Exists(held_in))


def _led(condition: Q) -> Count:
    return Count(
        "expert_roles",
        filter=Q(expert_roles__response=SessionExpert.Response.CONFIRMED) & condition,
        distinct=True,
    )


def _calendars(people: Sequence[Person]) -> dict[int, Calendar]:
    """Each person's availability in their home zone. Two queries."""
    ids = [p.pk for p in people]
    weekly: dict[int, list[WeeklyHours]] = defaultdict(list)
    for hours in ExpertHours.objects.filter(person_id__in=ids):
        weekly[hours.person_id].append(WeeklyHours(hours.weekday, hours.starts, hours.ends))
    exceptions: dict[int, list[DatedException]] = defaultdict(list)
    for row in AvailabilityException.objects.filter(person_id__in=ids):
        assert row.person_id is not None  # asked for by person
        exceptions[row.person_id].append(
            DatedException(
                row.starts_on, row.ends_on, row.kind == AvailabilityException.Kind.ONLY, row.starts, row.ends
            )
        )
    return {p.pk: Calendar(p.home_time_zone, tuple(weekly[p.pk]), tuple(exceptions[p.pk])) for p in people}


def _bookings(session: Session, people: Sequence[Person]) -> dict[int, Session]:
    """The live session, other than this one, that each person leads or interprets at the same time. Two
    queries."""
    ids = [p.pk for p in people]
    clashing = Session.objects.active().overlapping(session.starts_at, session.ends_at).exclude(pk=session.pk)
    found: dict[int, Session] = {}
    for row in (
        SessionExpert.objects.filter(session__in=clashing, person_id__in=ids)
        .exclude(response__in=NOT_LEADING)
        .select_related("session")
    ):
        found.setdefault(row.person_id, row.session)
    for interpreting in SessionInterpreter.objects.filter(
        session__in=clashing, person_id__in=ids
    ).select_related("session"):
        found.setdefault(interpreting.person_id, interpreting.session)
    return found


def _reasons(person: Person, session: Session) -> tuple[int, list[str]]:
    here, themed, kind = person.led_here, person.led_theme, person.led_kind  # type: ignore[attr-defined]
    reasons = []
    if here and session.host_organisation is not None:
        reasons.append(
            ngettext(
                "has led %(count)d session at %(host)s",
                "has led %(count)d sessions at %(host)s",
                here,
            )
            % {"count": here, "host": session.host_organisation.name}
        )
    if themed:
        reasons.append(
            ngettext(
                "has led %(count)d session on this visit's themes",
                "has led %(count)d sessions on this visit's themes",
                themed,
            )
            % {"count": themed}
        )
    if kind:
        reasons.append(
            ngettext(
                "has led %(count)d session of this kind (%(kind)s)",
                "has led %(count)d sessions of this kind (%(kind)s)",
                kind,
            )
            % {"count": kind, "kind": session.get_kind_display().lower()}
        )
    if session.language and person.preferred_language == session.language:
        reasons.append(gettext("speaks the session's language"))
    elif session.language:
        reasons.append(gettext("has led sessions in the session's language"))
    return 3 * here + 2 * themed + kind, reasons


def candidates(session: Session, *, reader: User | AnonymousUser) -> tuple[list[Candidate], list[Candidate]]:
    """Who could lead the session: those free then, best first, and those who are not, with why. The
    session comes with its visit and host organisation (access_session). Seven queries."""
    user = reader if isinstance(reader, User) else None
    themes = list(session.visit.themes.values_list("pk", flat=True))
    people = list(
        Person.objects.filter(may_be_asked(user, session) if user else Q(pk__in=[]))
        .filter(_experts())
        .filter(_speaks(session.language))
        .select_related("organisation")
        .annotate(
            led_here=_led(Q(expert_roles__session__host_organisation=session.host_organisation_id))
            if session.host_organisation_id
            else NONE,
            led_theme=_led(Q(expert_roles__session__visit__themes__in=themes)) if themes else NONE,
            led_kind=_led(Q(expert_roles__session__kind=session.kind)),
        )
        .order_by("name", "pk")
    )
    calendars = _calendars(people)
    bookings = _bookings(session, people)
    seen = visible_visit_ids(reader, {s.visit_id for s in bookings.values()})
    free: list[Candidate] = []
    taken: list[Candidate] = []
    for person in people:
        score, reasons = _reasons(person, session)
        booked = bookings.get(person.pk)
        if booked is not None:
            busy = (
                gettext("busy then: “%(session)s”") % {"session": booked.title}
                if booked.visit_id in seen
                else gettext("busy then")
            )
            taken.append(Candidate(person, score, reasons, busy))
        elif not calendars[person.pk].covers(session.starts_at, session.ends_at):
            taken.append(Candidate(person, score, reasons, gettext("not available then")))
        else:
            free.append(Candidate(person, score, reasons))
    free.sort(key=lambda c: (-c.score, c.person.name))
    taken.sort(key=lambda c: (-c.score, c.person.name))
    return free[:MOST], taken[:MOST]

"""The report to government (issue 19): what the agency did in a period and for whom, as sections of figures.

Every figure is counted by the database (GROUP BY with COUNT and SUM over the sessions' lengths), so a report
costs the same number of queries over one year as over five: a few for the summary and one per section. What
Python does afterwards is proportional to the number of groups (countries, themes, organisations), not to the
number of visits or people.

What is counted (the page says the same in the readers' words, `COUNTING_RULES`):
- visits: study visits and seminars abroad whose first day falls in the period and whose status is one of
  `COUNTED_STATUSES` (planned, published, under way, completed: not drafts, not cancelled). A visit over the
  turn of a year counts in the year it begins, so that the reports of consecutive periods add up;
- country: a study visit counts under each of its delegation's countries, a seminar abroad under the country
  where it is held;
- sector: the kinds of the visiting delegation's organisations (`Organisation.Kind`); a visit counts once
  under each kind among them;
- participants: the members of the visiting delegation on the roster of at least one of the visit's sessions
  that was not cancelled (visits.roster: every member for a session of the whole delegation, the chosen
  members for the others), each counted once per visit: someone on two visits counts in each;
- experts: the people whose answer to a session is "confirmed", on sessions not cancelled; their hours are
  the sessions' lengths. They are counted by their organisation, never by name, so that erasing a person's
  personal data (privacy.redactors keeps the person's row, organisation and gender) leaves every figure as
  it was;
- host organisations: the session's host, or else its venue's (as the host sheets have it:
  booklets.hostsheets.host_of), on sessions not cancelled, with the sessions' hours;
- evaluations: per rating question of the participants' surveys (evaluations.figures), the number of ratings
  and their average over the counted visits; ratings hang on the surveys, not on people, so they too survive
  erasure.

To add a section: write a function `(Scope) -> Section` and add it to `SECTIONS` (or pass `extra` to
`report_figures`). It gets the counted visits as an unevaluated queryset (`scope.visits`; `scope.visit_ids`
is the same as a subquery), so that it too stays one query whatever the period.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import CharField, Count, DurationField, ExpressionWrapper, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Cast, Coalesce, Concat
from django.utils.translation import get_language, gettext
from django_countries import countries

from evaluations.figures import evaluation_figures
from visits.models import (
    ChosenMember,
    Gender,
    Session,
    SessionExpert,
    TargetGroup,
    Visit,
    VisitStatus,
)
from visits.models.people import OrganisationKind
from visits.models.session_people import ExpertResponse
from visits.roster import SessionAttendance

COUNTED_STATUSES = (VisitStatus.PLANNED, VisitStatus.PUBLISHED, VisitStatus.UNDER_WAY, VisitStatus.COMPLETED)
# An expert took part in a session when they confirmed it: every other answer is an invitation still open,
# a decline, another time proposed, or the session passed to a colleague (who has a row of their own).
TOOK_PART = (ExpertResponse.CONFIRMED,)

Number = int | float


@dataclass(frozen=True, slots=True)
class Period:
    first: dt.date
    last: dt.date

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31))


@dataclass(frozen=True, slots=True)
class Column:
    heading: str
    charted: bool = True  # drawn in the section's chart (stacked, in order); a total is not


@dataclass(frozen=True, slots=True)
class Row:
    label: str
    values: tuple[Number, ...]  # int for a count, float for hours (one decimal)


@dataclass(frozen=True, slots=True)
class Section:
    key: str  # stable: the page's anchor and the sheet's order
    title: str
    sheet: str  # the XLSX sheet's name: short (at most 31 characters)
    explanation: str
    label_heading: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]


@dataclass(frozen=True, slots=True)
class Scope:
    period: Period
    visits: QuerySet[Visit]  # the counted visits the reader may see, not yet evaluated
    # Grouped rows that several sections read (the summary and a section), asked of the database once.
    kept: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)

    @property
    def visit_ids(self) -> QuerySet[Visit, Any]:
        return self.visits.values("pk")

    def once(self, key: str, rows: Callable[[], Iterable[tuple[Any, ...]]]) -> list[tuple[Any, ...]]:
        if key not in self.kept:
            self.kept[key] = list(rows())
        return self.kept[key]


@dataclass(frozen=True, slots=True)
class Report:
    period: Period
    summary: Section
    sections: tuple[Section, ...]

    @property
    def all_sections(self) -> tuple[Section, ...]:
        return (self.summary, *self.sections)


def counted_visits(visits: QuerySet[Visit], period: Period) -> QuerySet[Visit]:
    """The visits of `visits` (those the reader may see: visits.access.visits_for_user) that the report
    counts."""
    return visits.filter(
        status__in=COUNTED_STATUSES, starts_on__gte=period.first, starts_on__lte=period.last
    ).order_by()


def hours(total: dt.timedelta | None) -> float:
    return round(total.total_seconds() / 3600, 1) if total else 0.0


def session_length(prefix: str = "") -> ExpressionWrapper:
    return ExpressionWrapper(F(f"{prefix}ends_at") - F(f"{prefix}starts_at"), output_field=DurationField())


# --- What each figure counts, as querysets over the counted visits ---


def visit_and_member(visit: str, member: str) -> Concat:
    """One value naming a visit and a member of its delegation ("12:345"), so that "this member on this
    visit" is one uncorrelated IN (a hashed lookup) rather than a subquery run for each member."""
    return Concat(Cast(visit, CharField()), Value(":"), Cast(member, CharField()), output_field=CharField())


def participations(visits: QuerySet[Visit]) -> QuerySet[Visit]:
    """One row for each visit and each member of its delegation who is on at least one of its sessions not
    cancelled (the roster's rule, in the database): every member where the visit has a session of the whole
    delegation, else the members chosen for one of its sessions. A member is in a delegation once, so each
    row is one person on one visit."""
    live = Session.objects.exclude(status=Session.Status.CANCELLED).filter(visit__in=visits.values("pk"))
    whole = live.filter(attendance=SessionAttendance.DELEGATION).values("visit")
    chosen = (
        ChosenMember.objects.filter(session__in=live.filter(attendance=SessionAttendance.CHOSEN))
        .annotate(key=visit_and_member("session__visit", "member"))
        .values("key")
    )
    # Joins made by alias() and values() are shared; a second filter() on the members would join them again.
    return (
        visits.alias(member=F("delegation__members"), key=visit_and_member("pk", "delegation__members"))
        .filter(member__isnull=False)
        .filter(Q(pk__in=whole) | Q(key__in=chosen))
    )


def expert_time(visits: QuerySet[Visit]) -> QuerySet[SessionExpert]:
    """Experts' rows on the counted visits' sessions that took place with them."""
    return SessionExpert.objects.filter(
        session__visit__in=visits.values("pk"), response__in=TOOK_PART
    ).exclude(session__status=Session.Status.CANCELLED)


def hosted_sessions(visits: QuerySet[Visit]) -> QuerySet[Session]:
    """The counted visits' sessions not cancelled, each with its `host` (the session's host organisation, or
    its venue's) and `host_name`."""
    return (
        Session.objects.filter(visit__in=visits.values("pk"))
        .exclude(status=Session.Status.CANCELLED)
        .annotate(
            host=Coalesce("host_organisation", "venue__host_organisation"),
            host_name=Coalesce("host_organisation__name", "venue__host_organisation__name"),
        )
    )


# --- Grouped rows, each one query, shared by the summary and the sections ---


def participant_rows(scope: Scope) -> list[tuple[Any, ...]]:
    """(kind, target group, gender, participants) for each group."""
    return scope.once(
        "participants",
        lambda: (
            participations(scope.visits)
            .values_list("kind", "target_group", "delegation__members__person__gender")
            .annotate(n=Count("delegation__members"))
        ),
    )


def expert_rows(scope: Scope) -> list[tuple[Any, ...]]:
    """(organisation, its name, its country, experts, sessions, their time) for each experts' organisation.
    A person has one organisation, so the experts of the rows add up to the experts of the period."""
    return scope.once(
        "experts",
        lambda: (
            expert_time(scope.visits)
            .values_list(
                "person__organisation", "person__organisation__name", "person__organisation__country"
            )
            .annotate(
                experts=Count("person", distinct=True),
                sessions=Count("session", distinct=True),
                time=Sum(session_length("session__")),
            )
        ),
    )


def host_rows(scope: Scope) -> list[tuple[Any, ...]]:
    """(host organisation, its name, visits, sessions, their time) for each host, None for sessions with
    none. Each session is in one row."""
    return scope.once(
        "hosts",
        lambda: (
            hosted_sessions(scope.visits)
            .values_list("host", "host_name")  # type: ignore[misc]  # annotations django-stubs does not follow
            .annotate(visits=Count("visit", distinct=True), sessions=Count("pk"), time=Sum(session_length()))
        ),
    )


# --- Helpers for sections split by the kind of visit ---


def kind_columns() -> tuple[Column, ...]:
    return (
        Column(gettext("Study visits")),
        Column(gettext("Seminars abroad")),
        Column(gettext("Total"), charted=False),
    )


def not_stated() -> str:
    return gettext("Not stated")


def by_kind(counts: Iterable[tuple[str, str, int]], order: Sequence[str] | None = None) -> tuple[Row, ...]:
    """Rows of (study visits, seminars abroad, total) from (label, kind, count) triples. Ordered as `order`
    where given, else by total (largest first) and label; "not stated" comes last."""
    table: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for label, kind, count in counts:
        table[label][0 if kind == Visit.Kind.STUDY_VISIT else 1] += count
    unstated = not_stated()
    if order is not None:
        labels = [label for label in order if label in table] + [
            label for label in table if label not in order
        ]
    else:
        labels = sorted(table, key=lambda label: (label == unstated, -sum(table[label]), label))
    return tuple(Row(label, (table[label][0], table[label][1], sum(table[label]))) for label in labels)


def sorted_rows(rows: Iterable[Row], by: int) -> tuple[Row, ...]:
    unstated = not_stated()
    return tuple(sorted(rows, key=lambda row: (row.label == unstated, -row.values[by], row.label)))


# --- The sections ---


def summary(scope: Scope) -> Section:
    kinds = {row["kind"]: row["n"] for row in scope.visits.values("kind").annotate(n=Count("pk"))}
    people = participations(scope.visits).aggregate(
        people=Count("delegation__members__person", distinct=True)
    )
    experts, hosts = expert_rows(scope), host_rows(scope)
    figures: list[tuple[str, Number]] = [
        (gettext("Study visits"), kinds.get(Visit.Kind.STUDY_VISIT, 0)),
        (gettext("Seminars abroad"), kinds.get(Visit.Kind.SEMINAR_ABROAD, 0)),
        (gettext("Participants (counted once per visit)"), sum(row[-1] for row in participant_rows(scope))),
        (gettext("Different people among the participants"), people["people"]),
        (gettext("Sessions held"), sum(row[3] for row in hosts)),
        (gettext("Hours of programme"), hours(sum((row[4] for row in hosts if row[4]), dt.timedelta()))),
        (gettext("Experts"), sum(row[3] for row in experts)),
        (gettext("Experts' hours"), hours(sum((row[5] for row in experts if row[5]), dt.timedelta()))),
        (gettext("Host organisations"), sum(1 for row in hosts if row[0] is not None)),
    ]
    return Section(
        key="summary",
        title=gettext("Summary"),
        sheet=gettext("Summary"),
        explanation=gettext("The period's figures at a glance."),
        label_heading=gettext("Figure"),
        columns=(Column(gettext("Number"), charted=False),),
        rows=tuple(Row(label, (value,)) for label, value in figures),
    )


def country_codes(stored: object) -> list[str]:
    """A multiple CountryField as values() reads it: the stored "LV,LT" (or a list, where converted)."""
    if not stored:
        return []
    parts = stored.split(",") if isinstance(stored, str) else stored
    return [str(code).strip() for code in parts if str(code).strip()]  # type: ignore[attr-defined]


def visits_by_country(scope: Scope) -> Section:
    rows = scope.visits.values_list("kind", "country", "delegation__countries").annotate(n=Count("pk"))
    counts: list[tuple[str, str, int]] = []
    for kind, country, delegation_countries, n in rows:
        if kind == Visit.Kind.SEMINAR_ABROAD:
            codes = [str(country)] if country else []
        else:
            codes = country_codes(delegation_countries)
        for code in codes or [""]:
            counts.append((countries.name(code) if code else not_stated(), kind, n))
    return Section(
        key="countries",
        title=gettext("Visits and seminars by country"),
        sheet=gettext("Countries"),
        explanation=gettext(
            "A study visit counts under each country of its delegation, a seminar abroad under the country "
            "where it is held."
        ),
        label_heading=gettext("Country"),
        columns=kind_columns(),
        rows=by_kind(counts),
    )


def by_choice(
    *,
    key: str,
    title: str,
    sheet: str,
    explanation: str,
    label_heading: str,
    choices: Sequence[tuple[Any, Any]],
    counts: Iterable[tuple[str, str | None, int]],
) -> Section:
    """A section counting by one field with choices, from (visit kind, stored value, count) triples: a row
    per choice, in the choices' order, then "not stated" (no value, or one no longer among the choices)."""
    labels = {value: str(label) for value, label in choices}
    return Section(
        key=key,
        title=title,
        sheet=sheet,
        explanation=explanation,
        label_heading=label_heading,
        columns=kind_columns(),
        rows=by_kind(
            [(labels.get(value or "", "") or not_stated(), kind, n) for kind, value, n in counts],
            order=[*labels.values(), not_stated()],
        ),
    )


def visits_by_target_group(scope: Scope) -> Section:
    return by_choice(
        key="target-groups",
        title=gettext("Visits and seminars by target group"),
        sheet=gettext("Target groups"),
        explanation=gettext("Whom each visit or seminar is for, as its coordinators set it."),
        label_heading=gettext("Target group"),
        choices=TargetGroup.choices,
        counts=scope.visits.values_list("kind", "target_group").annotate(n=Count("pk")),
    )


def visits_by_theme(scope: Scope) -> Section:
    swedish = (get_language() or "").startswith("sv")
    rows = scope.visits.values_list("kind", "themes__name_en", "themes__name_sv").annotate(
        n=Count("pk", distinct=True)
    )
    counts = [
        ((name_sv if swedish else name_en) or not_stated(), kind, n) for kind, name_en, name_sv, n in rows
    ]
    return Section(
        key="themes",
        title=gettext("Visits and seminars by theme"),
        sheet=gettext("Themes"),
        explanation=gettext("A visit with several themes counts under each of them."),
        label_heading=gettext("Theme"),
        columns=kind_columns(),
        rows=by_kind(counts),
    )


def visits_by_sector(scope: Scope) -> Section:
    return by_choice(
        key="sectors",
        title=gettext("Visits and seminars by sector"),
        sheet=gettext("Sectors"),
        explanation=gettext(
            "The sector is the kind of the visiting delegation's organisations (police, prosecution, NGO, "
            "…); a visit counts once under each kind among them."
        ),
        label_heading=gettext("Sector"),
        choices=OrganisationKind.choices,
        counts=scope.visits.values_list("kind", "delegation__organisations__kind").annotate(
            n=Count("pk", distinct=True)
        ),
    )


def participants_by_gender(scope: Scope) -> Section:
    return by_choice(
        key="gender",
        title=gettext("Participants by gender"),
        sheet=gettext("Gender"),
        explanation=gettext(
            "As each participant stated it; “not stated” where they did not. Each participant counts once "
            "per visit."
        ),
        label_heading=gettext("Gender"),
        choices=Gender.choices,
        counts=[(kind, gender, n) for kind, _group, gender, n in participant_rows(scope)],
    )


def participants_by_target_group(scope: Scope) -> Section:
    return by_choice(
        key="participant-target-groups",
        title=gettext("Participants by target group"),
        sheet=gettext("Participants"),
        explanation=gettext("Each participant counts under the target group of the visit they took part in."),
        label_heading=gettext("Target group"),
        choices=TargetGroup.choices,
        counts=[(kind, group, n) for kind, group, _gender, n in participant_rows(scope)],
    )


def experts_by_organisation(scope: Scope) -> Section:
    found = [
        Row(f"{name} ({country})" if name else not_stated(), (experts, sessions, hours(time)))
        for _pk, name, country, experts, sessions, time in expert_rows(scope)
    ]
    return Section(
        key="experts",
        title=gettext("Experts and their hours, by organisation"),
        sheet=gettext("Experts"),
        explanation=gettext(
            "Experts who confirmed a session that was held; their hours are the sessions' lengths. Counted "
            "by their organisation, not by name."
        ),
        label_heading=gettext("Organisation"),
        columns=(
            Column(gettext("Experts"), charted=False),
            Column(gettext("Sessions"), charted=False),
            Column(gettext("Hours")),
        ),
        rows=sorted_rows(found, by=2),
    )


def host_organisations(scope: Scope) -> Section:
    found = [
        Row(name or gettext("No host organisation"), (visits, sessions, hours(time)))
        for _pk, name, visits, sessions, time in host_rows(scope)
    ]
    return Section(
        key="hosts",
        title=gettext("Host organisations and their hours"),
        sheet=gettext("Host organisations"),
        explanation=gettext(
            "The session's host organisation, or else its venue's, for every session held (not cancelled)."
        ),
        label_heading=gettext("Host organisation"),
        columns=(
            Column(gettext("Visits"), charted=False),
            Column(gettext("Sessions"), charted=False),
            Column(gettext("Hours")),
        ),
        rows=sorted_rows(found, by=2),
    )


def evaluation_results(scope: Scope) -> Section:
    language = get_language() or "en"
    found = [
        Row(figure.text(language), (figure.count, round(figure.average or 0.0, 1)))
        for figure in evaluation_figures(scope.visit_ids)
    ]
    return Section(
        key="evaluations",
        title=gettext("Evaluation results"),
        sheet=gettext("Evaluations"),
        explanation=gettext(
            "The participants' ratings (1 to 5) in the surveys sent after each visit and seminar: how many "
            "rated each question and the average rating."
        ),
        label_heading=gettext("Question"),
        columns=(Column(gettext("Ratings"), charted=False), Column(gettext("Average (1–5)"))),
        rows=tuple(found),
    )


SectionBuilder = Callable[[Scope], Section]

SECTIONS: list[SectionBuilder] = [
    visits_by_country,
    visits_by_target_group,
    visits_by_theme,
    visits_by_sector,
    participants_by_gender,
    participants_by_target_group,
    experts_by_organisation,
    host_organisations,
    evaluation_results,
]


def report_figures(visits: QuerySet[Visit], period: Period, extra: Sequence[SectionBuilder] = ()) -> Report:
    """The report over the visits of `visits` (those the reader may see) counted in the period."""
    scope = Scope(period=period, visits=counted_visits(visits, period))
    return Report(
        period=period,
        summary=summary(scope),
        sections=tuple(build(scope) for build in (*SECTIONS, *extra)),
    )


def counting_rules() -> list[str]:
    """What the figures count, in the reader's language: the page and the workbook say it."""
    statuses = ", ".join(str(VisitStatus(status).label).lower() for status in COUNTED_STATUSES)
    return [
        gettext(
            "Visits and seminars count when their first day falls in the period and their status is one of: "
            "%(statuses)s. Drafts and cancelled visits do not count."
        )
        % {"statuses": statuses},
        gettext(
            "Participants are the members of the visiting delegation who are on at least one session of the "
            "visit that was not cancelled (every member for a session of the whole delegation, the chosen "
            "members for the others), each counted once per visit. A seminar abroad counts the members of "
            "its delegation, if it has one."
        ),
        gettext(
            "Sector is the kind of the visiting delegation's organisations (police, prosecution, social "
            "services, ministry, NGO, research, media, international organisation, other)."
        ),
        gettext(
            "Experts count on the sessions they confirmed that were not cancelled. Hours are the sessions' "
            "lengths."
        ),
        gettext("No figure names a person: erasing someone's personal data leaves the figures as they were."),
    ]

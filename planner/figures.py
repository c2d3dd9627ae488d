"""The dashboard's figures for many visits at once, each in one query whatever the number of sessions.

Conflicts are counted from those kept per visit (scheduling.kept): only the visits whose conflicts may have
changed since they were last checked are checked again, all of them in one pass.

What each row shows (links, dates, the arrival, the numbers) is made here too, once per request: with a
`{% url %}`, a plural `blocktranslate` and two date filters in every row, rendering the rows was most of what
50 visits cost over 5 (bench/pages.py).
"""

import datetime as dt
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from django.db.models import Count, F, QuerySet
from django.urls import reverse
from django.utils import dateformat, formats, timezone
from django.utils.translation import gettext, ngettext

from notifications.models import OutboxMessage
from scheduling.kept import open_conflict_counts
from visits.access import AnyUser
from visits.models import AWAITING_ANSWER, Session, SessionExpert, Visit, VisitStatus

__all__ = ["VisitFigures", "dashboard_figures", "open_conflict_counts", "upcoming_visits", "url_for_each"]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


@dataclass(frozen=True)
class VisitFigures:
    visit: Visit
    days_until: int  # days until the first day in the visit's zone; 0 or less once it has begun
    sessions: int
    unanswered: int  # experts asked, or still to be asked, who have not answered
    conflicts: int  # fatal conflicts and warnings nobody has acknowledged
    failed: int  # messages about the visit that could not be delivered
    status_label: str  # the visit's status in the reader's language
    # What the row shows, in the reader's language:
    board_url: str
    conflicts_url: str  # the publish page, where the conflicts are listed; "" when there are none
    failed_url: str  # the delivery page; "" when nothing failed
    dates: str  # "1 Mar 2027 – 5 Mar 2027"
    arrival: str  # "in 3 days", "tomorrow", "today" or "under way"
    shown: "Shown"


@dataclass(frozen=True)
class Shown:
    """The row's numbers as the reader's language writes them."""

    sessions: str
    unanswered: str
    conflicts: str
    failed: str


def once_each(make: Callable[[K], V]) -> Callable[[K], V]:
    """`make`, called once per distinct argument for as long as the result lives: keep it for one request,
    since what it makes may be in the reader's language."""
    made: dict[K, V] = {}

    def get(key: K) -> V:
        try:
            return made[key]
        except KeyError:
            made[key] = value = make(key)
            return value

    return get


def url_for_each(name: str) -> Callable[[int], str]:
    """`reverse(name, args=[pk])` for many pks at the cost of one reverse(): the URL is reversed once with a
    marker in the pk's place, and each pk's URL is the marker replaced."""
    marker = "7262524232"
    parts = reverse(name, args=[int(marker)]).split(marker)
    if len(parts) != 2:  # the marker also elsewhere in the URL (a script prefix, say): reverse each
        return lambda pk: reverse(name, args=[pk])
    head, tail = parts
    return lambda pk: f"{head}{pk}{tail}"


def _arrival(days: int) -> str:
    if days > 1:
        # The msgid the dashboard's blocktranslate had, so that its translations still apply.
        return ngettext("in %(days)s day", "in %(days)s days", days) % {"days": formats.localize(days)}
    if days == 1:
        return gettext("tomorrow")
    if days == 0:
        return gettext("today")
    return gettext("under way")


def _day_month_year() -> Callable[[dt.date], str]:
    """A date as the template's `date:"j M Y"` writes it ("1 Mar 2027"), the month's name translated once."""

    def named(number: int) -> str:
        return dateformat.format(dt.date(2000, number, 1), "M")

    month = once_each(named)
    return lambda day: f"{day.day} {month(day.month)} {day.year}"


def upcoming_visits(visits: QuerySet[Visit], today: dt.date | None = None) -> QuerySet[Visit]:
    """Visits not over yet, soonest first. A visit one day over may still be under way somewhere east."""
    today = today or timezone.localdate()
    return (
        visits.filter(ends_on__gte=today - dt.timedelta(days=1))
        .exclude(status=VisitStatus.COMPLETED)
        .select_related("delegation")
        # What the dashboard and its "needs you" list show of a visit; the rest (the delegation's countries
        # and languages, the visit's country and windows) was converted for every row and never shown.
        .only(*LISTED)
        .order_by("starts_on", "title")
    )


LISTED = (
    "title",
    "starts_on",
    "ends_on",
    "time_zone",
    "city",
    "status",
    "delegation__name",
)


def _by_visit(rows: Iterable[Mapping[str, Any]]) -> dict[int, int]:
    return {row["visit"]: row["n"] for row in rows}


def dashboard_figures(visits: QuerySet[Visit], *, reader: AnyUser) -> list[VisitFigures]:
    listed = list(visits)
    ids = [visit.pk for visit in listed]
    sessions = _by_visit(
        Session.objects.filter(visit_id__in=ids).active().values("visit").annotate(n=Count("id")).order_by()
    )
    unanswered = _by_visit(
        SessionExpert.objects.filter(session__visit_id__in=ids, response__in=AWAITING_ANSWER)
        .exclude(session__status=Session.Status.CANCELLED)
        .values(visit=F("session__visit_id"))
        .annotate(n=Count("id"))
        .order_by()
    )
    failed = _by_visit(
        OutboxMessage.objects.filter(visit_id__in=ids, status=OutboxMessage.Status.FAILED)
        .values("visit")
        .annotate(n=Count("id"))
        .order_by()
    )
    conflicts = open_conflict_counts(ids, reader=reader)
    now = timezone.now()
    # Once per status, not per row: a model's get_FOO_display translates every choice each time it is asked.
    labels = {value: str(label) for value, label in VisitStatus.choices}
    board, publish, delivery = (url_for_each(f"planner:{page}") for page in ("board", "publish", "delivery"))
    number, arrival, date = once_each(formats.localize), once_each(_arrival), _day_month_year()

    def local_date(zone: ZoneInfo) -> dt.date:
        return now.astimezone(zone).date()

    today = once_each(local_date)
    rows = []
    for visit in listed:
        days_until = (visit.starts_on - today(visit.zone)).days
        counts = (
            sessions.get(visit.pk, 0),
            unanswered.get(visit.pk, 0),
            conflicts.get(visit.pk, 0),
            failed.get(visit.pk, 0),
        )
        rows.append(
            VisitFigures(
                visit,
                days_until,
                *counts,
                status_label=labels.get(visit.status, visit.status),
                board_url=board(visit.pk),
                conflicts_url=publish(visit.pk) if counts[2] else "",
                failed_url=delivery(visit.pk) if counts[3] else "",
                dates=f"{date(visit.starts_on)} – {date(visit.ends_on)}",
                arrival=arrival(days_until),
                shown=Shown(*(number(count) for count in counts)),
            )
        )
    return rows

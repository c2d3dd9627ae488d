"""Finding things from the header: visits, sessions, people and organisations whose names match what was
typed, each kind read once and capped, each scoped by visits.access exactly as the page it links to is.

Visits and sessions are the planner's (anyone signed in, what they coordinate); people and organisations are
the directory's, which lets coordinators in only (`is_coordinator`), so nobody else is shown them. Every word
typed must match one of a row's fields, folded (visits.folding): "ostlund" finds "Östlund".
"""

import re
from dataclasses import dataclass, field

from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext

from visits.access import AnyUser, is_coordinator, people_for_user, sessions_for_user, visits_for_user
from visits.folding import Fold, fold
from visits.models import Organisation

MIN_LENGTH = 2
MAX_LENGTH = 100
MAX_WORDS = 5
PER_KIND = 20
# Control characters (NUL above all, which PostgreSQL refuses in a string) are no part of a name.
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def query_problem(query: str) -> str:
    """What is wrong with the query, in words for the person who typed it; empty when it can be searched."""
    if not query:
        return gettext("Type a name or a word to search for.")
    if len(query) < MIN_LENGTH:
        return gettext("Type at least %(count)d characters to search.") % {"count": MIN_LENGTH}
    return ""


def cleaned_query(raw: str) -> str:
    """The query as searched: control characters out, spaces collapsed, at most MAX_LENGTH characters."""
    return " ".join(CONTROL.sub(" ", raw).split())[:MAX_LENGTH]


def matching(queryset: QuerySet, fields: list[str], query: str) -> QuerySet:
    """Rows where every word of the query is in one of the fields, folded."""
    folded = {name: Fold(name) for name in fields}
    rows = queryset.annotate(
        **{f"folded_{n}": expression for n, (_name, expression) in enumerate(folded.items())}
    )
    for word in fold(query).split()[:MAX_WORDS]:
        condition = Q()
        for n in range(len(fields)):
            condition |= Q(**{f"folded_{n}__contains": word})
        rows = rows.filter(condition)
    return rows


@dataclass
class Found:
    """One kind's matches: at most PER_KIND, and whether there were more."""

    rows: list[Model] = field(default_factory=list)
    more: bool = False


def first(queryset: QuerySet) -> Found:
    rows = list(queryset[: PER_KIND + 1])
    return Found(rows=rows[:PER_KIND], more=len(rows) > PER_KIND)


def visits_matching(user: AnyUser, query: str) -> Found:
    visits = visits_for_user(user).select_related("delegation")
    return first(matching(visits, ["title", "city", "delegation__name"], query).order_by("-starts_on", "pk"))


def sessions_matching(user: AnyUser, query: str) -> Found:
    sessions = sessions_for_user(user).select_related("visit", "venue")
    found = matching(sessions, ["title", "venue__name"], query).order_by("-starts_at", "pk")
    return first(found)


def people_matching(user: AnyUser, query: str) -> Found:
    people = people_for_user(user).select_related("organisation")
    return first(matching(people, ["name", "email", "organisation__name"], query).order_by("name", "pk"))


def organisations_matching(query: str) -> Found:
    return first(matching(Organisation.objects.all(), ["name"], query).order_by("name", "pk"))


@dataclass
class Results:
    visits: Found
    sessions: Found
    people: Found
    organisations: Found

    @property
    def empty(self) -> bool:
        return not any(found.rows for found in (self.visits, self.sessions, self.people, self.organisations))


def search(user: AnyUser, query: str) -> Results:
    """Everything the user may see that matches: one query for each kind, whatever the data."""
    directory = is_coordinator(user)
    return Results(
        visits=visits_matching(user, query),
        sessions=sessions_matching(user, query),
        people=people_matching(user, query) if directory else Found(),
        organisations=organisations_matching(query) if directory else Found(),
    )

"""When personal data goes: who is due for erasure after the retention period, and what is left of past
visits. What a user may see of it is visits.access (`personal_data_for_user`)."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Exists, Max, OuterRef, QuerySet

from privacy.models import Erasure
from visits.models import DelegationMember, Person, SessionExpert, SessionInterpreter, Visit


def retention() -> dt.timedelta:
    return dt.timedelta(days=settings.PERSONAL_DATA_RETENTION_DAYS)


def erasable_by_retention(people: QuerySet[Person] | None = None) -> QuerySet[Any]:
    """Delegation members whose data the retention task erases once their last visit is old enough, each
    with `last_day`, the last day of the last visit of their delegations.

    Left out: the erased; experts and interpreters (the experts' directory stays, and so do the programmes
    they led); and a member of a delegation that has no visit yet, who is waiting for one."""
    people = Person.objects.all() if people is None else people
    waiting = DelegationMember.objects.filter(person=OuterRef("pk"), delegation__visits__isnull=True)
    # Typed loosely: the rows carry `last_day`, which the model does not declare.
    return (
        people.filter(Exists(DelegationMember.objects.filter(person=OuterRef("pk"))))
        .exclude(Exists(SessionExpert.objects.filter(person=OuterRef("pk"))))
        .exclude(Exists(SessionInterpreter.objects.filter(person=OuterRef("pk"))))
        .exclude(Exists(Erasure.objects.filter(person=OuterRef("pk"))))
        .exclude(Exists(waiting))
        .annotate(last_day=Max("memberships__delegation__visits__ends_on"))
        .filter(last_day__isnull=False)
    )


def people_due(today: dt.date) -> QuerySet[Any]:
    """Those whose retention period is over: their last visit ended PERSONAL_DATA_RETENTION_DAYS ago."""
    return erasable_by_retention().filter(last_day__lte=today - retention()).order_by("last_day", "pk")


@dataclass(frozen=True)
class Due:
    person: Person
    last_day: dt.date
    due_on: dt.date

    def is_due(self, today: dt.date) -> bool:
        return self.due_on <= today


def erasures_ahead(people: QuerySet[Person], today: dt.date) -> list[Due]:
    """Of these people, those whose visits are all over, soonest erasure first."""
    rows = erasable_by_retention(people).filter(last_day__lt=today).order_by("last_day", "name", "pk")
    return [Due(person, person.last_day, person.last_day + retention()) for person in rows]


@dataclass(frozen=True)
class PastVisit:
    visit: Visit
    members: int
    erased: int
    going: dt.date | None  # when the last of those the retention task erases goes
    kept: int  # members the task does not erase: experts, interpreters, or waiting for another visit

    @property
    def held(self) -> int:
        return self.members - self.erased


def past_visits(visits: QuerySet[Visit], people: QuerySet[Person], today: dt.date) -> list[PastVisit]:
    """What personal data is left from each visit that is over: its delegation's members, how many are
    erased, and when the rest goes. Four queries, whatever the number of visits."""
    over = list(
        visits.filter(ends_on__lt=today, delegation__isnull=False)
        .select_related("delegation")
        .order_by("-ends_on")
    )
    members: dict[int, set[int]] = defaultdict(set)
    for delegation_id, person_id in DelegationMember.objects.filter(
        delegation__in=[visit.delegation_id for visit in over]
    ).values_list("delegation", "person"):
        members[delegation_id].add(person_id)
    everyone = set().union(*members.values()) if members else set()
    erased = set(Erasure.objects.filter(person__in=everyone).values_list("person", flat=True))
    due = {
        person.pk: person.last_day + retention()
        for person in erasable_by_retention(people.filter(pk__in=everyone)).only("pk")
    }
    result = []
    for visit in over:
        assert visit.delegation_id is not None
        ids = members[visit.delegation_id]
        held = ids - erased
        going = [due[pk] for pk in held if pk in due]
        result.append(
            PastVisit(
                visit=visit,
                members=len(ids),
                erased=len(ids & erased),
                going=max(going) if going else None,
                kept=len(held) - len(going),
            )
        )
    return result

"""The periodic sweeps: offers of a freed place not taken up in time, and the personal data of registrants
who never had a place, erased after the retention period as privacy erases members'."""

import datetime as dt
import logging

from celery import shared_task
from django.db.models import Exists, Max, OuterRef, QuerySet
from django.utils import timezone

from privacy.models import Erasure, ErasureReason
from privacy.selectors import retention
from privacy.services import person_erase
from registration.models import Registration
from registration.services import offers_expire
from visits.models import DelegationMember, Person, SessionExpert, SessionInterpreter
from visits.services import Refused

log = logging.getLogger(__name__)


@shared_task(name="registration.tasks.expire_offers", acks_late=True)
def expire_offers() -> int:
    """Let lapsed offers go, offering their places to the next waiting; returns how many lapsed."""
    return offers_expire()


@shared_task(name="registration.tasks.erase_due_registrants", ignore_result=True)
def erase_due_registrants(today: dt.date | None = None) -> int:
    """Erase the registrants who never had a place on a programme (waiting, lapsed, cancelled: no membership,
    which privacy's retention task goes by) PERSONAL_DATA_RETENTION_DAYS after their last seminar ended.
    One transaction each; safe to run twice (an erased person is no longer due)."""
    today = today or timezone.localdate()
    erased = 0
    for person in registrants_due(today):
        try:
            person_erase(person=person, actor=None, reason=ErasureReason.RETENTION)
        except Refused:
            log.info("Kept the personal data of person %s: on a programme not over yet", person.pk)
        else:
            erased += 1
    return erased


def registrants_due(today: dt.date) -> QuerySet[Person]:
    """Registrants in no delegation, on no session as expert or interpreter, not erased, whose last
    seminar ended a retention period ago."""
    return (
        Person.objects.filter(Exists(Registration.objects.filter(person=OuterRef("pk"))))
        .exclude(Exists(DelegationMember.objects.filter(person=OuterRef("pk"))))
        .exclude(Exists(SessionExpert.objects.filter(person=OuterRef("pk"))))
        .exclude(Exists(SessionInterpreter.objects.filter(person=OuterRef("pk"))))
        .exclude(Exists(Erasure.objects.filter(person=OuterRef("pk"))))
        .annotate(last_day=Max("registrations__visit__ends_on"))
        .filter(last_day__lte=today - retention())
        .order_by("last_day", "pk")
    )

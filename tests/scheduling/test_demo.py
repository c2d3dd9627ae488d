"""The demo's published visit has really been published: a version and its outbox, as seed_demo leaves it,
and the publish page agrees with the board."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from notifications.models import OutboxMessage
from scheduling.models import ProgrammeVersion
from visits.demo import VISITS
from visits.models import Session, SessionExpert, Visit, VisitStatus

pytestmark = pytest.mark.django_db

PUBLISHED = [data["title"] for data in VISITS if data["status"] == VisitStatus.PUBLISHED]


def test_a_demo_visit_shown_as_published_has_its_version_and_its_outbox(coordinator, client):
    call_command("seed_demo", "--coordinator", "coordinator")
    assert PUBLISHED
    for visit in Visit.objects.all():
        versions = list(ProgrammeVersion.objects.filter(visit=visit))
        if visit.title in PUBLISHED:
            assert visit.status == VisitStatus.PUBLISHED
            assert [v.number for v in versions] == [1], visit.title
            session_ids = visit.sessions.values_list("pk", flat=True)
            assert set(versions[0].snapshot) == {str(pk) for pk in session_ids}
            kinds = set(OutboxMessage.objects.filter(visit=visit).values_list("kind", flat=True))
            assert {"invitation", "programme"} <= kinds, kinds
        else:
            # Unpublished: no version and nothing of a programme in the outbox; the open seminar's registrants
            # have only been told of their registration (registration.messages).
            assert versions == [], visit.title
            sent = OutboxMessage.objects.filter(visit=visit)
            assert not sent.exclude(idempotency_key__startswith="registration:").exists(), visit.title
    # The demo's answers stay as shipped: publishing invites only those not asked yet.
    latvia = Visit.objects.get(title=PUBLISHED[0])
    answers = set(SessionExpert.objects.filter(session__visit=latvia).values_list("response", flat=True))
    assert SessionExpert.Response.CONFIRMED in answers and SessionExpert.Response.NOT_ASKED not in answers
    # The publish page compares with version 1, as the board says "Published".
    client.force_login(coordinator)
    response = client.get(reverse("planner:publish", args=[latvia.pk]))
    assert response.status_code == 200
    assert response.context["previous"] is not None and response.context["previous"].number == 1
    assert "Published" in client.get(reverse("planner:board", args=[latvia.pk])).content.decode()


def test_seeding_again_publishes_nothing_more_even_after_a_coordinator_changed_the_programme(coordinator):
    call_command("seed_demo", "--coordinator", "coordinator")
    latvia = Visit.objects.get(title=PUBLISHED[0])
    session = Session.objects.filter(visit=latvia).first()
    assert session is not None
    Session.objects.filter(pk=session.pk).update(title="Renamed by the coordinator")
    messages = OutboxMessage.objects.count()
    call_command("seed_demo", "--coordinator", "coordinator")
    assert list(ProgrammeVersion.objects.filter(visit=latvia).values_list("number", flat=True)) == [1]
    assert OutboxMessage.objects.count() == messages

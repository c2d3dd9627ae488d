"""After a decline: experts from the directory who are free then, speak the session's language and have led
similar sessions, best first with the reason; busy, unavailable, wrong-language people and other
coordinators' delegates are not offered; one click asks one of them."""

import datetime as dt

import pytest
from django.urls import reverse

from responses.answers import answer_move
from responses.models import Door, ExpertAnswer, Settlement
from scheduling.models import AvailabilityException, ProgrammeVersion
from tests.factories import (
    DelegationMemberFactory,
    OrganisationFactory,
    PersonFactory,
    SessionExpertFactory,
    SessionFactory,
    ThemeFactory,
    UserFactory,
    VisitFactory,
    stockholm,
)
from tests.notifications.conftest import programme, smtp  # noqa: F401 (fixtures)
from tests.responses.conftest import answer_link, deliver_due, expert_row, lead  # noqa: F401 (lead: a fixture)
from visits.models import Session, SessionExpert

pytestmark = pytest.mark.django_db


def led(person, **session_fields) -> None:
    """The person led (confirmed) a session long ago, of another visit."""
    earlier = VisitFactory(starts_on=dt.date(2026, 3, 2), ends_on=dt.date(2026, 3, 6))
    session = SessionFactory(
        visit=earlier, starts_at=stockholm(2026, 3, 3, 9), venue=None, **{"language": "sv", **session_fields}
    )
    SessionExpertFactory(session=session, person=person, response=SessionExpert.Response.CONFIRMED)


@pytest.fixture
def directory(visit):
    """A Swedish-speaking session whose expert declined, and the directory around it."""
    host = OrganisationFactory(name="Åklagarmyndigheten")
    theme = ThemeFactory(slug="trafficking")
    visit.themes.add(theme)
    session = SessionFactory(
        visit=visit,
        title="Prosecuting trafficking",
        host_organisation=host,
        language="sv",
        kind=Session.Kind.SEMINAR,
        venue=None,
    )
    declined = SessionExpertFactory(session=session, person__preferred_language="sv")
    answer_move(expert_ids=[declined.pk], to="declined", door=Door.LINK, actor=None)
    people = {
        name: PersonFactory(name=name, preferred_language=lang)
        for name, lang in [
            ("Astrid Host", "sv"),
            ("Bo Seminars", "sv"),
            ("Cecilia New", "sv"),
            ("Dan Busy Elsewhere", "sv"),
            ("Ebba Busy Here", "sv"),
            ("Fredrik Away", "sv"),
            ("Gustav English", "en"),
            ("Helga Onit", "sv"),
        ]
    }
    led(people["Astrid Host"], host_organisation=host)
    led(people["Astrid Host"], host_organisation=host)
    led(people["Bo Seminars"], kind=Session.Kind.SEMINAR)
    # Busy in Bertil's visit at the same time: only "busy" may be said.
    bertils = SessionFactory(title="Bertil's secret session", starts_at=session.starts_at, venue=None)
    bertils.visit.coordinators.add(UserFactory(username="bertil"))
    SessionExpertFactory(session=bertils, person=people["Dan Busy Elsewhere"], response="invited")
    own = SessionFactory(visit=visit, title="Our other session", starts_at=session.starts_at, venue=None)
    SessionExpertFactory(session=own, person=people["Ebba Busy Here"])
    AvailabilityException.objects.create(
        person=people["Fredrik Away"], starts_on=dt.date(2027, 3, 23), ends_on=dt.date(2027, 3, 23)
    )
    SessionExpertFactory(session=session, person=people["Helga Onit"])
    # A delegate of Bertil's, Swedish-speaking and at a host organisation: never offered.
    delegate = DelegationMemberFactory(delegation=bertils.visit.delegation, person__preferred_language="sv")
    people["delegate"] = delegate.person
    return session, declined, people


def test_free_experts_best_first_with_the_reason(signed_in, directory):
    _session, declined, people = directory
    response = signed_in.get(reverse("planner:replacements", args=[declined.pk]))
    assert response.status_code == 200
    free = [c.person.name for c in response.context["free"]]
    assert free[:3] == ["Astrid Host", "Bo Seminars", "Cecilia New"]
    astrid = response.context["free"][0]
    assert "has led 2 sessions at Åklagarmyndigheten" in astrid.reasons
    assert "speaks the session's language" in astrid.reasons
    taken = {c.person.name: c.busy for c in response.context["taken"]}
    assert taken["Dan Busy Elsewhere"] == "busy then"
    assert taken["Ebba Busy Here"] == "busy then: “Our other session”"
    assert taken["Fredrik Away"] == "not available then"
    page = response.content.decode()
    assert "Bertil's secret session" not in page
    for absent in ("Gustav English", "Helga Onit", people["delegate"].name, declined.person.name):
        assert absent not in free and absent not in taken


def test_one_click_asks_one_of_them_and_settles_the_decline(signed_in, directory):
    session, declined, people = directory
    url = reverse("planner:replacements", args=[declined.pk])
    response = signed_in.post(url, {"person": people["Astrid Host"].pk}, follow=True)
    assert "Astrid Host is asked to lead" in response.content.decode()
    assert SessionExpert.objects.filter(session=session, person=people["Astrid Host"]).exists()
    answer = ExpertAnswer.objects.get(expert=declined)
    assert answer.settled_as == Settlement.REPLACED
    again = signed_in.post(url, {"person": people["Cecilia New"].pk}, follow=True).content.decode()
    assert "already settled" in again
    assert not SessionExpert.objects.filter(session=session, person=people["Cecilia New"]).exists()


def test_someone_not_offered_cannot_be_asked(signed_in, directory):
    _session, declined, people = directory
    url = reverse("planner:replacements", args=[declined.pk])
    for person in (people["delegate"], people["Helga Onit"]):
        page = signed_in.post(url, {"person": person.pk}, follow=True).content.decode()
        assert "Choose an expert from the list who is not on this session yet." in page
    page = signed_in.post(url, {"person": "x"}, follow=True).content.decode()
    assert "Choose an expert from the list." in page
    assert ExpertAnswer.objects.get(expert=declined).settled_at is None


def test_the_page_costs_the_same_for_a_small_directory_as_for_a_large_one(
    signed_in, directory, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _session, declined, _people = directory
    url = reverse("planner:replacements", args=[declined.pk])
    with CaptureQueriesContext(connection) as captured:
        signed_in.get(url)
    for _ in range(15):
        person = PersonFactory(preferred_language="sv")
        led(person, kind=Session.Kind.SEMINAR)
        AvailabilityException.objects.create(
            person=person, starts_on=dt.date(2027, 1, 1), ends_on=dt.date(2027, 1, 2)
        )
    with django_assert_num_queries(len(captured)):
        signed_in.get(url)


def test_in_a_published_visit_the_replacement_is_invited_at_once(lead, smtp):  # noqa: F811
    from django.test import Client

    answer_move(expert_ids=[expert_row(lead).pk], to="declined", door=Door.LINK, actor=None)
    stand_in = PersonFactory(name="Stina Stand-in", preferred_language="en")
    karin = Client()
    karin.force_login(lead.visit.coordinators.get())
    versions = ProgrammeVersion.objects.count()
    url = reverse("planner:replacements", args=[expert_row(lead).pk])
    page = karin.post(url, {"person": stand_in.pk}, follow=True).content.decode()
    assert "Stina Stand-in is asked to lead" in page and "The update has gone out" in page
    assert ProgrammeVersion.objects.count() == versions + 1
    asked = SessionExpert.objects.get(session=lead.morning, person=stand_in)
    assert asked.response == SessionExpert.Response.INVITED
    deliver_due()
    (invitation,) = [r for r in smtp.handler.received if r.rcpt_tos == [stand_in.email]]
    assert "/a/" in answer_link(invitation.raw)

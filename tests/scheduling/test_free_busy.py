"""Conflicts across visits are free/busy: a clash with a session of a visit the reader may not see says only
that the person is busy or the venue booked then, in another visit; who may see both visits reads it all."""

import pytest

from scheduling.checks import (
    conflict_acknowledge,
    session_conflicts,
    visit_conflict_report,
    warning_acknowledge,
)
from scheduling.conflicts import ConflictKind
from scheduling.models import ConflictAcknowledgement
from scheduling.publishing import PublishBlocked, programme_publish
from tests.scheduling.free_busy import (
    BOOKED,
    BUSY,
    TRAVEL,
    leaks,
    names_no_session_of_annas,
    two_coordinators,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return two_coordinators()


def messages(conflicts, language="en"):
    return " ".join(c.message(language) for c in conflicts)


def test_bertils_check_says_only_that_eva_is_busy_and_the_hall_booked(world):
    found = session_conflicts(world.b1, reader=world.bertil)
    text = messages(found)
    assert BUSY in text and BOOKED in text and "Bravo hearing" in text
    assert leaks(text) == []
    assert all(c.sessions == (world.b1.pk,) and names_no_session_of_annas(world, c.key) for c in found)
    assert {c.kind for c in found} == {ConflictKind.PERSON_DOUBLE_BOOKED, ConflictKind.VENUE_DOUBLE_BOOKED}


def test_bertils_report_has_the_travel_warning_without_annas_venue_or_time(world):
    report = visit_conflict_report(world.bertils, reader=world.bertil)
    text = messages(report.conflicts)
    assert TRAVEL in text and "Bravo walk" in text
    assert "minutes" not in text  # the gap would tell when Anna's session ends
    assert leaks(text) == [] and leaks(messages(report.conflicts, "sv")) == []
    assert all(names_no_session_of_annas(world, c.key) for c in report.conflicts)
    assert {pk for c in report.conflicts for pk in c.sessions} == {world.b1.pk, world.b2.pk}
    [travel] = report.warnings
    assert travel.key == f"travel_time:person:{world.b2.session_experts.get().person_id}:~,{world.b2.pk}"


def test_in_swedish_too(world):
    text = messages(session_conflicts(world.b1, reader=world.bertil), "sv")
    assert "Eva Norrman är upptagen då (ett annat besök)" in text and leaks(text) == []


@pytest.mark.parametrize("reader", ["both", "agency"])
def test_a_coordinator_of_both_visits_and_an_agency_admin_read_everything(world, reader):
    report = visit_conflict_report(world.bertils, reader=getattr(world, reader))
    text = messages(report.conflicts)
    assert "Eva Norrman is in two sessions at once" in text and "Rosenbad Hall is booked twice" in text
    assert "Alpha secret briefing" in text and "Kiruna Bunker" in text and "Alpha hidden lunch" in text
    assert "(another visit)" not in text
    assert {pk for c in report.conflicts for pk in c.sessions} >= {world.a1.pk, world.a2.pk}


def test_annas_own_report_is_free_busy_for_bertils_sessions(world):
    report = visit_conflict_report(world.annas, reader=world.anna)
    text = messages(report.conflicts)
    assert BUSY in text and "Bravo hearing" not in text and "Bravo walk" not in text
    assert "Alpha secret briefing" in text  # her own
    # Her Kiruna session is followed by Bertil's in Stockholm: busy after it, which is another warning.
    onwards = next(c for c in report.warnings if c.kind is ConflictKind.TRAVEL_TIME and c.masked)
    assert "Eva Norrman is busy elsewhere after it, too close to travel there in time" in onwards.message()
    assert onwards.key.endswith(f":{world.a2.pk},~")


def test_without_a_reader_only_the_visits_own_sessions_are_named(world):
    text = messages(visit_conflict_report(world.bertils).conflicts)
    assert BUSY in text and leaks(text) == []


def test_two_clashes_with_hidden_sessions_of_one_person_are_one_busy(world):
    from tests.factories import SessionExpertFactory, SessionFactory, stockholm

    third = SessionFactory(
        visit=world.annas,
        title="Alpha third",
        venue=world.a2.venue,
        starts_at=stockholm(2027, 3, 23, 8, 50),
        ends_at=stockholm(2027, 3, 23, 9, 20),
    )
    SessionExpertFactory(session=third, person=world.a1.session_experts.get().person)
    found = session_conflicts(world.b1, reader=world.bertil)
    assert [c.message() for c in found].count(next(c.message() for c in found if BUSY in c.message())) == 1
    full = session_conflicts(world.b1, reader=world.both)
    assert sum(c.kind is ConflictKind.PERSON_DOUBLE_BOOKED for c in full) == 2


def test_bertils_acknowledgement_holds_for_the_coordinator_of_both_and_names_nothing_of_annas(world):
    [travel] = visit_conflict_report(world.bertils, reader=world.bertil).warnings
    assert warning_acknowledge(visit=world.bertils, key=travel.key, actor=world.bertil) is not None
    recorded = ConflictAcknowledgement.objects.get(visit=world.bertils)
    assert recorded.key == travel.key and leaks(recorded.message) == [] and TRAVEL in recorded.message
    assert visit_conflict_report(world.bertils, reader=world.bertil).open_warnings == []
    seen_by_both = visit_conflict_report(world.bertils, reader=world.both)
    assert seen_by_both.warnings and seen_by_both.open_warnings == []


def test_the_coordinator_of_both_acknowledges_by_the_full_key_and_records_the_visits_own(world):
    [travel] = visit_conflict_report(world.bertils, reader=world.both).warnings
    assert str(world.a2.pk) in travel.key.rsplit(":", 1)[1].split(",")  # they may see it
    assert warning_acknowledge(visit=world.bertils, key=travel.key, actor=world.both) is not None
    recorded = ConflictAcknowledgement.objects.get(visit=world.bertils)
    assert names_no_session_of_annas(world, recorded.key) and leaks(recorded.message) == []
    assert visit_conflict_report(world.bertils, reader=world.bertil).open_warnings == []


def test_an_acknowledgement_recorded_under_the_old_full_key_still_holds(world):
    [travel] = visit_conflict_report(world.bertils, reader=world.both).warnings
    ConflictAcknowledgement.objects.create(
        visit=world.bertils, key=travel.key, message="old", acknowledged_by=world.both
    )
    assert visit_conflict_report(world.bertils, reader=world.bertil).open_warnings == []
    assert visit_conflict_report(world.bertils, reader=world.both).open_warnings == []


def test_a_key_of_a_hidden_session_cannot_be_guessed_into_anothers_acknowledgement(world):
    # Bertil cannot acknowledge by the full key he never read: it does not arise for him.
    [travel] = visit_conflict_report(world.bertils, reader=world.both).warnings
    assert warning_acknowledge(visit=world.bertils, key=travel.key, actor=world.bertil) is None
    conflict_acknowledge(
        visit=world.bertils,
        conflict=visit_conflict_report(world.bertils, reader=world.bertil).warnings[0],
        actor=world.bertil,
    )
    assert ConflictAcknowledgement.objects.count() == 1


@pytest.mark.parametrize("actor", ["bertil", None])
def test_publishing_is_refused_naming_nothing_of_annas(world, actor):
    with pytest.raises(PublishBlocked) as blocked:
        programme_publish(visit=world.bertils, actor=getattr(world, actor) if actor else None)
    text = messages(blocked.value.conflicts) + str(blocked.value)
    assert BUSY in text and leaks(text) == []


def test_the_admins_programme_page_and_its_refusal_to_publish_are_free_busy(client, world):
    from django.contrib.auth.models import Permission
    from django.contrib.messages import get_messages
    from django.urls import reverse

    world.bertil.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="visits", codename__in=["view_visit", "change_visit"]
        )
    )
    client.force_login(world.bertil)
    url = reverse("admin:scheduling_programme_change", args=[world.bertils.pk])
    html = client.get(url).content.decode()
    assert BUSY in html and TRAVEL in html and leaks(html) == []
    response = client.post(url, {"action": "publish"})
    said = " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert BUSY in said and leaks(said) == []

"""Publishing from the planner: the change set in words first, then the delivery progress of the version."""

import pytest
from django.urls import reverse

from notifications.models import OutboxMessage
from scheduling.models import ProgrammeVersion
from tests.factories import (
    DelegationMemberFactory,
    OutboxMessageFactory,
    SessionExpertFactory,
    SessionFactory,
    VenueFactory,
    stockholm,
)
from visits.services import session_change_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(visit):
    """Two sessions for the whole delegation of two members, each with an expert."""
    DelegationMemberFactory(delegation=visit.delegation)
    DelegationMemberFactory(delegation=visit.delegation)
    morning = SessionFactory(visit=visit, title="Morning", starts_at=stockholm(2027, 3, 23, 9))
    afternoon = SessionFactory(visit=visit, title="Afternoon", starts_at=stockholm(2027, 3, 23, 14))
    SessionExpertFactory(session=morning)
    SessionExpertFactory(session=afternoon)
    return morning, afternoon


def test_before_publishing_the_change_set_is_shown_in_words(signed_in, visit, programme):
    response = signed_in.get(reverse("planner:publish", args=[visit.pk]))
    html = response.content.decode()
    assert "2 sessions added; 4 people get invitations or updates" in html
    assert "Publish and send" in html


def test_publishing_makes_a_version_and_leads_to_its_delivery(signed_in, visit, programme):
    response = signed_in.post(reverse("planner:publish", args=[visit.pk]))
    version = ProgrammeVersion.objects.get(visit=visit)
    assert version.number == 1
    assert response.status_code == 302
    assert response.url == reverse("planner:delivery", args=[visit.pk]) + "?version=1"
    visit.refresh_from_db()
    assert visit.status == "published"


def test_a_second_version_is_described_by_what_changed_since_the_first(
    signed_in, visit, programme, coordinator
):
    morning, afternoon = programme
    signed_in.post(reverse("planner:publish", args=[visit.pk]))
    morning.refresh_from_db()
    signed_in.post(
        reverse("planner:session_edit", args=[morning.pk]),
        {
            "title": "Morning",
            "kind": "meeting",
            "starts_at": "2027-03-23T10:00",
            "ends_at": "2027-03-23T11:30",
            "venue": morning.venue_id,
            "attendance": "delegation",
            "language": "en",
            "time_zone": "Europe/Stockholm",
            "seen_version": morning.version,
            "experts": list(morning.session_experts.values_list("person_id", flat=True)),
        },
    )
    session_change_status(session=afternoon, status="cancelled")
    html = signed_in.get(reverse("planner:publish", args=[visit.pk])).content.decode()
    assert "Changes since version 1" in html
    sessions, people = "1 session moved, 1 session cancelled", "3 people get invitations or updates"
    assert f"{sessions}; {people}, 3 people get cancellations" in html


def test_publishing_is_refused_while_a_fatal_conflict_stands(signed_in, visit):
    venue = VenueFactory(name="Police HQ")
    SessionFactory(visit=visit, title="One", venue=venue)
    SessionFactory(visit=visit, title="Two", venue=venue)
    html = signed_in.get(reverse("planner:publish", args=[visit.pk])).content.decode()
    assert "Conflicts that block publishing" in html and "Police HQ is booked twice" in html
    assert "Publish and send" not in html
    response = signed_in.post(reverse("planner:publish", args=[visit.pk]))
    assert response.status_code == 409
    assert "Police HQ is booked twice" in response.content.decode()
    assert not ProgrammeVersion.objects.exists()


def test_publishing_nothing_new_says_so(signed_in, visit, programme):
    signed_in.post(reverse("planner:publish", args=[visit.pk]))
    response = signed_in.post(reverse("planner:publish", args=[visit.pk]), follow=True)
    assert ProgrammeVersion.objects.count() == 1
    assert any("Nothing changed since version 1" in str(m) for m in response.context["messages"])


def test_delivery_progress_counts_the_versions_messages_until_none_is_on_its_way(signed_in, visit, programme):
    signed_in.post(reverse("planner:publish", args=[visit.pk]))
    messages = OutboxMessage.objects.filter(visit=visit, version_number=1)
    total = messages.exclude(kind="reminder").count()
    assert total > 0
    url = reverse("planner:delivery_json", args=[visit.pk]) + "?version=1"
    data = signed_in.get(url).json()
    assert (data["total"], data["done"], data["finished"]) == (total, 0, False)
    assert data["counts"]["queued"] == total

    OutboxMessageFactory(
        session=programme[0], kind="reminder", version_number=1
    )  # written for later: not counted
    first = messages.filter(kind__in=["invitation", "programme"]).first()
    messages.exclude(pk=first.pk).update(status="sent")
    OutboxMessage.objects.filter(pk=first.pk).update(status="failed", last_error="550 No such mailbox")
    data = signed_in.get(url).json()
    assert (data["done"], data["percent"], data["finished"]) == (total, 100, True)
    assert (data["counts"]["sent"], data["counts"]["failed"]) == (total - 1, 1)

    html = signed_in.get(reverse("planner:delivery", args=[visit.pk])).content.decode()  # the latest version
    assert "Delivery of version 1" in html
    assert "550 No such mailbox" in html
    assert 'http-equiv="refresh"' not in html  # finished: the page stops asking


def test_while_messages_are_on_their_way_the_delivery_page_refreshes_itself(signed_in, visit, programme):
    signed_in.post(reverse("planner:publish", args=[visit.pk]))
    html = signed_in.get(reverse("planner:delivery", args=[visit.pk]) + "?version=1").content.decode()
    assert 'http-equiv="refresh"' in html  # without the script
    assert 'data-finished="false"' in html  # the script polls the JSON


def test_the_delivery_of_a_version_that_does_not_exist_is_a_404(signed_in, visit):
    assert signed_in.get(reverse("planner:delivery", args=[visit.pk])).status_code == 404
    assert signed_in.get(reverse("planner:delivery_json", args=[visit.pk]) + "?version=x").status_code == 404


def test_the_print_view_lists_the_live_programme_by_day_with_times_in_their_zone(signed_in, visit, programme):
    _morning, afternoon = programme
    session_change_status(session=afternoon, status="cancelled")
    riga = SessionFactory(
        visit=visit,
        title="In Riga",
        venue=VenueFactory(time_zone="Europe/Riga"),
        starts_at=stockholm(2027, 3, 24, 9),
    )
    html = signed_in.get(reverse("planner:print", args=[visit.pk])).content.decode()
    assert "Morning" in html and "09:00–10:30 (Europe/Stockholm)" in html
    assert "Afternoon" not in html
    assert riga.title in html and "10:00–11:30 (Europe/Riga)" in html
    assert html.index("Tuesday 23 March 2027") < html.index("Morning") < html.index("Wednesday 24 March 2027")
    assert 'planner/planner.css"' in html  # which holds the print rules


def test_the_stylesheet_prints_only_the_programme():
    from django.contrib.staticfiles import finders

    with open(finders.find("planner/planner.css"), encoding="utf-8") as stylesheet:
        assert "@media print" in stylesheet.read()

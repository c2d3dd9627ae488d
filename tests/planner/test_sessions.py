"""Adding, editing, moving and cancelling sessions from the board's pages, and the conflict check."""

import pytest
from django.urls import reverse

from tests.factories import (
    PersonFactory,
    SessionExpertFactory,
    SessionFactory,
    VenueFactory,
    VisitFactory,
    stockholm,
)
from visits.models import Session, SessionExpert

pytestmark = pytest.mark.django_db


def form_data(**changes):
    data = {
        "title": "Meeting the prosecutors",
        "kind": "meeting",
        "starts_at": "2027-03-23T09:00",
        "ends_at": "2027-03-23T10:30",
        "venue": "",
        "host_organisation": "",
        "attendance": "delegation",
        "language": "en",
        "interpretation_language": "",
        "description": "",
        "time_zone": "Europe/Stockholm",
        "action": "save",
        # The interpreter rows: none unless a test adds some (see `interpreter_rows`).
        "interpreters-TOTAL_FORMS": "0",
        "interpreters-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def edit_data(session, **changes):
    current = {
        "title": session.title,
        "venue": str(session.venue_id or ""),
        "seen_revision": str(session.revision),
    }
    return form_data(**{**current, **changes})


def test_a_session_is_added_with_its_times_read_in_the_zone_the_form_names(signed_in, visit):
    venue = VenueFactory(name="Prosecution Authority")
    expert = PersonFactory(name="Eva Lind")
    response = signed_in.post(
        reverse("planner:session_new", args=[visit.pk]),
        form_data(venue=str(venue.pk), experts=[str(expert.pk)]),
    )
    session = Session.objects.get(title="Meeting the prosecutors")
    assert response.status_code == 302
    assert response.url == reverse("planner:board", args=[visit.pk]) + f"#session-{session.pk}"
    assert (session.starts_at, session.ends_at) == (stockholm(2027, 3, 23, 9), stockholm(2027, 3, 23, 10, 30))
    assert session.visit == visit and session.venue == venue
    assert list(session.session_experts.values_list("person__name", "response")) == [
        ("Eva Lind", "not_asked")
    ]


def test_times_typed_at_a_venue_in_another_zone_mean_that_zones_clock(signed_in, visit):
    riga = VenueFactory(city="Riga", time_zone="Europe/Riga")
    signed_in.post(
        reverse("planner:session_new", args=[visit.pk]),
        form_data(
            venue=str(riga.pk),
            time_zone="Europe/Riga",
            starts_at="2027-03-23T10:00",
            ends_at="2027-03-23T11:00",
        ),
    )
    session = Session.objects.get()
    assert session.starts_at == stockholm(2027, 3, 23, 9)


def test_the_form_names_the_zone_of_its_times(signed_in, visit):
    session = SessionFactory(visit=visit, venue=VenueFactory(time_zone="Europe/Riga"))
    html = signed_in.get(reverse("planner:session_edit", args=[session.pk])).content.decode()
    assert "<span data-zone-name>Europe/Riga</span>" in html
    assert 'value="2027-03-23T10:00"' in html  # 09:00 in Stockholm is 10:00 in Riga
    assert 'name="time_zone" value="Europe/Riga"' in html
    assert '<label for="id_starts_at">' in html


def test_a_form_error_names_the_field_and_keeps_what_was_typed(signed_in, visit):
    response = signed_in.post(
        reverse("planner:session_new", args=[visit.pk]), form_data(ends_at="2027-03-23T08:00")
    )
    assert response.status_code == 200
    assert "A session must end after it starts." in response.content.decode()
    assert 'value="Meeting the prosecutors"' in response.content.decode()
    assert not Session.objects.exists()


def test_a_session_is_moved_by_editing_its_time_and_venue(signed_in, visit):
    session = SessionFactory(visit=visit)
    other = VenueFactory(name="City Hall")
    response = signed_in.post(
        reverse("planner:session_edit", args=[session.pk]),
        edit_data(session, venue=str(other.pk), starts_at="2027-03-24T13:00", ends_at="2027-03-24T14:00"),
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.starts_at, session.venue) == (stockholm(2027, 3, 24, 13), other)
    assert session.revision == 2


def test_experts_are_added_and_removed_with_the_session_and_keep_their_answers(signed_in, visit):
    session = SessionFactory(visit=visit)
    stays = SessionExpertFactory(session=session, response=SessionExpert.Response.CONFIRMED)
    SessionExpertFactory(session=session)  # removed
    newcomer = PersonFactory()
    signed_in.post(
        reverse("planner:session_edit", args=[session.pk]),
        edit_data(session, experts=[str(stays.person_id), str(newcomer.pk)]),
    )
    assert dict(session.session_experts.values_list("person_id", "response")) == {
        stays.person_id: "confirmed",
        newcomer.pk: "not_asked",
    }


def test_an_edit_from_a_stale_copy_is_refused_with_a_clear_message_and_nothing_typed_is_lost(
    signed_in, visit
):
    session = SessionFactory(visit=visit, title="Site visit")
    opened = edit_data(session, title="Site visit to the shelter")  # the coordinator opens the form
    someone = Session.objects.get(pk=session.pk)
    someone.title = "Site visit (moved)"
    someone.save()

    response = signed_in.post(reverse("planner:session_edit", args=[session.pk]), opened)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Someone else saved “Site visit (moved)” after you opened it" in html
    assert 'value="Site visit to the shelter"' in html
    session.refresh_from_db()
    assert session.title == "Site visit (moved)"
    # The form now carries the current version: saving again is a deliberate overwrite.
    assert response.context["form"]["seen_revision"].value() == str(session.revision)
    signed_in.post(
        reverse("planner:session_edit", args=[session.pk]), {**opened, "seen_revision": session.revision}
    )
    session.refresh_from_db()
    assert session.title == "Site visit to the shelter"


def test_a_session_is_cancelled_and_taken_up_again_through_the_status_rules(signed_in, visit):
    session = SessionFactory(visit=visit)
    url = reverse("planner:session_status", args=[session.pk])
    response = signed_in.post(url, {"status": "cancelled"})
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.status == "cancelled"
    signed_in.post(url, {"status": "confirmed"})  # not allowed from cancelled
    session.refresh_from_db()
    assert session.status == "cancelled"
    messages = [str(m) for m in signed_in.get(reverse("planner:board", args=[visit.pk])).context["messages"]]
    assert any("cannot become Confirmed" in m for m in messages)
    signed_in.post(url, {"status": "tentative"})
    session.refresh_from_db()
    assert session.status == "tentative"


def test_cancelling_needs_a_post(signed_in, visit):
    session = SessionFactory(visit=visit)
    assert signed_in.get(reverse("planner:session_status", args=[session.pk])).status_code == 405


# --- The conflict check ---------------------------------------------------------------------------------


@pytest.fixture
def busy_expert():
    """Karin Holm leads a session of another visit, 09:30–11:00 on 23 March."""
    expert = PersonFactory(name="Karin Holm")
    elsewhere = SessionFactory(
        title="Elsewhere",
        visit=VisitFactory(),
        starts_at=stockholm(2027, 3, 23, 9, 30),
        ends_at=stockholm(2027, 3, 23, 11),
    )
    SessionExpertFactory(session=elsewhere, person=expert)
    return expert


def test_the_check_shows_a_double_booked_expert_for_a_session_not_saved_yet(signed_in, visit, busy_expert):
    response = signed_in.post(
        reverse("planner:check", args=[visit.pk]), form_data(experts=[str(busy_expert.pk)])
    )
    html = response.content.decode()
    assert response.status_code == 200
    # The other visit is not the coordinator's: free/busy, without its title.
    assert "Karin Holm is busy then (another visit)" in html and "Elsewhere" not in html
    assert "<html" not in html  # a fragment, for the page's script
    assert not Session.objects.filter(title="Meeting the prosecutors").exists()


def test_the_check_of_an_edited_session_does_not_clash_with_its_saved_self(signed_in, visit, busy_expert):
    session = SessionFactory(
        visit=visit, starts_at=stockholm(2027, 3, 23, 14), ends_at=stockholm(2027, 3, 23, 15)
    )
    data = edit_data(
        session, experts=[str(busy_expert.pk)], starts_at="2027-03-23T14:00", ends_at="2027-03-23T15:00"
    )
    html = signed_in.post(
        reverse("planner:check", args=[visit.pk]), {**data, "session": session.pk}
    ).content.decode()
    assert "No conflicts." in html
    data = {**data, "session": session.pk, "starts_at": "2027-03-23T10:00", "ends_at": "2027-03-23T11:00"}
    html = signed_in.post(reverse("planner:check", args=[visit.pk]), data).content.decode()
    assert "Karin Holm is busy then (another visit)" in html


def test_the_check_says_what_is_missing_before_it_can_check(signed_in, visit):
    html = signed_in.post(reverse("planner:check", args=[visit.pk]), form_data(starts_at="")).content.decode()
    assert "Conflicts are checked once the form is complete" in html


def test_the_check_of_a_session_of_another_visit_is_a_404(signed_in, visit):
    theirs = SessionFactory()
    response = signed_in.post(
        reverse("planner:check", args=[visit.pk]), {**form_data(), "session": theirs.pk}
    )
    assert response.status_code == 404


def test_without_javascript_the_check_button_shows_the_conflicts_and_saves_nothing(
    signed_in, visit, busy_expert
):
    response = signed_in.post(
        reverse("planner:session_new", args=[visit.pk]),
        form_data(experts=[str(busy_expert.pk)], action="check"),
    )
    assert response.status_code == 200
    assert "Karin Holm is busy then (another visit)" in response.content.decode()
    assert not Session.objects.filter(visit=visit).exists()


def test_saving_a_session_with_a_conflict_saves_it_and_says_so(signed_in, visit, busy_expert):
    response = signed_in.post(
        reverse("planner:session_new", args=[visit.pk]), form_data(experts=[str(busy_expert.pk)]), follow=True
    )
    assert Session.objects.filter(visit=visit).count() == 1
    messages = [str(m) for m in response.context["messages"]]
    assert any("saved, with 1 conflict" in m and "Karin Holm" in m for m in messages)

"""The people of a session chosen with it on the session form: its interpreters, each with the languages they
interpret between, and, when only some members of the delegation attend, which; and the conflict check that
counts them."""

import pytest
from django.urls import reverse

from tests.factories import (
    DelegationMemberFactory,
    PersonFactory,
    SessionExpertFactory,
    SessionFactory,
    SessionInterpreterFactory,
    UserFactory,
    VisitFactory,
    stockholm,
)
from tests.planner.test_sessions import edit_data, form_data
from visits.models import ChosenMember, Session, SessionInterpreter

pytestmark = pytest.mark.django_db


def interpreter_rows(*rows, initial=0):
    """The interpreter rows as the form posts them: (person, languages, remove) each; `initial` of them were
    there when the form was opened."""
    data = {"interpreters-TOTAL_FORMS": str(len(rows)), "interpreters-INITIAL_FORMS": str(initial)}
    for n, (person, languages, *remove) in enumerate(rows):
        data[f"interpreters-{n}-person"] = str(person.pk) if person is not None else ""
        data[f"interpreters-{n}-languages"] = languages
        if remove and remove[0]:
            data[f"interpreters-{n}-DELETE"] = "on"
    return data


def bookings(session):
    return dict(SessionInterpreter.objects.filter(session=session).values_list("person__name", "languages"))


@pytest.fixture
def busy_at_nine_thirty():
    """A session of another visit, 09:30–11:00 on 23 March, overlapping the forms' 09:00–10:30."""
    return SessionFactory(
        title="Elsewhere",
        visit=VisitFactory(),
        starts_at=stockholm(2027, 3, 23, 9, 30),
        ends_at=stockholm(2027, 3, 23, 11),
    )


# --- Interpreters -------------------------------------------------------------------------------------------


def test_interpreters_are_booked_with_the_session_and_the_languages_they_interpret_between(signed_in, visit):
    anna, oleg = PersonFactory(name="Anna Berg"), PersonFactory(name="Oleg Ivanov")
    response = signed_in.post(
        reverse("planner:session_new", args=[visit.pk]),
        {
            **form_data(language="sv", interpreter_needed="on", interpretation_language="lv"),
            # Anna's languages chosen; Oleg's left out: the session's and the one it is interpreted into.
            **interpreter_rows((anna, ["lv", "sv"]), (oleg, []), (None, [])),
        },
    )
    assert response.status_code == 302
    session = Session.objects.get(visit=visit)
    assert bookings(session) == {"Anna Berg": ["lv", "sv"], "Oleg Ivanov": ["sv", "lv"]}


def test_editing_keeps_the_interpreters_languages_and_removes_only_the_one_marked_to_go(signed_in, visit):
    session = SessionFactory(visit=visit)
    stays = SessionInterpreterFactory(session=session, person__name="Anna Berg", languages=["ru", "sv", "en"])
    goes = SessionInterpreterFactory(session=session, person__name="Oleg Ivanov")
    newcomer = PersonFactory(name="Rasa Ozola")

    form = signed_in.get(reverse("planner:session_edit", args=[session.pk])).context["form"]
    rows = form.interpreters.forms
    assert len(rows) == 4  # the two booked, and two empty rows to book more
    assert (rows[0]["person"].value(), rows[0]["languages"].value()) == (stays.person_id, ["ru", "sv", "en"])

    signed_in.post(
        reverse("planner:session_edit", args=[session.pk]),
        {
            **edit_data(session),
            **interpreter_rows(
                (stays.person, ["ru", "sv", "en"]),
                (goes.person, ["lv", "en"], True),
                (newcomer, ["lv", "sv"]),
                initial=2,
            ),
        },
    )
    assert bookings(session) == {"Anna Berg": ["ru", "sv", "en"], "Rasa Ozola": ["lv", "sv"]}
    assert SessionInterpreter.objects.get(person=stays.person).pk == stays.pk  # the same booking, kept


def test_an_interpreter_without_languages_is_an_error_on_the_languages_field(signed_in, visit):
    anna = PersonFactory(name="Anna Berg")
    data = {**form_data(interpretation_language=""), **interpreter_rows((anna, []))}
    response = signed_in.post(reverse("planner:session_new", args=[visit.pk]), data)
    assert response.status_code == 200
    assert response.context["form"].interpreters.forms[0].has_error("languages")
    assert "Choose the languages Anna Berg interprets between" in response.content.decode()
    assert not Session.objects.exists()
    # The check says what is missing too, naming the field.
    fragment = signed_in.post(reverse("planner:check", args=[visit.pk]), data).content.decode()
    assert "Languages: Choose the languages Anna Berg interprets between" in fragment


def test_an_interpreter_booked_twice_is_refused(signed_in, visit):
    anna = PersonFactory(name="Anna Berg")
    response = signed_in.post(
        reverse("planner:session_new", args=[visit.pk]),
        {**form_data(), **interpreter_rows((anna, ["sv", "en"]), (anna, ["sv", "lv"]))},
    )
    assert "Anna Berg is in the list twice; give each interpreter once." in response.content.decode()
    assert not Session.objects.exists()


def test_an_interpreter_who_is_nobody_is_an_error_on_the_interpreter_field(signed_in, visit):
    data = {**form_data(), **interpreter_rows((None, ["sv", "en"]))}
    data["interpreters-0-person"] = "999999"
    response = signed_in.post(reverse("planner:session_new", args=[visit.pk]), data)
    assert response.status_code == 200
    assert response.context["form"].interpreters.forms[0].has_error("person")
    assert not Session.objects.exists()


def test_another_coordinator_cannot_book_an_interpreter_on_the_session(client, visit):
    session = SessionFactory(visit=visit)
    client.force_login(UserFactory(username="other", is_staff=True))
    response = client.post(
        reverse("planner:session_edit", args=[session.pk]),
        {**edit_data(session), **interpreter_rows((PersonFactory(), ["sv", "en"]))},
    )
    assert response.status_code == 404
    assert not SessionInterpreter.objects.exists()


def test_the_check_counts_the_interpreters_the_form_books(signed_in, visit, busy_at_nine_thirty):
    booked_elsewhere = SessionInterpreterFactory(session=busy_at_nine_thirty, person__name="Anna Berg").person
    free = PersonFactory(name="Oleg Ivanov")
    url = reverse("planner:check", args=[visit.pk])
    needs_one = form_data(interpreter_needed="on", interpretation_language="lv")

    html = signed_in.post(url, {**needs_one, **interpreter_rows()}).content.decode()
    assert "needs an interpreter into" in html

    html = signed_in.post(
        url, {**needs_one, **interpreter_rows((booked_elsewhere, ["en", "lv"]))}
    ).content.decode()
    # The other visit is not the coordinator's: free/busy, without its title.
    assert "Anna Berg is busy then (another visit)" in html and "Elsewhere" not in html
    assert "needs an interpreter into" not in html

    html = signed_in.post(url, {**needs_one, **interpreter_rows((free, ["en", "lv"]))}).content.decode()
    assert "No conflicts." in html


# --- Chosen members -----------------------------------------------------------------------------------------


def test_the_chosen_members_of_the_delegation_attend_the_session(signed_in, visit):
    ana = DelegationMemberFactory(delegation=visit.delegation, person__name="Ana Rusu")
    DelegationMemberFactory(delegation=visit.delegation, person__name="Ion Popa")
    response = signed_in.post(
        reverse("planner:session_new", args=[visit.pk]),
        form_data(attendance="chosen", attendees=[str(ana.pk)]),
    )
    assert response.status_code == 302
    session = Session.objects.get(visit=visit)
    assert list(ChosenMember.objects.filter(session=session).values_list("member", flat=True)) == [ana.pk]

    form = signed_in.get(reverse("planner:session_edit", args=[session.pk])).context["form"]
    assert form["attendees"].value() == [ana.pk]
    assert [label for _value, label in form.fields["attendees"].choices] == [
        "Ana Rusu (Member)",
        "Ion Popa (Member)",
    ]


def test_choosing_again_replaces_the_chosen_members(signed_in, visit):
    ana, ion = (DelegationMemberFactory(delegation=visit.delegation) for _ in range(2))
    session = SessionFactory(visit=visit, attendance=Session.Attendance.CHOSEN)
    ChosenMember.objects.create(session=session, member=ana)
    signed_in.post(
        reverse("planner:session_edit", args=[session.pk]),
        edit_data(session, attendance="chosen", attendees=[str(ion.pk)]),
    )
    assert list(session.session_chosen_members.values_list("member", flat=True)) == [ion.pk]


def test_a_member_of_another_delegation_is_an_error_on_the_chosen_members_field(signed_in, visit):
    stranger = DelegationMemberFactory()  # of another delegation
    response = signed_in.post(
        reverse("planner:session_new", args=[visit.pk]),
        form_data(attendance="chosen", attendees=[str(stranger.pk)]),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["attendees"] == [
        f"Choose members of this visit's delegation ({visit.delegation.name})."
    ]
    assert not Session.objects.exists()


def test_another_coordinator_cannot_choose_who_attends_the_session(client, visit):
    session = SessionFactory(visit=visit)
    member = DelegationMemberFactory(delegation=visit.delegation)
    client.force_login(UserFactory(username="other", is_staff=True))
    response = client.post(
        reverse("planner:session_edit", args=[session.pk]),
        edit_data(session, attendance="chosen", attendees=[str(member.pk)]),
    )
    assert response.status_code == 404
    assert not ChosenMember.objects.exists()


def test_the_check_counts_only_the_chosen_members(signed_in, visit, busy_at_nine_thirty):
    """Ana Rusu leads the other session; Ion Popa is free."""
    ana = DelegationMemberFactory(delegation=visit.delegation, person__name="Ana Rusu")
    ion = DelegationMemberFactory(delegation=visit.delegation, person__name="Ion Popa")
    SessionExpertFactory(session=busy_at_nine_thirty, person=ana.person)
    url = reverse("planner:check", args=[visit.pk])

    html = signed_in.post(url, form_data(attendance="chosen", attendees=[str(ana.pk)])).content.decode()
    assert "Ana Rusu is busy then (another visit)" in html
    html = signed_in.post(url, form_data(attendance="chosen", attendees=[str(ion.pk)])).content.decode()
    assert "No conflicts." in html
    html = signed_in.post(url, form_data(attendance="delegation", attendees=[str(ion.pk)])).content.decode()
    assert "Ana Rusu is busy then (another visit)" in html  # the whole delegation attends


# --- Saving them together -----------------------------------------------------------------------------------


def test_an_edit_from_a_stale_copy_books_nobody_and_keeps_the_people_chosen(signed_in, visit):
    member = DelegationMemberFactory(delegation=visit.delegation)
    session = SessionFactory(visit=visit, title="Site visit")
    anna = PersonFactory(name="Anna Berg")
    opened = {
        **edit_data(session, attendance="chosen", attendees=[str(member.pk)]),
        **interpreter_rows((anna, ["lv", "sv"])),
    }
    someone = Session.objects.get(pk=session.pk)
    someone.title = "Site visit (moved)"
    someone.save()

    response = signed_in.post(reverse("planner:session_edit", args=[session.pk]), opened)
    assert "Someone else saved “Site visit (moved)” after you opened it" in response.content.decode()
    assert not SessionInterpreter.objects.exists() and not ChosenMember.objects.exists()
    form = response.context["form"]
    assert form.interpreters.forms[0]["person"].value() == str(anna.pk)
    assert form.interpreters.forms[0]["languages"].value() == ["lv", "sv"]
    assert form["attendees"].value() == [str(member.pk)]

    session.refresh_from_db()
    signed_in.post(
        reverse("planner:session_edit", args=[session.pk]), {**opened, "seen_revision": session.revision}
    )
    assert bookings(session) == {"Anna Berg": ["lv", "sv"]}
    assert list(session.session_chosen_members.values_list("member", flat=True)) == [member.pk]

"""The header's search: visits, sessions, people and organisations, each kind scoped as its pages are, found
without accents or case, capped, at a fixed number of queries, and a clear word for a query it cannot take."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import (
    DelegationMemberFactory,
    OrganisationFactory,
    PersonFactory,
    SessionFactory,
    UserFactory,
    VisitFactory,
    stockholm,
)
from visits.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def anna(db):
    return UserFactory(username="anna", is_staff=True)


@pytest.fixture
def bertil(db):
    return UserFactory(username="bertil", is_staff=True)


@pytest.fixture
def world(anna, bertil):
    """Anna's visit with a session and a delegate, Bertil's the same; an expert and an organisation shared."""
    rows = {}
    for owner, name in ((anna, "Anna"), (bertil, "Bertil")):
        visit = VisitFactory(title=f"Riga prosecutors with {name}", delegation__name=f"{name}'s delegation")
        visit.coordinators.add(owner)
        visit.delegation.coordinators.add(owner)
        rows[f"{name}_visit"] = visit
        rows[f"{name}_session"] = SessionFactory(visit=visit, title=f"Meeting the prosecutors ({name})")
        rows[f"{name}_delegate"] = DelegationMemberFactory(
            delegation=visit.delegation, person__name=f"Delegate Östlund of {name}"
        ).person
    rows["agency"] = OrganisationFactory(name="Åklagarmyndigheten")
    rows["expert"] = PersonFactory(name="Eva Östlund", organisation=rows["agency"])
    return rows


def search(client, user, q):
    client.force_login(user)
    return client.get(reverse("planner:search"), {"q": q})


def names(response, kind):
    rows = getattr(response.context["results"], kind).rows
    return [row.title if kind in ("visits", "sessions") else str(row) for row in rows]


def test_each_coordinator_finds_their_own_and_the_shared_never_anothers(client, world, anna, bertil):
    response = search(client, anna, "ostlund")
    assert response.status_code == 200
    assert names(response, "people") == ["Delegate Östlund of Anna", "Eva Östlund"]
    response = search(client, bertil, "prosecutors")
    assert names(response, "visits") == ["Riga prosecutors with Bertil"]
    assert names(response, "sessions") == ["Meeting the prosecutors (Bertil)"]
    assert names(search(client, bertil, "ostlund"), "people") == ["Delegate Östlund of Bertil", "Eva Östlund"]
    page = search(client, bertil, "anna").content.decode()
    assert "Anna" not in page.split("<main>")[1]  # not her visit, session, delegation or delegate
    assert "Nothing matches your search among what you may see." in page


def test_an_agency_admin_finds_everyones(client, world, django_user_model):
    from visits.roles import agency_admins_group

    admin = UserFactory(username="agency", is_staff=True)
    admin.groups.add(agency_admins_group())
    response = search(client, admin, "prosecutors")
    assert len(names(response, "visits")) == 2 and len(names(response, "sessions")) == 2


def test_the_results_link_to_their_pages(client, world, anna):
    from visits.roles import coordinators_group

    anna.groups.add(coordinators_group())
    page = search(client, anna, "ostlund åklagar").content.decode()
    assert reverse("directory:person_history", args=[world["expert"].pk]) in page
    page = search(client, anna, "prosecutors").content.decode()
    assert reverse("planner:board", args=[world["Anna_visit"].pk]) in page
    assert reverse("planner:session_edit", args=[world["Anna_session"].pk]) in page
    assert "Tue 23 Mar 2027 09:00–10:30 (Europe/Stockholm)" in page  # the session's time, in its zone
    page = search(client, anna, "AKLAGARMYNDIGHETEN").content.decode()
    assert reverse("admin:visits_organisation_change", args=[world["agency"].pk]) in page


def test_every_word_must_match_and_case_and_accents_do_not_matter(client, world, anna):
    assert names(search(client, anna, "EVA östlund"), "people") == ["Eva Östlund"]
    assert names(search(client, anna, "eva ostlund aklagar"), "people") == ["Eva Östlund"]
    assert names(search(client, anna, "eva berg"), "people") == []
    assert names(search(client, anna, "aklagar"), "organisations") == ["Åklagarmyndigheten (SE)"]


def test_someone_who_is_not_a_coordinator_finds_their_visits_but_no_directory(client, world):
    planner = UserFactory(username="planner")  # coordinates a visit, but is not staff: no directory
    world["Anna_visit"].coordinators.add(planner)
    response = search(client, planner, "ostlund")
    assert names(response, "people") == [] and names(response, "organisations") == []
    assert names(search(client, planner, "prosecutors"), "visits") == ["Riga prosecutors with Anna"]


def test_someone_not_signed_in_is_asked_to_sign_in(client, world):
    response = client.get(reverse("planner:search"), {"q": "ostlund"})
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    ("q", "status", "message"),
    [
        ("", 200, "Type a name or a word to search for."),
        ("   ", 400, "Type a name or a word to search for."),
        ("a", 400, "Type at least 2 characters to search."),
        ("\x00a\x00", 400, "Type at least 2 characters to search."),
    ],
)
def test_an_empty_or_too_short_query_says_so(client, anna, q, status, message):
    response = search(client, anna, q)
    assert response.status_code == status
    assert message in response.content.decode()
    assert response.context["results"] is None


def test_odd_characters_are_searched_for_as_they_are(client, world, anna):
    assert names(search(client, anna, "%%"), "people") == []  # not a wildcard
    assert names(search(client, anna, "ev_"), "people") == []
    response = search(client, anna, "eva\x00östlund\x1f")
    assert response.status_code == 200 and names(response, "people") == ["Eva Östlund"]


def test_a_long_query_is_cut_and_says_so(client, world, anna):
    response = search(client, anna, "eva " + "x" * 300)
    assert response.status_code == 200
    assert response.context["search_query"] == ("eva " + "x" * 300)[:100]
    assert "Only the first 100 characters were searched for." in response.content.decode()


def test_each_kind_is_capped_at_twenty_and_says_there_are_more(client, anna):
    visit = VisitFactory(title="Big visit")
    visit.coordinators.add(anna)
    for n in range(25):
        start = stockholm(2027, 3, 22, 8) + dt.timedelta(hours=n)
        SessionFactory(
            visit=visit, title=f"Workshop {n}", starts_at=start, ends_at=start + dt.timedelta(minutes=30)
        )
    response = search(client, anna, "workshop")
    assert len(names(response, "sessions")) == 20
    assert response.context["results"].sessions.more
    assert "Only the first 20 are shown: type more to narrow the search." in response.content.decode()


def fill(owner, count, letter):
    """`count` visits of the owner's, each with a session and a delegate, and `count` shared organisations
    and experts, all matching "nordic"."""
    for n in range(count):
        visit = VisitFactory(title=f"Nordic visit {letter}{n}")
        visit.coordinators.add(owner)
        visit.delegation.coordinators.add(owner)
        SessionFactory(visit=visit, title=f"Nordic session {letter}{n}")
        DelegationMemberFactory(delegation=visit.delegation, person__name=f"Nordic delegate {letter}{n}")
        org = OrganisationFactory(name=f"Nordic organisation {letter}{n}", side=Organisation.Side.VISITING)
        PersonFactory(name=f"Nordic expert {letter}{n}", organisation=org)


def test_the_search_costs_the_same_queries_for_few_matches_as_for_many(
    client, anna, django_assert_num_queries
):
    fill(anna, 2, "a")
    client.force_login(anna)
    with CaptureQueriesContext(connection) as small:
        response = client.get(reverse("planner:search"), {"q": "nordic"})
    assert len(names(response, "visits")) == 2
    fill(anna, 30, "b")
    with django_assert_num_queries(len(small)):
        response = client.get(reverse("planner:search"), {"q": "nordic"})
    assert [len(names(response, kind)) for kind in ("visits", "sessions", "people", "organisations")] == [
        20
    ] * 4


def test_the_words_are_swedish_in_swedish():
    from django.utils import translation

    from planner.search import query_problem

    with translation.override("sv"):
        assert query_problem("a") == "Skriv minst 2 tecken för att söka."
        assert query_problem("") == "Skriv ett namn eller ett ord att söka efter."
        assert translation.gettext("Search visits, sessions, people and organisations") == (
            "Sök besök, programpunkter, personer och organisationer"
        )

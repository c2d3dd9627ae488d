"""The session form's pickers: the experts' picker offers the experts' directory, not the delegations'
members; the interpreters' picker offers interpreters first; what is sent is checked on the server all the
same; and the pickers' search asks the server (JSON, scoped to the visit's coordinators, two characters or
more)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from planner.forms import NewVisitForm, PlannerSessionForm
from scheduling.models import ExpertHours
from tests.factories import (
    DelegationMemberFactory,
    OrganisationFactory,
    PersonFactory,
    SessionExpertFactory,
    SessionFactory,
    SessionInterpreterFactory,
    UserFactory,
    VisitFactory,
)
from tests.planner.test_session_people import interpreter_rows
from tests.planner.test_sessions import form_data
from visits.models import DelegationMember, Organisation, Session, SessionExpert

pytestmark = pytest.mark.django_db


def offered(form, name="experts"):
    return {label for _value, label in form.fields[name].choices if label != "---------"}


@pytest.fixture
def people(visit):
    """An expert at a host organisation, one at a visiting organisation with weekly hours, a member of the
    visit's delegation, a member of another delegation whose organisation was left on the host side, and an
    interpreter of the delegation."""
    police = OrganisationFactory(name="Polismyndigheten")
    ministry = OrganisationFactory(
        name="Ministry of the Interior", side=Organisation.Side.VISITING, country="LV"
    )
    eva = PersonFactory(name="Eva Östlund", organisation=police)
    juris = PersonFactory(name="Juris Ozols", organisation=ministry)
    ExpertHours.objects.create(person=juris, weekday=0, starts="09:00", ends="12:00")
    delegate = DelegationMemberFactory(delegation=visit.delegation, person__name="Ana Rusu").person
    elsewhere = DelegationMemberFactory(person__name="Ion Popa", person__organisation=police).person
    interpreter = DelegationMemberFactory(
        delegation=visit.delegation, person__name="Ilze Vītola", role=DelegationMember.Role.INTERPRETER
    ).person
    return {
        "eva": eva,
        "juris": juris,
        "delegate": delegate,
        "elsewhere": elsewhere,
        "interpreter": interpreter,
    }


def test_the_experts_picker_offers_the_experts_directory_not_delegation_members(visit, coordinator, people):
    form = PlannerSessionForm(visit=visit, zone=visit.zone, reader=coordinator)
    assert offered(form) == {"Eva Östlund (Polismyndigheten)", "Juris Ozols (Ministry of the Interior)"}


def test_an_expert_already_on_the_session_stays_offered(visit, coordinator, people):
    session = SessionFactory(visit=visit)
    SessionExpertFactory(session=session, person=people["delegate"])  # put there by an agency admin, say
    form = PlannerSessionForm(instance=session, visit=visit, zone=visit.zone, reader=coordinator)
    assert "Ana Rusu (Organisation" in " ".join(offered(form))
    # Asked once, she is an expert of the directory from then on: that is how the directory tells.
    assert people["delegate"].pk in [p.pk for p in form.fields["experts"].queryset]


def test_a_tampered_expert_id_is_refused_with_an_error_on_the_experts_field(signed_in, visit, people):
    response = signed_in.post(
        reverse("planner:session_new", args=[visit.pk]),
        form_data(experts=[str(people["eva"].pk), str(people["elsewhere"].pk)]),
    )
    assert response.status_code == 200
    assert not Session.objects.filter(visit=visit).exists()
    errors = response.context["form"].errors["experts"]
    assert errors == [
        f"Choose experts from the experts' directory: {people['elsewhere'].pk} is not one of them."
    ]
    assert "Choose experts from the experts" in response.content.decode()


def test_the_interpreters_picker_offers_interpreters_first_and_no_delegates(visit, coordinator, people):
    booked_elsewhere = SessionInterpreterFactory(person__name="Laura Krūmiņa").person
    form = PlannerSessionForm(visit=visit, zone=visit.zone, reader=coordinator)
    choices = form.interpreters.forms[0].fields["person"].choices
    groups = {group: [label for _pk, label in options] for group, options in choices[1:]}
    assert list(groups) == ["Interpreters", "Others in the directory"]
    assert groups["Interpreters"] == [
        "Ilze Vītola (" + people["interpreter"].organisation.name + ")",
        f"Laura Krūmiņa ({booked_elsewhere.organisation.name})",
    ]
    others = " ".join(groups["Others in the directory"])
    assert "Eva Östlund" in others
    assert "Ana Rusu" not in others and "Ion Popa" not in others


def test_a_delegate_sent_as_interpreter_is_refused_naming_the_field(signed_in, visit, people):
    response = signed_in.post(
        reverse("planner:session_new", args=[visit.pk]),
        {
            **form_data(language="sv", interpretation_language="lv"),
            **interpreter_rows((people["delegate"], [])),
        },
    )
    assert response.status_code == 200
    assert not Session.objects.filter(visit=visit).exists()
    assert "Interpreter: Choose an interpreter from the list" in " ".join(response.context["form"].problems())


def test_the_form_marks_its_pickers_and_the_page_loads_them(signed_in, visit, people):
    page = signed_in.get(reverse("planner:session_new", args=[visit.pk])).content.decode()
    search = reverse("planner:people_search", args=[visit.pk])
    assert f'data-search-url="{search}?kind=experts"' in page
    assert f'data-search-url="{search}?kind=interpreters"' in page
    # Venue, host, experts, chosen members, language, interpretation, and each interpreter row's two.
    assert page.count('data-picker=""') == 6 + 2 * 2
    assert "/static/vendor/tom-select/tom-select.complete.min.js" in page
    assert "/static/visits/pickers.js" in page


def test_the_new_visit_form_marks_country_languages_and_zone_as_pickers(coordinator):
    form = NewVisitForm(user=coordinator)
    for name in ("delegation", "country", "time_zone", "programme_languages"):
        assert "data-picker" in form.fields[name].widget.attrs, name


# --- The pickers' search ---


def search(client, visit, q, kind="experts"):
    return client.get(reverse("planner:people_search", args=[visit.pk]), {"q": q, "kind": kind})


def test_the_search_finds_experts_without_accents_and_never_delegates(signed_in, visit, people):
    response = search(signed_in, visit, "ostlund")
    assert response.status_code == 200
    assert response.json() == {
        "results": [{"value": people["eva"].pk, "text": "Eva Östlund (Polismyndigheten)"}]
    }
    assert search(signed_in, visit, "polis").json()["results"] == response.json()["results"]
    assert search(signed_in, visit, "Rusu").json()["results"] == []
    assert search(signed_in, visit, "popa").json()["results"] == []


def test_the_search_finds_interpreters(signed_in, visit, people):
    found = search(signed_in, visit, "VITOLA", kind="interpreters").json()["results"]
    assert [row["value"] for row in found] == [people["interpreter"].pk]


def test_the_search_gives_at_most_twenty(signed_in, visit):
    police = OrganisationFactory(name="Polisen")
    for n in range(25):
        PersonFactory(name=f"Expert {n:02}", organisation=police)
    found = search(signed_in, visit, "expert").json()["results"]
    assert [row["text"] for row in found] == [f"Expert {n:02} (Polisen)" for n in range(20)]


@pytest.mark.parametrize(
    ("params", "field"),
    [({"q": "e", "kind": "experts"}, "q"), ({"q": " ", "kind": "experts"}, "q"), ({"q": "eva"}, "kind")],
)
def test_a_bad_search_is_a_400_naming_the_parameter(signed_in, visit, params, field):
    response = signed_in.get(reverse("planner:people_search", args=[visit.pk]), params)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]


def test_a_nul_in_the_search_is_no_500(signed_in, visit, people):
    response = search(signed_in, visit, "eva\x00 östlund")
    assert response.status_code == 200
    assert [row["value"] for row in response.json()["results"]] == [people["eva"].pk]


def test_another_coordinators_visit_is_a_404_and_their_delegates_are_never_found(client, visit, people):
    bertil = UserFactory(username="bertil")
    his = VisitFactory()
    his.coordinators.add(bertil)
    client.force_login(bertil)
    assert search(client, visit, "eva").status_code == 404
    assert search(client, his, "rusu").json()["results"] == []
    assert search(client, his, "vitola", kind="interpreters").json()["results"] == []
    # The shared directory is his too.
    assert [row["value"] for row in search(client, his, "ostlund").json()["results"]] == [people["eva"].pk]


def test_an_expert_chosen_from_the_search_is_saved(signed_in, visit, people):
    found = search(signed_in, visit, "juris").json()["results"]
    response = signed_in.post(
        reverse("planner:session_new", args=[visit.pk]), form_data(experts=[str(found[0]["value"])])
    )
    assert response.status_code == 302
    assert SessionExpert.objects.get(session__visit=visit).person == people["juris"]


def test_the_search_costs_the_same_queries_for_few_people_as_for_many(
    signed_in, visit, django_assert_num_queries
):
    police = OrganisationFactory(name="Polisen")
    for n in range(3):
        PersonFactory(name=f"Expert {n}", organisation=police)
    with CaptureQueriesContext(connection) as few:
        assert len(search(signed_in, visit, "expert").json()["results"]) == 3
    for n in range(3, 60):
        PersonFactory(name=f"Expert {n}", organisation=police)
        DelegationMemberFactory(delegation=visit.delegation, person__name=f"Expert delegate {n}")
    with django_assert_num_queries(len(few)):
        assert len(search(signed_in, visit, "expert").json()["results"]) == 20


def test_the_directorys_forms_mark_countries_languages_and_organisations_as_pickers():
    from directory.forms import DelegationForm, MembershipForm, PersonForm

    forms = {
        DelegationForm(): ("countries", "organisations", "languages"),
        PersonForm(): ("organisation", "preferred_language"),
        MembershipForm(): ("languages",),
    }
    for form, names in forms.items():
        for name in names:
            assert "data-picker" in form.fields[name].widget.attrs, (type(form).__name__, name)

"""Who sees what (issue 13): another coordinator's delegates are not seen, nobody changes where another
coordinator's mail goes, an import never changes or moves another coordinator's delegate, shared records in
use are not deleted, and personal tokens go with what one coordinates. Every refused attempt leaves the
database as it was."""

import logging

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import ProtectedError
from django.urls import reverse

from notifications.models import PersonalToken
from tests.factories import (
    DelegationMemberFactory,
    OrganisationFactory,
    PersonalTokenFactory,
    SessionFactory,
    SessionInterpreterFactory,
    ThemeFactory,
    VisitFactory,
)
from tests.visits.scope_world import people_as_stored
from tests.visits.test_admin import change_form_data
from visits.access import may_redirect_mail, people_for_user
from visits.models import Organisation, Person, Session
from visits.services import member_update, organisation_delete, person_update

pytestmark = pytest.mark.django_db

ABSENT = "/admin/"  # where the admin sends someone after a row that does not exist (for them)


def csv_file(text):
    return SimpleUploadedFile("members.csv", text.encode("utf-8-sig"), content_type="text/csv")


# --- People: a delegation's members are only for the coordinators concerned ---


def test_each_coordinator_sees_their_own_delegates_and_the_shared_experts(world):
    ilze, mart = world.ilze.person, world.mart.person
    assert set(people_for_user(world.anna)) == {ilze, world.eva, world.olle}
    assert set(people_for_user(world.bertil)) == {mart, world.eva, world.olle}
    assert set(people_for_user(world.agnes)) == {ilze, mart, world.eva, world.olle}


def test_a_delegate_of_both_coordinators_is_seen_by_both(world):
    DelegationMemberFactory(delegation=world.delegation_b, person=world.ilze.person)
    assert people_for_user(world.bertil).filter(pk=world.ilze.person.pk).exists()


def test_the_api_answers_another_coordinators_delegate_as_absent(world):
    api = world.api(world.bertil)
    assert api.get(f"/api/v1/people/{world.ilze.person.pk}/").status_code == 404
    listed = {row["id"] for row in api.get("/api/v1/people/?page_size=200").json()["results"]}
    assert listed == {world.mart.person.pk, world.eva.pk, world.olle.pk}
    assert world.api(world.agnes).get(f"/api/v1/people/{world.ilze.person.pk}/").status_code == 200


def test_the_directory_answers_another_coordinators_delegate_as_absent(world):
    ilze = world.ilze.person
    ilze.organisation = OrganisationFactory(side=Organisation.Side.HOST)  # so that the experts list has her
    ilze.save()
    url = reverse("directory:expert_availability", args=[ilze.pk])
    assert world.browser(world.bertil).get(url).status_code == 404
    assert world.browser(world.anna).get(url).status_code == 200
    listed = world.browser(world.bertil).get(reverse("directory:experts")).content.decode()
    assert "Ilze Berzina" not in listed and "Eva Norrman" in listed


def test_the_admin_answers_another_coordinators_delegate_as_absent(world):
    client = world.browser(world.bertil)
    response = client.get(reverse("admin:visits_person_change", args=[world.ilze.person.pk]))
    assert response.status_code == 302 and response["Location"] == ABSENT
    listing = client.get(reverse("admin:visits_person_changelist"))
    assert listing.status_code == 200
    assert (
        "ilze@vp.gov.lv" not in listing.content.decode() and "mart@prokuratuur.ee" in listing.content.decode()
    )


# --- Nobody changes where another coordinator's mail goes ---


def test_the_rule_in_the_access_module(world):
    ilze, mart = world.ilze.person, world.mart.person
    interpreter = SessionInterpreterFactory(session=world.session_a).person
    assert not may_redirect_mail(world.bertil, ilze)  # in Anna's delegation
    assert not may_redirect_mail(world.bertil, world.eva)  # leads a session of Anna's visit
    assert not may_redirect_mail(world.bertil, interpreter)  # interprets one
    assert may_redirect_mail(world.bertil, mart) and may_redirect_mail(world.bertil, world.olle)
    assert may_redirect_mail(world.anna, ilze) and may_redirect_mail(world.anna, world.eva)
    assert all(may_redirect_mail(world.agnes, person) for person in (ilze, mart, world.eva, interpreter))


def test_the_service_refuses_a_change_of_e_mail_or_name_on_the_field(world):
    before = people_as_stored()
    with pytest.raises(ValidationError) as refused:
        person_update(person=world.eva, data={"email": "bertil@example.se"}, actor=world.bertil)
    assert set(refused.value.message_dict) == {"email"}
    assert "another coordinator" in refused.value.message_dict["email"][0]
    with pytest.raises(ValidationError) as refused:
        person_update(person=world.eva, data={"name": "Bertil", "email": "b@x.se"}, actor=world.bertil)
    assert set(refused.value.message_dict) == {"email", "name"}
    assert people_as_stored() == before


def test_the_same_address_in_another_case_and_other_fields_may_change(world):
    person_update(person=world.eva, data={"email": "EVA@polisen.se", "phone": "+46 8 1"}, actor=world.bertil)
    world.eva.refresh_from_db()
    assert world.eva.phone == "+46 8 1"


def test_the_api_refuses_it_with_a_field_error(world):
    before = people_as_stored()
    api = world.api(world.bertil)
    url = f"/api/v1/people/{world.eva.pk}/"
    response = api.patch(url, {"email": "bertil@example.se"}, format="json")
    assert response.status_code == 400, response.content
    assert "another coordinator" in response.json()["errors"]["email"][0]
    response = api.put(url, {**api.get(url).json(), "name": "Someone else"}, format="json")
    assert response.status_code == 400 and set(response.json()["errors"]) == {"name"}
    assert people_as_stored() == before
    assert api.patch(url, {"title": "Inspector"}, format="json").status_code == 200
    assert world.api(world.anna).patch(url, {"email": "eva.n@polisen.se"}, format="json").status_code == 200


def test_an_agency_admin_may_and_it_is_logged_without_the_values(world, caplog):
    ilze = world.ilze.person
    with caplog.at_level(logging.INFO, logger="visits.services.directory"):
        response = world.api(world.agnes).patch(
            f"/api/v1/people/{ilze.pk}/", {"email": "ilze.b@vp.gov.lv"}, format="json"
        )
    assert response.status_code == 200, response.content
    ilze.refresh_from_db()
    assert ilze.email == "ilze.b@vp.gov.lv"
    (record,) = [r for r in caplog.records if r.name == "visits.services.directory"]
    assert record.levelno == logging.INFO
    assert "agnes" in record.getMessage() and str(ilze.pk) in record.getMessage()
    assert "vp.gov.lv" not in record.getMessage() and "Ilze" not in record.getMessage()


def test_the_directory_member_form_refuses_it_for_a_delegate_of_both(world):
    shared = DelegationMemberFactory(delegation=world.delegation_b, person=world.ilze.person)
    before = people_as_stored()
    url = reverse("directory:member_edit", args=[world.delegation_b.pk, shared.pk])
    response = world.browser(world.bertil).post(
        url,
        {"name": "Ilze Berzina", "email": "bertil@example.se", "preferred_language": "en", "role": "member"},
    )
    assert response.status_code == 200
    assert "another coordinator" in str(response.context["person_form"].errors["email"])
    assert people_as_stored() == before


def test_the_member_service_refuses_it(world):
    shared = DelegationMemberFactory(delegation=world.delegation_b, person=world.ilze.person)
    before = people_as_stored()
    with pytest.raises(ValidationError):
        member_update(member=shared, person_data={"name": "Someone"}, membership_data={}, actor=world.bertil)
    assert people_as_stored() == before


def test_the_admin_change_form_refuses_it_on_the_field(world):
    client = world.browser(world.bertil)
    url = reverse("admin:visits_person_change", args=[world.eva.pk])
    data = change_form_data(client.get(url))
    before = people_as_stored()
    response = client.post(url, {**data, "email": "bertil@example.se"})
    assert response.status_code == 200
    assert "another coordinator" in str(response.context["adminform"].form.errors["email"])
    assert people_as_stored() == before
    assert client.post(url, {**data, "title": "Inspector"}).status_code == 302


# --- An import into one's own delegation never changes or moves another coordinator's delegate ---


def test_the_api_import_reports_another_coordinators_delegate_as_a_conflict(world):
    before = people_as_stored()
    response = world.api(world.bertil).post(
        f"/api/v1/delegations/{world.delegation_b.pk}/import/",
        {"file": csv_file("name,email,phone\nIlze Renamed,ilze@vp.gov.lv,+371 1\nNew One,new@x.ee,\n")},
        format="multipart",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["added"], body["updated"], body["conflicts"]) == (1, 0, 1)
    row = body["rows"][0]
    assert row["action"] == "conflict"
    assert "another coordinator's delegation" in row["errors"][0]["message"]
    assert "Latvian" not in response.content.decode()
    assert people_as_stored()[: len(before) - 2] == before[:-2]  # the people as they were, and one new
    ilze = Person.objects.get(pk=world.ilze.person.pk)
    assert (ilze.name, ilze.phone) == ("Ilze Berzina", world.ilze.person.phone)
    assert not world.delegation_b.members.filter(person=ilze).exists()


def test_the_directory_import_reports_it_and_imports_nothing_of_that_person(world):
    client = world.browser(world.bertil)
    upload = csv_file("name,email\nIlze Renamed,ilze@vp.gov.lv\nEva Renamed,eva@polisen.se\n")
    before = people_as_stored()
    response = client.post(
        reverse("directory:members_import", args=[world.delegation_b.pk]), {"file": upload}
    )
    assert response.status_code == 200
    assert [row.action for row in response.context["planned"]] == ["conflict", "conflict"]
    assert "conflict:" in response.content.decode() and "Latvian" not in response.content.decode()
    confirm = reverse("directory:members_import_confirm", args=[world.delegation_b.pk])
    client.post(confirm, {"token": response.context["token"]})
    assert people_as_stored() == before


def test_an_expert_keeping_their_name_joins_and_an_agency_admin_imports_anyone(world):
    response = world.api(world.bertil).post(
        f"/api/v1/delegations/{world.delegation_b.pk}/import/",
        {"file": csv_file("name,email\nEva Norrman,eva@polisen.se\n")},
        format="multipart",
    )
    assert response.json()["rows"][0]["action"] == "update"
    response = world.api(world.agnes).post(
        f"/api/v1/delegations/{world.delegation_b.pk}/import/",
        {"file": csv_file("name,email\nIlze B.,ilze@vp.gov.lv\n")},
        format="multipart",
    )
    assert response.json()["rows"][0]["action"] == "update"
    assert Person.objects.get(pk=world.ilze.person.pk).name == "Ilze B."


def test_another_coordinators_delegate_is_not_made_a_member_by_hand(world):
    before = people_as_stored()
    api = world.api(world.bertil)
    response = api.post(
        "/api/v1/delegation-members/",
        {"delegation": world.delegation_b.pk, "person": world.ilze.person.pk},
        format="json",
    )
    assert response.status_code == 400 and "person" in response.json()["errors"]
    response = api.patch(
        f"/api/v1/delegation-members/{world.mart.pk}/", {"person": world.ilze.person.pk}, format="json"
    )
    assert response.status_code == 400 and "person" in response.json()["errors"]
    response = world.browser(world.bertil).post(
        reverse("directory:member_add", args=[world.delegation_b.pk]),
        {"name": "Ilze Berzina", "email": "ilze@vp.gov.lv", "preferred_language": "en", "role": "member"},
    )
    assert response.status_code == 200
    assert "another coordinator's delegation" in response.context["person_form"].errors["email"][0]
    assert people_as_stored() == before


# --- Shared records that a visit uses are not deleted ---


def test_an_organisation_used_by_three_visits_is_not_deleted(world):
    host = OrganisationFactory(name="Polisen")
    for visit in (world.visit_a, world.visit_b, VisitFactory()):
        SessionFactory(visit=visit, host_organisation=host)
    before = Session.objects.filter(host_organisation=host).count()
    response = world.api(world.bertil).delete(f"/api/v1/organisations/{host.pk}/")
    assert response.status_code == 409
    assert response.json()["detail"] == "“Polisen” cannot be deleted: used by 3 visits."
    assert Session.objects.filter(host_organisation=host).count() == before == 3
    with pytest.raises(ProtectedError):  # the database's rule too, for a delete around the service
        host.delete()


def test_the_service_counts_and_an_unused_record_goes(world):
    unused = OrganisationFactory()
    organisation_delete(organisation=unused, actor=world.bertil)
    assert not Organisation.objects.filter(pk=unused.pk).exists()


@pytest.mark.parametrize("kind", ["venue", "person", "theme"])
def test_a_venue_an_expert_and_a_theme_in_use_are_not_deleted_through_the_api_or_the_admin(world, kind):
    theme = ThemeFactory()
    world.visit_a.themes.add(theme)
    row, url, name = {
        "venue": (world.session_a.venue, "venues", "visits_venue"),
        "person": (world.eva, "people", None),
        "theme": (theme, None, "visits_theme"),
    }[kind]
    if url:
        response = world.api(world.bertil).delete(f"/api/v1/{url}/{row.pk}/")
        assert response.status_code == 409 and "used by 1 visit." in response.json()["detail"]
    if name:
        client = world.browser(world.agnes)
        page = client.get(reverse(f"admin:{name}_delete", args=[row.pk]))
        assert "used by 1 visit." in page.content.decode()
        client.post(reverse(f"admin:{name}_delete", args=[row.pk]), {"post": "yes"})
    assert type(row).objects.filter(pk=row.pk).exists()


def test_the_admins_delete_page_counts_and_names_no_session(world):
    host = OrganisationFactory(name="Polisen")
    world.session_a.host_organisation = host
    world.session_a.save()
    SessionFactory(visit=world.visit_b, host_organisation=host, title="Bertil's meeting")
    client = world.browser(world.bertil)
    page = client.get(reverse("admin:visits_organisation_delete", args=[host.pk])).content.decode()
    assert "used by 2 visits" in page and "Anna&#x27;s secret meeting" not in page
    assert "Anna's secret meeting" not in page
    bulk = client.post(
        reverse("admin:visits_organisation_changelist"),
        {"action": "delete_selected", "_selected_action": [host.pk]},
    ).content.decode()
    assert "used by 2 visits" in bulk and "secret meeting" not in bulk
    client.post(reverse("admin:visits_organisation_delete", args=[host.pk]), {"post": "yes"})
    assert Organisation.objects.filter(pk=host.pk).exists()
    assert Session.objects.filter(host_organisation=host).count() == 2


# --- Personal tokens in the admin ---


@pytest.fixture
def tokens(world):
    made = {
        key: PersonalTokenFactory(person=person)
        for key, person in {
            "ilze": world.ilze.person,
            "mart": world.mart.person,
            "eva": world.eva,
            "olle": world.olle,
        }.items()
    }
    for key, visit in {"visit_a": world.visit_a, "visit_b": world.visit_b}.items():
        made[key] = PersonalTokenFactory(purpose="visit_feed", person=None, visit=visit)
    return made


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anna", {"ilze", "eva", "visit_a"}),
        ("bertil", {"mart", "visit_b"}),
        ("agnes", {"ilze", "mart", "eva", "olle", "visit_a", "visit_b"}),
    ],
)
def test_the_token_admin_lists_the_tokens_of_what_one_coordinates(world, tokens, who, expected):
    response = world.browser(getattr(world, who)).get(reverse("admin:notifications_personaltoken_changelist"))
    assert response.status_code == 200
    listed = {row.pk for row in response.context["cl"].result_list}
    assert listed == {tokens[key].pk for key in expected}


def test_a_coordinator_cannot_revoke_another_coordinators_tokens(world, tokens):
    client = world.browser(world.bertil)
    theirs = [tokens["ilze"].pk, tokens["eva"].pk, tokens["visit_a"].pk]
    client.post(
        reverse("admin:notifications_personaltoken_changelist"),
        {"action": "revoke", "_selected_action": [*theirs, tokens["mart"].pk]},
    )
    assert not PersonalToken.objects.filter(pk__in=theirs, revoked_at__isnull=False).exists()
    assert PersonalToken.objects.get(pk=tokens["mart"].pk).revoked_at is not None
    change = client.get(reverse("admin:notifications_personaltoken_change", args=[tokens["ilze"].pk]))
    assert change.status_code == 302 and change["Location"] == ABSENT


# --- Another coordinator's delegate is not put on one's own session either ---


def test_the_session_pickers_offer_no_other_coordinators_delegate(world):
    session_b = SessionFactory(visit=world.visit_b)
    ilze = world.ilze.person
    api = world.api(world.bertil)
    for body in ({"experts": [ilze.pk]}, {"interpreters": [{"person": ilze.pk, "languages": ["lv", "en"]}]}):
        response = api.patch(f"/api/v1/sessions/{session_b.pk}/", body, format="json")
        assert response.status_code == 400, (body, response.content)
    assert not session_b.session_experts.exists() and not session_b.session_interpreters.exists()
    form = (
        world.browser(world.bertil).get(reverse("planner:session_edit", args=[session_b.pk])).context["form"]
    )
    offered = set(form.fields["experts"].queryset)
    # The experts' picker offers the experts' directory: no delegate, his own (Mart) included (issue 14).
    assert ilze not in offered and world.mart.person not in offered and {world.eva, world.olle} <= offered
    groups = form.interpreters.forms[0].fields["person"].choices[1:]  # after the empty choice
    assert world.eva.pk in {pk for _group, options in groups for pk, _label in options}
    assert ilze.pk not in {pk for _group, options in groups for pk, _label in options}
    anna_form = world.browser(world.anna).get(reverse("planner:session_edit", args=[world.session_a.pk]))
    assert ilze not in set(anna_form.context["form"].fields["experts"].queryset)


def test_an_address_taken_by_another_coordinators_delegate_does_not_name_them(world):
    url = reverse("directory:member_edit", args=[world.delegation_b.pk, world.mart.pk])
    data = {"name": "Mart Tamm", "email": "ilze@vp.gov.lv", "preferred_language": "en", "role": "member"}
    response = world.browser(world.bertil).post(url, data)
    (message,) = response.context["person_form"].errors["email"]
    assert "another coordinator's delegation" in message and "Ilze" not in response.content.decode()
    data["email"] = "eva@polisen.se"  # a shared expert is named, as before
    response = world.browser(world.bertil).post(url, data)
    assert "Eva Norrman" in response.context["person_form"].errors["email"][0]


def test_the_admins_session_inlines_refuse_another_coordinators_delegate_posted_by_id(world):
    """The autocomplete does not offer Ilze to Bertil; a hand-made post of her id is refused too."""
    from visits.models import SessionExpert, SessionInterpreter

    session_b = SessionFactory(visit=world.visit_b, title="Bertil's meeting")
    client = world.browser(world.bertil)
    url = reverse("admin:visits_session_change", args=[session_b.pk])
    page = client.get(url)
    assert page.status_code == 200
    for prefix in ("session_experts", "session_interpreters"):
        data = change_form_data(page)
        data.update({f"{prefix}-TOTAL_FORMS": "1", f"{prefix}-0-person": str(world.ilze.person.pk)})
        if prefix == "session_interpreters":
            data[f"{prefix}-0-languages"] = ["lv", "sv"]
        response = client.post(url, data)
        assert response.status_code == 200, prefix  # the form again, with the error
        errors = [inline.formset.errors for inline in response.context["inline_admin_formsets"]]
        assert "Select a valid choice" in str(errors), prefix
    assert not SessionExpert.objects.filter(session=session_b).exists()
    assert not SessionInterpreter.objects.filter(session=session_b).exists()


def test_an_agency_admin_chooses_from_everyone_on_a_session_with_experts(world):
    from visits.access import people_to_choose

    chosen = people_to_choose(world.agnes, world.session_a)
    assert set(chosen) == set(Person.objects.all())
    assert world.mart.person in chosen and world.ilze.person in chosen

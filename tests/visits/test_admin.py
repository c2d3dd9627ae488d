"""The admin: every page of every visits model renders, lists do not grow queries, and the record of published
programmes survives the admin's delete buttons."""

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.contrib import admin
from django.contrib.messages import get_messages
from django.core import checks
from django.db import connection
from django.db.models import Model
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.factories import (
    PersonFactory,
    SessionExpertFactory,
    SessionFactory,
    UserFactory,
    VenueFactory,
    VisitFactory,
)
from visits.models import Delegation, Person, Session, Visit
from visits.services import visit_change_status

pytestmark = pytest.mark.django_db

KATHMANDU = ZoneInfo("Asia/Kathmandu")

# Read when the tests are collected, so a model registered later is covered without touching this file.
VISITS_MODELS = sorted(
    (model for model in admin.site._registry if model._meta.app_label == "visits"), key=lambda m: m.__name__
)


def create(model: type[Model], **kwargs: Any) -> Any:
    factory = getattr(factories, f"{model.__name__}Factory", None)
    if factory is None:
        pytest.fail(
            f"tests/factories.py has no {model.__name__}Factory; add one so its admin pages are tested."
        )
    return factory(**kwargs)


def admin_url(model: type[Model], view: str, *args: Any) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def publish(visit: Visit) -> Visit:
    return visit_change_status(visit=visit, status=Visit.Status.PUBLISHED)


def form_data(form: forms.BaseForm) -> dict[str, Any]:
    """What a browser would post back for `form` as rendered, in the current time zone."""
    data: dict[str, Any] = {}
    for bound in form:
        value = bound.value()
        widget = bound.field.widget
        if isinstance(widget, forms.MultiWidget):
            for index, part in enumerate(widget.decompress(value) or []):
                if part is not None:
                    data[f"{bound.html_name}_{index}"] = str(part)
        elif isinstance(bound.field, forms.BooleanField):
            if value:
                data[bound.html_name] = "on"
        elif isinstance(value, list | tuple):
            data[bound.html_name] = [str(item) for item in value]
        elif value is not None:
            data[bound.html_name] = str(value)
    return data


def change_form_data(response: Any) -> dict[str, Any]:
    """The whole change page as posted back unchanged: the form and every inline with its management form."""
    data = form_data(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        data.update(form_data(inline.formset.management_form))
        for form in inline.formset.forms:
            data.update(form_data(form))
    return data


@pytest.fixture(params=VISITS_MODELS, ids=lambda model: model.__name__)
def model(request):
    return request.param


class TestEveryPageRenders:
    def test_the_changelist_lists_the_rows(self, staff_client, model):
        for _ in range(3):
            create(model)
        response = staff_client.get(admin_url(model, "changelist"))
        assert response.status_code == 200
        assert response.context["cl"].result_count == 3

    def test_the_changelist_can_be_searched(self, staff_client, model):
        for _ in range(3):
            create(model)
        response = staff_client.get(admin_url(model, "changelist"), {"q": "x"})
        assert response.status_code == 200

    def test_the_add_page_renders(self, staff_client, model):
        assert staff_client.get(admin_url(model, "add")).status_code == 200

    def test_the_change_page_renders(self, staff_client, model):
        obj = create(model)
        response = staff_client.get(admin_url(model, "change", obj.pk))
        assert response.status_code == 200
        assert response.context["original"] == obj

    def test_the_delete_confirmation_page_renders(self, staff_client, model):
        obj = create(model)
        response = staff_client.get(admin_url(model, "delete", obj.pk))
        assert response.status_code == 200
        assert response.context["protected"] == []

    def test_the_changelist_makes_as_many_queries_for_five_rows_as_for_two(
        self, staff_client, model: type[Model]
    ):
        url = admin_url(model, "changelist")
        for _ in range(2):
            create(model)
        staff_client.get(url)  # warm up: session, content types
        with CaptureQueriesContext(connection) as two:
            staff_client.get(url)
        for _ in range(3):
            create(model)
        with CaptureQueriesContext(connection) as five:
            response = staff_client.get(url)
        assert response.context["cl"].result_count == 5
        assert len(five) == len(two), "\n".join(query["sql"] for query in five.captured_queries)

    def test_every_autocomplete_answers(self, staff_client, model):
        model_admin = admin.site._registry[model]
        for source in [model_admin, *model_admin.inlines]:
            for field_name in source.autocomplete_fields:
                params = {
                    "app_label": source.model._meta.app_label,
                    "model_name": source.model._meta.model_name,
                    "field_name": field_name,
                    "term": "x",
                }
                response = staff_client.get(reverse("admin:autocomplete"), params)
                assert response.status_code == 200, (source, field_name)
                assert "results" in response.json()


def test_the_admin_passes_djangos_checks():
    assert checks.run_checks(tags=[checks.Tags.admin]) == []


class TestPublishedProgrammesAreKept:
    def test_an_expert_in_a_published_programme_cannot_be_deleted(self, staff_client):
        row = SessionExpertFactory()
        publish(row.session.visit)
        url = admin_url(Person, "delete", row.person.pk)

        response = staff_client.get(url)
        assert response.status_code == 200
        assert response.context["protected"]
        content = response.content.decode()
        assert "would require deleting the following protected related objects" in content
        assert f"“{row.person.name}” cannot be deleted: used by 1 visit." in content

        response = staff_client.post(url, {"post": "yes"})
        assert response.status_code == 200
        assert response.context["protected"]
        assert Person.objects.filter(pk=row.person.pk).exists()

    def test_an_expert_in_a_draft_is_kept_too_and_one_on_no_visit_can_be_deleted(self, staff_client):
        # Experts are shared records: one that any visit uses is not deleted (issue 13).
        row = SessionExpertFactory()
        response = staff_client.post(admin_url(Person, "delete", row.person.pk), {"post": "yes"})
        assert response.status_code == 200 and "used by 1 visit." in response.content.decode()
        assert Person.objects.filter(pk=row.person.pk).exists()
        unused = PersonFactory()
        response = staff_client.post(admin_url(Person, "delete", unused.pk), {"post": "yes"})
        assert response.status_code == 302
        assert not Person.objects.filter(pk=unused.pk).exists()

    def test_a_published_visit_has_no_delete_permission(self, staff_client, staff_user):
        visit = publish(SessionFactory().visit)
        draft = VisitFactory()
        request = RequestFactory().get("/")
        request.user = staff_user
        visit_admin = admin.site._registry[Visit]

        assert visit_admin.has_delete_permission(request, visit) is False
        assert visit_admin.has_delete_permission(request, draft) is True
        assert staff_client.get(admin_url(Visit, "delete", visit.pk)).status_code == 403
        assert (
            staff_client.get(admin_url(Visit, "change", visit.pk)).context["has_delete_permission"] is False
        )

    @pytest.mark.parametrize("with_sessions", [True, False], ids=["with sessions", "without sessions"])
    def test_the_bulk_delete_action_keeps_a_published_visit_and_says_why(self, staff_client, with_sessions):
        visit = publish(SessionFactory().visit if with_sessions else VisitFactory())
        data = {"action": "delete_selected", "_selected_action": [visit.pk], "post": "yes"}

        response = staff_client.post(admin_url(Visit, "changelist"), data)

        assert response.status_code == 200
        assert Visit.objects.filter(pk=visit.pk).exists()
        assert response.context["protected"]
        assert not response.context["perms_lacking"]
        messages = [str(message) for message in get_messages(response.wsgi_request)]
        assert any(f"“{visit.title}” cannot be deleted" in message for message in messages), messages


class TestVisitStatus:
    def test_published_is_not_offered_as_the_programme_is_published_by_scheduling(self, staff_client):
        visit = SessionFactory().visit
        url = admin_url(Visit, "change", visit.pk)
        response = staff_client.get(url)
        offered = [value for value, _label in response.context["adminform"].form.fields["status"].choices]
        assert sorted(offered) == ["cancelled", "draft", "planned"]

        data = change_form_data(response)
        data["status"] = Visit.Status.PUBLISHED
        response = staff_client.post(url, data)

        assert response.status_code == 200
        assert "status" in response.context["adminform"].form.errors
        visit.refresh_from_db()
        assert visit.status == Visit.Status.DRAFT
        assert visit.first_published_at is None

    def test_a_status_change_keeps_when_the_visit_was_first_published(self, staff_client):
        visit = publish(SessionFactory().visit)
        first_published_at = visit.first_published_at
        url = admin_url(Visit, "change", visit.pk)
        data = change_form_data(staff_client.get(url))
        data["status"] = Visit.Status.UNDER_WAY

        response = staff_client.post(url, data)

        assert response.status_code == 302, response.context["adminform"].form.errors
        visit.refresh_from_db()
        assert visit.status == Visit.Status.UNDER_WAY
        assert visit.first_published_at == first_published_at

    def test_only_the_allowed_next_statuses_are_offered(self, staff_client):
        visit = publish(VisitFactory())
        url = admin_url(Visit, "change", visit.pk)
        response = staff_client.get(url)
        offered = [value for value, _label in response.context["adminform"].form.fields["status"].choices]
        assert sorted(offered) == ["cancelled", "published", "under_way"]

        data = change_form_data(response)
        data["status"] = Visit.Status.DRAFT
        response = staff_client.post(url, data)
        assert response.status_code == 200
        assert "status" in response.context["adminform"].form.errors
        visit.refresh_from_db()
        assert visit.status == Visit.Status.PUBLISHED

    def test_the_record_fields_are_shown_but_not_editable(self, staff_client):
        visit = publish(VisitFactory())
        response = staff_client.get(admin_url(Visit, "change", visit.pk))
        form_fields = response.context["adminform"].form.fields
        assert not {"first_published_at", "window_starts_at", "window_ends_at"} & set(form_fields)
        assert "(Europe/Stockholm)" in response.content.decode()


class TestSessionTimes:
    @pytest.fixture
    def kathmandu_session(self):
        visit = VisitFactory(
            kind=Visit.Kind.SEMINAR_ABROAD,
            delegation=None,
            time_zone="Asia/Kathmandu",
            city="Kathmandu",
            country="NP",
            starts_on=dt.date(2027, 3, 22),
            ends_on=dt.date(2027, 3, 26),
        )
        venue = VenueFactory(city="Kathmandu", country="NP", time_zone="Asia/Kathmandu")
        starts_at = dt.datetime(2027, 3, 23, 9, 0, tzinfo=KATHMANDU)
        return SessionFactory(
            visit=visit, venue=venue, starts_at=starts_at, ends_at=starts_at + dt.timedelta(minutes=90)
        )

    def test_the_session_list_shows_each_session_in_its_own_zone(self, staff_client, kathmandu_session):
        SessionFactory()  # Tuesday 23 March 2027, 09:00 in Stockholm
        content = staff_client.get(admin_url(Session, "changelist")).content.decode()
        assert "Tue 23 Mar 2027 09:00–10:30 (Asia/Kathmandu)" in content
        assert "Tue 23 Mar 2027 09:00–10:30 (Europe/Stockholm)" in content

    def test_a_session_that_runs_past_midnight_names_both_days(self, staff_client):
        SessionFactory(
            starts_at=factories.stockholm(2027, 3, 23, 23), ends_at=factories.stockholm(2027, 3, 24, 1)
        )
        content = staff_client.get(admin_url(Session, "changelist")).content.decode()
        assert "Tue 23 Mar 2027 23:00–Wed 24 Mar 2027 01:00 (Europe/Stockholm)" in content

    def test_the_change_form_shows_and_reads_times_in_the_sessions_zone(
        self, staff_client, kathmandu_session
    ):
        url = admin_url(Session, "change", kathmandu_session.pk)
        response = staff_client.get(url)
        content = response.content.decode()
        assert re.search(
            r'name="starts_at_1"[^>]*value="09:00:00"|value="09:00:00"[^>]*name="starts_at_1"', content
        )
        assert "Time in Asia/Kathmandu." in content
        assert "sequence" not in response.context["adminform"].form.fields

        with timezone.override(KATHMANDU):  # as the browser posts back what it was shown
            data = change_form_data(response)
        data["title"] = "Round table with the district police"
        assert staff_client.post(url, data).status_code == 302

        kathmandu_session.refresh_from_db()
        assert kathmandu_session.title == "Round table with the district police"
        assert kathmandu_session.starts_at == dt.datetime(2027, 3, 23, 9, 0, tzinfo=KATHMANDU)


class TestConcurrentEdits:
    def test_a_session_saved_by_someone_else_since_the_form_was_opened_is_not_overwritten(self, staff_client):
        session = SessionFactory(title="Meeting at the police authority")
        url = admin_url(Session, "change", session.pk)
        data = change_form_data(staff_client.get(url))

        elsewhere = Session.objects.get(pk=session.pk)
        elsewhere.title = "Meeting at the prosecution authority"
        elsewhere.save()

        data["title"] = "Meeting with the police, moved"
        response = staff_client.post(url, data)

        assert response.status_code == 200
        assert "was changed by someone else after you opened it" in response.content.decode()
        session.refresh_from_db()
        assert session.title == "Meeting at the prosecution authority"


def test_a_session_of_a_published_programme_cannot_be_deleted_only_cancelled(staff_client):
    from tests.factories import SessionFactory
    from visits.models import Session, Visit
    from visits.services import visit_change_status

    session = SessionFactory()
    draft_delete = reverse("admin:visits_session_delete", args=[session.pk])
    assert staff_client.get(draft_delete).status_code == 200
    visit_change_status(visit=session.visit, status=Visit.Status.PUBLISHED)
    assert staff_client.get(draft_delete).status_code == 403
    staff_client.post(draft_delete, {"post": "yes"})
    assert Session.objects.filter(pk=session.pk).exists()


class TestCoordinatorsSeeTheirOwnVisits:
    @pytest.fixture
    def coordinator_client(self, client):
        from visits.roles import coordinators_group

        user = UserFactory(username="kerstin", is_staff=True)
        user.groups.add(coordinators_group())
        client.force_login(user)
        return client, user

    def test_another_coordinators_visit_and_sessions_are_absent(self, coordinator_client):
        client, user = coordinator_client
        mine = SessionFactory(title="Our meeting")
        mine.visit.coordinators.add(user)
        theirs = SessionFactory(title="Their meeting")
        listing = client.get(admin_url(Session, "changelist")).content.decode()
        assert "Our meeting" in listing and "Their meeting" not in listing
        assert client.get(admin_url(Visit, "change", theirs.visit.pk)).status_code == 302  # "does not exist"
        assert client.get(admin_url(Visit, "change", mine.visit.pk)).status_code == 200

    def test_a_session_cannot_be_put_in_another_coordinators_visit(self, coordinator_client):
        client, user = coordinator_client
        mine = SessionFactory()
        mine.visit.coordinators.add(user)
        theirs = VisitFactory()
        response = client.get(admin_url(Session, "change", mine.pk))
        field = response.context["adminform"].form.fields["visit"]
        assert list(field.queryset) == [mine.visit]
        assert theirs not in field.queryset

    def test_whoever_creates_a_visit_coordinates_it(self, coordinator_client):
        from visits.admin import VisitAdmin

        _client, user = coordinator_client
        visit = VisitFactory()
        request = RequestFactory().post("/")
        request.user = user
        admin_instance = admin.site._registry[Visit]
        assert isinstance(admin_instance, VisitAdmin)

        class Form:
            instance = visit

            def save_m2m(self):
                pass

        admin_instance.save_related(request, Form(), [], change=False)
        assert user in visit.coordinators.all()

    def test_published_versions_of_another_coordinators_visit_are_absent(self, coordinator_client):
        from scheduling.models import ProgrammeVersion
        from scheduling.publishing import programme_publish

        client, user = coordinator_client
        mine, theirs = SessionFactory(), SessionFactory(venue=VenueFactory())
        mine.visit.coordinators.add(user)
        programme_publish(visit=mine.visit, actor=None)
        programme_publish(visit=theirs.visit, actor=None)
        response = client.get(admin_url(ProgrammeVersion, "changelist"))
        assert [v.visit_id for v in response.context["cl"].result_list] == [mine.visit_id]


def test_whoever_registers_a_delegation_in_the_admin_coordinates_it(staff_client, staff_user):
    response = staff_client.get(admin_url(Delegation, "add"))
    data = change_form_data(response)
    data.update({"name": "Moldovan prosecutors", "languages": ["ro"]})
    response = staff_client.post(admin_url(Delegation, "add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert list(Delegation.objects.get(name="Moldovan prosecutors").coordinators.all()) == [staff_user]


def test_a_coordinator_sees_in_the_admin_only_the_delegations_and_members_they_coordinate(client):
    from django.contrib.auth.models import Permission

    from tests.factories import DelegationFactory, DelegationMemberFactory
    from visits.models import DelegationMember

    coordinator = UserFactory(username="karin", is_staff=True)
    coordinator.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_delegation", "view_delegationmember"])
    )
    own = DelegationFactory(name="Registered by Karin")
    own.coordinators.add(coordinator)
    through_visit = VisitFactory(delegation__name="Of Karin's visit")
    through_visit.coordinators.add(coordinator)
    stranger = DelegationMemberFactory(delegation__name="Someone else's")
    client.force_login(coordinator)
    listed = client.get(admin_url(Delegation, "changelist")).context["cl"].result_list
    assert sorted(d.name for d in listed) == ["Of Karin's visit", "Registered by Karin"]
    members = client.get(admin_url(DelegationMember, "changelist")).context["cl"].result_list
    assert stranger not in list(members)
    assert client.get(admin_url(Delegation, "change", stranger.delegation_id)).status_code == 302  # not found


def test_a_coordinator_cannot_post_someone_elses_delegation_into_a_visit_or_a_membership(client):
    """The autocomplete only lists what a coordinator may see; a posted id of another delegation is refused
    too, or attaching it to a visit of one's own would show its members."""
    from django.contrib.auth.models import Permission

    from tests.factories import DelegationFactory, PersonFactory
    from visits.models import DelegationMember

    coordinator = UserFactory(username="karin", is_staff=True)
    coordinator.user_permissions.add(
        *Permission.objects.filter(codename__in=["change_visit", "view_visit", "add_delegationmember"])
    )
    visit = VisitFactory()
    visit.coordinators.add(coordinator)
    strangers = DelegationFactory(name="Someone else's")
    client.force_login(coordinator)
    url = admin_url(Visit, "change", visit.pk)
    data = change_form_data(client.get(url))
    data["delegation"] = str(strangers.pk)
    response = client.post(url, data)
    assert response.status_code == 200 and "delegation" in response.context["adminform"].form.errors
    visit.refresh_from_db()
    assert visit.delegation_id != strangers.pk

    add = admin_url(DelegationMember, "add")
    data = change_form_data(client.get(add))
    data.update({"delegation": str(strangers.pk), "person": str(PersonFactory().pk), "role": "member"})
    response = client.post(add, data)
    assert response.status_code == 200 and "delegation" in response.context["adminform"].form.errors
    assert not DelegationMember.objects.filter(delegation=strangers).exists()

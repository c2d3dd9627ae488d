"""Every write of a domain object goes through one service that names its actor; the front ends validate and
call it. These pin what the services do, and that no front end saves a model or reaches into the admin."""

import ast
import datetime as dt
from pathlib import Path

import pytest

from tests.factories import (
    DelegationFactory,
    DelegationMemberFactory,
    PersonFactory,
    SessionFactory,
    UserFactory,
    VisitFactory,
    stockholm,
)
from visits.models import Session, StaleEdit, Visit
from visits.services import (
    Refused,
    delegation_register,
    member_add,
    member_remove,
    session_create,
    session_update,
    visit_create,
    visit_update,
)

ROOT = Path(__file__).resolve().parents[2]
FRONT_ENDS = ("planner", "directory", "api")


@pytest.mark.django_db
def test_a_session_is_created_with_its_people_and_status():
    visit = VisitFactory()
    expert = PersonFactory()
    member = DelegationMemberFactory(delegation=visit.delegation)
    session = session_create(
        visit=visit,
        data={
            "title": "Briefing",
            "kind": Session.Kind.MEETING,
            "starts_at": stockholm(2027, 3, 23, 9),
            "ends_at": stockholm(2027, 3, 23, 10),
            "attendance": Session.Attendance.CHOSEN,
            "language": "en",
        },
        status=Session.Status.CONFIRMED,
        experts=[expert.pk],
        chosen_members=[member.pk],
        interpreters={PersonFactory().pk: ["en", "sv"]},
        actor=UserFactory(),
    )
    assert session.status == Session.Status.CONFIRMED
    assert [e.person_id for e in session.session_experts.all()] == [expert.pk]
    assert [a.member_id for a in session.session_chosen_members.all()] == [member.pk]
    assert session.session_interpreters.count() == 1


@pytest.mark.django_db
def test_updating_a_stale_copy_of_a_session_is_refused_and_saves_nothing():
    session = SessionFactory()
    stale = Session.objects.get(pk=session.pk)
    session_update(session=session, data={"title": "First"}, actor=None)
    with pytest.raises(StaleEdit):
        session_update(session=stale, data={"title": "Second"}, actor=None)
    assert Session.objects.get(pk=session.pk).title == "First"


@pytest.mark.django_db
def test_whoever_creates_a_visit_coordinates_it_and_its_status_moves_after():
    user = UserFactory()
    visit = visit_create(
        data={
            "kind": Visit.Kind.STUDY_VISIT,
            "title": "Autumn",
            "delegation": DelegationFactory(),
            "starts_on": dt.date(2027, 9, 1),
            "ends_on": dt.date(2027, 9, 3),
            "time_zone": "Europe/Stockholm",
            "city": "Stockholm",
        },
        status=Visit.Status.PLANNED,
        actor=user,
    )
    assert visit.status == Visit.Status.PLANNED
    assert list(visit.coordinators.all()) == [user]
    assert visit_update(visit=visit, data={"title": "Winter"}, actor=user).title == "Winter"


@pytest.mark.django_db
def test_a_delegation_is_coordinated_by_whoever_registers_it_and_members_join_it():
    user = UserFactory()
    delegation = delegation_register(data={"name": "Riga police"}, actor=user)
    assert list(delegation.coordinators.all()) == [user]
    person = PersonFactory()
    member = member_add(delegation=delegation, person=person, person_data={}, membership_data={}, actor=user)
    assert member.person == person
    member_remove(member=member, actor=user)
    assert not delegation.members.exists()


@pytest.mark.django_db
def test_a_member_on_a_published_programme_is_refused_removal():
    session = SessionFactory()
    member = DelegationMemberFactory(delegation=session.visit.delegation)
    Visit.objects.filter(pk=session.visit_id).update(first_published_at=stockholm(2027, 1, 1))
    with pytest.raises(Refused):
        member_remove(member=member, actor=None)


def modules(*apps: str) -> list[Path]:
    return [path for app in apps for path in (ROOT / app).rglob("*.py") if "migrations" not in path.parts]


def imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_no_front_end_imports_an_admin_module():
    offenders = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in modules(*FRONT_ENDS)
        for name in imported(path)
        if (".admin" in f".{name}" and name.split(".")[-1] == "admin") or ".admin." in f".{name}."
    ]
    assert offenders == []


def test_no_front_end_saves_or_deletes_a_model_itself():
    """Views, forms and serializers validate and call services: no .save(), .delete(), .create() of their own
    (a form's or serializer's `save` included)."""
    offenders = []
    for path in modules(*FRONT_ENDS):
        if path.name in {"member_import.py", "api_token.py", "undo.py"}:
            # The members' bulk import is its own service; the token command manages API tokens; the board's
            # undo keeps its own steps (planner.UndoStep), and changes sessions only through the services.
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in {"save", "delete", "bulk_create", "update_or_create", "get_or_create"}
            ):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} .{node.func.attr}()")
    assert offenders == []

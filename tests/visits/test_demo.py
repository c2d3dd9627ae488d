"""The demo data: loads cleanly, loads again without changing a thing, and is what the demo needs."""

import datetime as dt
import io
import itertools
import re
import unicodedata
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.core.management import call_command

from participation.demo import load_member_needs
from participation.models import ParticipantNeeds
from visits.demo import VISITS, load_demo
from visits.models import (
    ChosenMember,
    Delegation,
    DelegationMember,
    Person,
    Session,
    SessionExpert,
    SessionInterpreter,
    Venue,
    Visit,
)

STOCKHOLM = ZoneInfo("Europe/Stockholm")
SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"

pytestmark = pytest.mark.django_db


def dump_visits_app() -> dict[str, list[dict[str, Any]]]:
    """Every row of every model in the visits app, the auto-created m2m tables included."""
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values())
        for model in apps.get_app_config("visits").get_models(include_auto_created=True)
    }


def local(session: Session) -> tuple[dt.datetime, dt.datetime]:
    return session.starts_at.astimezone(session.zone), session.ends_at.astimezone(session.zone)


def test_loading_twice_leaves_identical_data(coordinator: User) -> None:
    first = load_demo(coordinators=[coordinator])
    before = dump_visits_app()

    second = load_demo(coordinators=[coordinator])

    assert dump_visits_app() == before
    assert first.created > 0
    assert (second.created, second.changed) == (0, 0)
    empty = [label for label, rows in before.items() if not rows]
    assert empty == [], f"the dump proves nothing for {empty}"


def test_loading_again_keeps_what_a_coordinator_changed() -> None:
    """What `make run` does on every start: only what is missing is added."""
    load_demo()
    person = Person.objects.get(email="anders.lindqvist@polisen.example.org")
    person.title = "Somebody else"
    person.save()
    session = Session.objects.get(title="Evaluation and conclusions")
    session.ends_at += dt.timedelta(hours=1)
    session.save()
    visit = session.visit
    theme = visit.themes.get(slug=visit.themes.values_list("slug", flat=True)[0])
    visit.themes.remove(theme)
    Session.objects.filter(pk=session.pk).update(title="Our own evaluation")
    Session.objects.filter(pk__in=Session.objects.filter(visit=visit).exclude(pk=session.pk)[:1]).delete()
    sessions = set(Session.objects.values_list("pk", flat=True))

    summary = load_demo()

    assert (summary.created, summary.changed) == (0, 0)
    assert Person.objects.get(pk=person.pk).title == "Somebody else"
    assert Session.objects.get(pk=session.pk).ends_at == session.ends_at
    assert Session.objects.get(pk=session.pk).title == "Our own evaluation"
    assert set(Session.objects.values_list("pk", flat=True)) == sessions  # none renamed or deleted comes back
    assert theme not in visit.themes.all()


def test_loading_again_with_reset_puts_back_what_was_changed_and_keeps_the_keys() -> None:
    load_demo()
    before = dump_visits_app()
    person = Person.objects.get(email="anders.lindqvist@polisen.example.org")
    person.title = "Somebody else"
    person.save()
    session = Session.objects.get(title="Evaluation and conclusions")
    session.ends_at += dt.timedelta(hours=1)
    session.save()

    summary = load_demo(reset=True)

    assert (summary.created, summary.changed) == (0, 2)
    after = dump_visits_app()
    for label in ("visits.Person", "visits.Session"):
        assert [row["id"] for row in after[label]] == [row["id"] for row in before[label]]
    restored = Session.objects.get(pk=session.pk)
    assert (restored.starts_at, restored.ends_at) == (
        dt.datetime(2027, 3, 28, 10, tzinfo=STOCKHOLM),
        dt.datetime(2027, 3, 28, 12, tzinfo=STOCKHOLM),
    )
    assert Person.objects.get(pk=person.pk).title == "Detective Superintendent, Human Trafficking Unit"


def test_every_object_passes_full_clean() -> None:
    load_demo()
    checked = 0
    for model in apps.get_app_config("visits").get_models():
        for obj in model._default_manager.all():
            obj.full_clean()
            checked += 1
    assert checked > 200


def test_delegations_have_members_with_roles_and_needs() -> None:
    load_demo()
    delegations = Delegation.objects.all()
    assert delegations.count() >= 3
    for delegation in delegations:
        members = list(delegation.members.all())
        assert 4 <= len(members) <= 8, delegation.name
        assert [m.role for m in members].count(DelegationMember.Role.HEAD) == 1, delegation.name
        assert delegation.organisations.exists()
    assert DelegationMember.objects.filter(role=DelegationMember.Role.INTERPRETER).exists()
    load_member_needs()  # the members' needs are participation's, loaded by its own demo step
    assert ParticipantNeeds.objects.filter(member__isnull=False).exclude(dietary_note="").exists()
    assert ParticipantNeeds.objects.filter(member__isnull=False).exclude(accessibility_note="").exists()
    assert set(Delegation.objects.get(name="Latvian police and prosecutors").languages) == {"lv", "ru", "en"}


def test_experts_venues_and_visits_cover_the_demo() -> None:
    load_demo()
    experts = Person.objects.filter(expert_roles__isnull=False).distinct()
    assert experts.count() >= 12
    assert all(
        p.home_time_zone == "Europe/Stockholm" and p.preferred_language in {"sv", "en"} for p in experts
    )
    assert set(SessionExpert.objects.values_list("response", flat=True)) == set(SessionExpert.Response.values)

    assert {"Stockholm", "Gothenburg", "Malmö"} <= set(Venue.objects.values_list("city", flat=True))
    assert Venue.objects.filter(time_zone="Europe/Stockholm").count() >= 6
    assert all(venue.opening_hours.exists() for venue in Venue.objects.all())

    study_visits = Visit.objects.filter(kind=Visit.Kind.STUDY_VISIT, delegation__isnull=False)
    assert sum(1 for visit in study_visits if visit.ends_on > visit.starts_on) >= 2
    seminar = Visit.objects.get(kind=Visit.Kind.SEMINAR_ABROAD)
    assert (seminar.time_zone, seminar.country.code) == ("Asia/Kathmandu", "NP")
    assert seminar.audience and seminar.delegation is not None
    published = Visit.objects.get(status=Visit.Status.PUBLISHED)
    assert published.first_published_at is not None
    assert published.sessions.count() >= 12


def test_sessions_are_built_in_their_venues_zone() -> None:
    load_demo()
    sessions = list(Session.objects.select_related("venue", "visit"))
    for session in sessions:
        start, end = local(session)
        assert dt.time(7) <= start.time() and end.time() <= dt.time(22), (session.title, start, end)

    on_summer_time_day = [
        s
        for s in sessions
        if str(s.zone) == "Europe/Stockholm" and local(s)[0].date() == dt.date(2027, 3, 28)
    ]
    assert len(on_summer_time_day) >= 2
    evaluation = Session.objects.get(title="Evaluation and conclusions")
    assert evaluation.starts_at == dt.datetime(2027, 3, 28, 8, tzinfo=dt.UTC)  # 10:00 CEST, summer time
    saturday = Session.objects.get(
        title="Safe return and reintegration: cooperation with countries of origin"
    )
    assert saturday.starts_at == dt.datetime(2027, 3, 27, 9, tzinfo=dt.UTC)  # 10:00 CET, still winter time
    opening = Session.objects.get(title="Opening of the seminar")
    assert opening.starts_at == dt.datetime(
        2027, 2, 15, 3, 45, tzinfo=dt.UTC
    )  # 09:30 in Kathmandu, UTC+05:45

    transfer = Session.objects.get(kind=Session.Kind.TRANSFER, title__contains="Gothenburg to Malmö")
    assert transfer.visit.starts_on <= local(transfer)[0].date() <= transfer.visit.ends_on
    assert Session.objects.filter(outside_visit_dates=True).count() == 1


def test_interpretation_and_chosen_attendance() -> None:
    load_demo()
    interpreted = Session.objects.filter(interpreter_needed=True)
    assert interpreted.exists()
    for session in interpreted:
        assert session.interpretation_language
        assert SessionInterpreter.objects.filter(session=session).exists()

    chosen = Session.objects.filter(attendance=Session.Attendance.CHOSEN)
    assert chosen.count() >= 3
    for session in chosen:
        attendees = ChosenMember.objects.filter(session=session).select_related("member")
        assert attendees.exists()
        assert all(a.member.delegation_id == session.visit.delegation_id for a in attendees)
    assert not ChosenMember.objects.exclude(session__attendance=Session.Attendance.CHOSEN).exists()


def test_contact_details_are_fictional() -> None:
    load_demo()
    for person in Person.objects.all():
        assert person.email.endswith(".example.org"), person.email
        assert person.email.isascii()
        # Sweden's range for fiction: 070-174 06 05 to 070-174 06 99.
        if person.phone:
            assert re.fullmatch(r"\+46 70 174 06 (0[5-9]|[1-9]\d)", person.phone), person.phone


def strip_accents(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


@pytest.mark.skipif(
    not SEEDS.is_dir(), reason="the seed pages (../shared/seeds) are not next to the repository"
)
def test_no_person_from_the_seed_pages_appears() -> None:
    load_demo()
    seeds = "\n".join(path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt")))
    variants = [seeds, strip_accents(seeds)]
    seed_digits = {re.sub(r"\D", "", number) for number in re.findall(r"\d[\d -]{6,}\d", seeds)}
    for person in Person.objects.all():
        for name in (person.name, strip_accents(person.name)):
            assert all(name.casefold() not in text.casefold() for text in variants), name
            # No first name or surname either: seed pages name people by one name ("Sita", "Mr Un").
            for token in name.split():
                pattern = rf"(?<!\w){re.escape(token)}(?!\w)"
                assert not any(re.search(pattern, text) for text in variants), f"{token} ({person.name})"
        if person.phone:
            assert not any(number.endswith(re.sub(r"\D", "", person.phone)[-7:]) for number in seed_digits)


def test_seed_demo_command_loads_and_adds_the_coordinator(coordinator: User) -> None:
    out = io.StringIO()
    call_command("seed_demo", "--coordinator", "coordinator", stdout=out)

    # The demo's visits, and the open seminar in Riga (registration.demo).
    assert Visit.objects.count() == len(VISITS) + 1
    assert all(list(visit.coordinators.all()) == [coordinator] for visit in Visit.objects.all())
    assert "3 visits" in out.getvalue()

    again = io.StringIO()
    call_command("seed_demo", "--coordinator", "coordinator", stdout=again)
    assert "Rows created: 0, changed: 0." in again.getvalue()


def test_seed_demo_command_warns_about_an_unknown_coordinator() -> None:
    out, err = io.StringIO(), io.StringIO()
    call_command("seed_demo", "--coordinator", "nobody", stdout=out, stderr=err)

    assert "No user “nobody”" in err.getvalue()
    assert Visit.objects.count() == len(VISITS) + 1
    assert not Visit.coordinators.through.objects.exists()


def test_sessions_at_a_venue_fall_within_its_opening_hours() -> None:
    load_demo()
    for session in Session.objects.filter(venue__isnull=False).select_related("venue"):
        start, end = local(session)
        assert session.venue is not None
        hours = session.venue.opening_hours.filter(weekday=start.weekday())
        assert any(h.opens <= start.time() and end.time() <= h.closes for h in hours), (session.title, start)


def test_nobody_is_booked_into_two_sessions_at_once() -> None:
    load_demo()
    bookings: dict[str, list[Session]] = {}
    for row in SessionExpert.objects.exclude(response=SessionExpert.Response.DECLINED).select_related(
        "session"
    ):
        bookings.setdefault(f"expert {row.person_id}", []).append(row.session)
    for interpreter in SessionInterpreter.objects.select_related("session"):
        bookings.setdefault(f"interpreter {interpreter.person_id}", []).append(interpreter.session)
    for attendee in ChosenMember.objects.select_related("session"):
        bookings.setdefault(f"member {attendee.member_id}", []).append(attendee.session)
    for who, sessions in bookings.items():
        sessions.sort(key=lambda s: s.starts_at)
        for earlier, later in itertools.pairwise(sessions):
            assert earlier.ends_at <= later.starts_at, (who, earlier.title, later.title)


def test_the_demo_login_again_signs_nobody_out(tmp_path, settings) -> None:
    from django.core.management import call_command
    from django.test import Client

    settings.VAR_DIR = tmp_path
    call_command("demo_login", "--quiet")
    client = Client()
    client.force_login(User.objects.get(username="coordinator"))
    assert client.get("/plan/").status_code == 200
    call_command("demo_login", "--quiet")
    assert client.get("/plan/").status_code == 200  # still signed in

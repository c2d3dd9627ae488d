"""The whole access matrix: every API operation in the schema, every planner and directory page, every admin
page of a row and every token page, tried by each kind of user with the ids of Anna's rows.

Anna coordinates visit "a" (its delegation, member, session, expert, outbox message, version); Bertil is
another coordinator with a visit of his own; "agency" is an agency admin; the guest is signed in and
coordinates nothing; and someone is not signed in. Whoever may not see a row gets the answer for a row that
does not exist (404), never a 403 that confirms it exists; 403 only where the admin's model permissions or
the API's entry rule (coordinators only) refuse before any row is looked up. And a refused request changes
nothing: the database is the same after.

Each list below must name every page of its kind: a page added without joining the matrix fails
`test_every_page_is_in_the_matrix`.
"""

import datetime as dt
import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import openpyxl
import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import AnonymousUser, User
from django.core.cache import caches
from django.db.models import Model
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from booklets.models import ParticipantStay
from notifications.models import PersonalToken
from proposals.models import Proposal
from registration.models import Registration, RegistrationSettings
from scheduling.models import AvailabilityException, ProgrammeVersion
from tests.api.conftest import client_for
from tests.factories import (
    DelegationMemberFactory,
    OutboxMessageFactory,
    PersonalTokenFactory,
    SessionExpertFactory,
    SessionFactory,
    SessionInterpreterFactory,
    UserFactory,
    VisitFactory,
    stockholm,
)
from visits.models import Session, Visit
from visits.roles import agency_admins_group, coordinators_group

pytestmark = pytest.mark.django_db

HOSTILE = ["bertil", "guest", "anonymous"]


@dataclass
class World:
    users: dict[str, User | AnonymousUser]
    rows: dict[str, Model]  # Anna's rows, by kind


@pytest.fixture
def world(db):
    anna = UserFactory(username="anna", is_staff=True)
    bertil = UserFactory(username="bertil", is_staff=True)
    for coordinator in (anna, bertil):
        coordinator.groups.add(coordinators_group())
    agency = UserFactory(username="agency", is_staff=True)
    agency.groups.add(agency_admins_group())
    guest = UserFactory(username="guest")
    rows: dict[str, Model] = {}
    for owner, letter in ((anna, "a"), (bertil, "b")):
        session = SessionFactory(title=f"Session {letter}")
        session.visit.coordinators.add(owner)
        session.visit.delegation.coordinators.add(owner)
        member = DelegationMemberFactory(delegation=session.visit.delegation)
        if owner is anna:
            rows["visit"], rows["session"] = session.visit, session
            rows["delegation"], rows["member"] = session.visit.delegation, member
            rows["person"] = member.person
            rows["expert"] = SessionExpertFactory(session=session)
            rows["interpreter"] = SessionInterpreterFactory(session=session)
            rows["outbox"] = OutboxMessageFactory(session=session)
            rows["version"] = ProgrammeVersion.objects.create(visit=session.visit, number=1, snapshot={})
            rows["person_token"] = PersonalTokenFactory(person=member.person)
            rows["visit_token"] = PersonalTokenFactory(
                purpose=PersonalToken.Purpose.VISIT_FEED, person=None, visit=session.visit
            )
            rows["proposal"] = Proposal.objects.create(visit=session.visit, status=Proposal.Status.OPTIMAL)
            rows["stay"] = ParticipantStay.objects.create(
                visit=session.visit, person=member.person, hotel="Hotel A"
            )
            rows["exception"] = AvailabilityException.objects.create(
                person=member.person, starts_on=dt.date(2027, 3, 1), ends_on=dt.date(2027, 3, 1)
            )
            seminar = VisitFactory(kind=Visit.Kind.SEMINAR_ABROAD, delegation=None, title="Seminar a")
            seminar.coordinators.add(owner)
            rows["seminar"] = seminar
            rows["registration_settings"] = RegistrationSettings.objects.create(
                visit=seminar, is_open=True, closes_at=stockholm(2027, 3, 1)
            )
            rows["registration"] = Registration.objects.create(
                visit=seminar,
                person=member.person,
                email=member.person.email.lower(),
                organisation="Anna's registrant's organisation",
                sector="ngos",
                status=Registration.Status.CONFIRMED,
                consented_at=stockholm(2026, 12, 1),
            )
    users = {"anna": anna, "bertil": bertil, "agency": agency, "guest": guest}
    return World(users={**users, "anonymous": AnonymousUser()}, rows=rows)


def fingerprint() -> dict[str, str]:
    """Every table's rows, hashed: what a refused request must leave as it was. Sign-in sessions and the
    throttle's records are the requests' own bookkeeping, not data."""
    kept: dict[str, str] = {}
    for model in apps.get_models():
        if model._meta.app_label in {"sessions", "axes", "admin"}:
            continue
        digest = hashlib.sha256()
        for row in model._base_manager.order_by("pk").values_list():
            digest.update(repr(row).encode())
        kept[model._meta.label] = digest.hexdigest()
    return kept


def browser(world: World, who: str) -> Client:
    client = Client()
    if who != "anonymous":
        client.force_login(world.users[who])  # type: ignore[arg-type]
    return client


def api(world: World, who: str) -> APIClient:
    return APIClient() if who == "anonymous" else client_for(world.users[who])  # type: ignore[arg-type]


# --- The API: every operation of the schema ---

# Which of Anna's rows a path's {id} names. Shared records (organisations, venues, opening hours, travel
# times, experts' hours) are every coordinator's: they are not probed here.
API_ROWS = {
    "visits": "visit",
    "sessions": "session",
    "delegations": "delegation",
    "delegation-members": "member",
    "outbox": "outbox",
    "people": "person",
    "proposals": "proposal",
    "stays": "stay",
}
API_SHARED = {
    "organisations",
    "venues",
    "opening-hours",
    "expert-hours",
    "availability-exceptions",
    "travel-times",
    # Requests for a visit: the agency's inbox, every coordinator's (tested below with the planner's inbox).
    "visit-requests",
}
API_ENTRY = {"guest": 403, "anonymous": 401}  # the API's entry rule, before any row is looked up


def api_operations() -> Iterator[tuple[str, str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, operations in schema["paths"].items():
        for method in operations:
            if method in {"get", "post", "put", "patch", "delete"}:
                yield method, path, path.removeprefix("/api/v1/").split("/")[0]


def api_url(world: World, path: str, collection: str) -> str:
    return path.replace("{id}", str(world.rows[API_ROWS[collection]].pk)) if "{id}" in path else path


ROW_OPERATIONS = [op for op in api_operations() if "{id}" in op[1] and op[2] in API_ROWS]


@pytest.mark.parametrize(("method", "path", "collection"), ROW_OPERATIONS, ids=lambda v: str(v))
def test_every_api_operation_on_annas_rows(world, method, path, collection):
    url = api_url(world, path, collection)
    clients = {who: api(world, who) for who in HOSTILE}  # before the fingerprint: a token is made for each
    before = fingerprint()
    for who, client in clients.items():
        response = getattr(client, method)(url, {}, format="json")
        expected = API_ENTRY.get(who, 404)
        assert response.status_code == expected, (who, method, url, response.content[:300])
    assert fingerprint() == before, (method, url)
    if method == "get":  # the owner and the agency admin do see it
        for who in ("anna", "agency"):
            response = api(world, who).get(url)
            assert response.status_code == 200, (who, url, response.content[:300])


# Operations without an id that take one of Anna's ids in their body or query: Bertil gets the answer for
# an id that does not exist (a 400 naming the field, or an empty list), and nothing is made.
def body_probes(world: World) -> list[tuple[str, str, dict[str, Any], str]]:
    rows = world.rows
    return [
        ("post", "/api/v1/sessions/", {"visit": rows["visit"].pk, "title": "x"}, "visit"),
        ("post", "/api/v1/sessions/check/", {"visit": rows["visit"].pk}, "visit"),
        ("post", "/api/v1/delegation-members/", {"delegation": rows["delegation"].pk}, "delegation"),
        ("post", "/api/v1/visits/", {"delegation": rows["delegation"].pk, "title": "x"}, "delegation"),
        ("post", "/api/v1/stays/", {"visit": rows["visit"].pk, "person": rows["person"].pk}, "visit"),
    ]


def test_annas_ids_in_a_body_are_as_if_they_did_not_exist(world):
    bertil = api(world, "bertil")
    before = fingerprint()
    for method, url, body, field in body_probes(world):
        response = getattr(bertil, method)(url, body, format="json")
        assert response.status_code == 400, (url, response.content[:300])
        errors = response.json()["errors"]
        assert field in errors, (url, errors)
        missing = {**body, field: MISSING}
        assert getattr(bertil, method)(url, missing, format="json").json()["errors"][field] == [
            message.replace(str(world.rows[field].pk), str(MISSING)) for message in errors[field]
        ]
    assert fingerprint() == before


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("/api/v1/sessions/?visit={visit}", "session"),
        ("/api/v1/outbox/?visit={visit}", "outbox"),
        ("/api/v1/delegation-members/?delegation={delegation}", "member"),
        ("/api/v1/stays/", "stay"),
    ],
)
def test_lists_filtered_by_annas_ids_are_empty_for_bertil(world, url, kind):
    url = url.format(visit=world.rows["visit"].pk, delegation=world.rows["delegation"].pk)
    response = api(world, "bertil").get(url)
    assert response.status_code in {200, 400}, response.content[:300]
    if response.status_code == 200:
        body = response.json()
        results = body["results"] if isinstance(body, dict) else body
        assert world.rows[kind].pk not in [row["id"] for row in results]


# --- The planner and the directory: every page with an id ---

ID_ROWS = {
    "visit_id": "visit",
    "session_id": "session",
    "delegation_id": "delegation",
    "member_id": "member",
    "message_id": "outbox",
    "person_id": "person",
    "exception_id": "exception",
    "expert_id": "expert",
    "interpreter_id": "interpreter",
    "proposal_id": "proposal",
    "seminar_id": "seminar",
    "registration_id": "registration",
}
# Pages of shared records (every coordinator's).
SHARED_PAGES = {"directory:venue", "directory:venue_travel_time", "directory:venue_travel_time_remove"}
MISSING = 987654321  # an id of no row


def pages(namespaces: set[str]) -> Iterator[tuple[str, list[str]]]:
    """Each named page of these namespaces with the names of its ids (its own and its prefixes')."""

    def walk(patterns: list[Any], ns: str, keys: list[str]) -> Iterator[tuple[str, list[str]]]:
        for pattern in patterns:
            own = list(pattern.pattern.regex.groupindex)
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, pattern.namespace or ns, keys + own)
            elif ns in namespaces and pattern.name:
                yield f"{ns}:{pattern.name}", keys + own

    yield from walk(get_resolver().url_patterns, "", [])


PAGE_NAMESPACES = {
    "planner",
    "directory",
    "privacy",
    "audit",
    "booklets",
    "evaluations",
    "reports",
    "registration",
}
ROW_PAGES = sorted(name for name, keys in pages(PAGE_NAMESPACES) if keys and name not in SHARED_PAGES)


# Pages that answer only with a query string: they get it, so that what is tried is the id alone.
PAGE_QUERIES = {"planner:people_search": "?kind=experts&q=person"}


def page_url(world: World | None, name: str) -> str:
    keys = dict(pages({name.split(":")[0]}))[name]
    url = reverse(name, kwargs={key: world.rows[ID_ROWS[key]].pk if world else MISSING for key in keys})
    return url + PAGE_QUERIES.get(name, "")


def page_outcome(response: Any) -> int | str:
    if response.status_code == 302 and response["Location"].startswith(reverse("login")):
        return "login"
    return int(response.status_code)


@pytest.mark.parametrize("name", ROW_PAGES)
def test_every_page_of_annas_rows(world, name):
    """Whoever may not see Anna's row gets what a row that does not exist gets: a 404, the sign-in page, or
    a 405 where the page takes only another method whatever the id."""
    url, missing = page_url(world, name), page_url(None, name)
    clients = {who: browser(world, who) for who in HOSTILE}  # before the fingerprint: signing in is a write
    before = fingerprint()
    for who, client in clients.items():
        for method in ("get", "post"):
            got = page_outcome(getattr(client, method)(url))
            assert got == page_outcome(getattr(client, method)(missing)), (who, method, url, got)
            assert got in {404, 405, "login"}, (who, method, url, got)
    assert fingerprint() == before, url
    for who in ("anna", "agency"):
        client = browser(world, who)
        answers = {page_outcome(client.get(url)), page_outcome(client.get(missing))}
        assert answers in ({200, 404}, {405}), (who, url, answers)  # a page, or one that takes POST only


def test_annas_visit_as_the_programme_to_copy_is_as_if_it_did_not_exist(world):
    """Bertil copying into his own visit may name only visits he may see: Anna's is answered as an id of no
    visit (400 naming the field), in the preview and in the copy, and nothing is made."""
    bertils = Session.objects.get(title="Session b").visit
    url = reverse("planner:programme_copy", args=[bertils.pk])
    bertil = browser(world, "bertil")
    before = fingerprint()
    for source in (world.rows["visit"].pk, MISSING):
        for response in (bertil.get(url, {"source": source}), bertil.post(url, {"source": source})):
            assert response.status_code == 400
            assert response.context["form"].errors["source"]
            assert world.rows["session"].title.encode() not in response.content
    assert world.rows["visit"].title.encode() not in bertil.get(url).content  # not offered either
    assert fingerprint() == before


# --- The header's search: it takes no id, and finds only what each may see ---


def found_by(client: Client, who: str, query: str) -> dict[str, set[int]]:
    response = client.get(reverse("planner:search"), {"q": query})
    if page_outcome(response) == "login":
        return {}
    assert response.status_code == 200, (who, query)
    results = response.context["results"]
    return {
        kind: {row.pk for row in getattr(results, kind).rows} for kind in ("visits", "sessions", "people")
    }


def test_the_search_finds_annas_rows_for_anna_and_the_agency_admin_only(world):
    rows = world.rows
    searches = {
        "visits": (rows["visit"].title, rows["visit"].pk),
        "sessions": (rows["session"].title, rows["session"].pk),
        "people": (rows["person"].name, rows["person"].pk),
    }
    clients = {who: browser(world, who) for who in ("anna", "agency", *HOSTILE)}  # signing in is a write
    before = fingerprint()
    for who, client in clients.items():
        for kind, (query, pk) in searches.items():
            found = found_by(client, who, query)
            assert (pk in found.get(kind, set())) == (who in {"anna", "agency"}), (who, kind, query)
    assert fingerprint() == before


# --- The report to government: it takes no id, and counts only the visits each may see ---

REPORT_PAGES = {"reports:report", "reports:export"}


def study_visits_counted(response: Any) -> int:
    """The report's "Study visits" figure, from the page or from the workbook's first sheet."""
    if response.get("Content-Type", "").startswith("text/html"):
        return dict((row.label, row.values[0]) for row in response.context["report"].summary.rows)[
            "Study visits"
        ]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    return dict((row[0], row[1]) for row in sheet.iter_rows(values_only=True))["Study visits"]


@pytest.mark.parametrize("name", sorted(REPORT_PAGES))
def test_the_report_counts_annas_visit_for_anna_and_the_agency_admin_only(world, name):
    """Anna's visit and Bertil's are both counted (planned); each coordinator's report counts their own."""
    Visit.objects.update(status="planned")  # a draft is not counted at all
    url = reverse(name) + "?from=2027-01-01&to=2027-12-31"
    clients = {who: browser(world, who) for who in ("anna", "agency", *HOSTILE)}  # signing in is a write
    before = fingerprint()
    for who, client in clients.items():
        response = client.get(url)
        if who == "anonymous":
            assert page_outcome(response) == "login"
            continue
        assert response.status_code == 200, (who, url)
        expected = {"anna": 1, "bertil": 1, "agency": 2, "guest": 0}[who]
        assert study_visits_counted(response) == expected, (who, url)
        assert page_outcome(client.post(url)) == 405
    assert fingerprint() == before


# --- The admin: every registered model's rows of Anna's ---

ADMIN_ROWS = {
    "visits.visit": "visit",
    "visits.session": "session",
    "visits.delegation": "delegation",
    "visits.delegationmember": "member",
    "visits.sessionexpert": "expert",
    "notifications.outboxmessage": "outbox",
    "notifications.personaltoken": "person_token",
    "scheduling.programmeversion": "version",
    "scheduling.programme": "visit",
    "registration.registrationsettings": "registration_settings",
    "registration.registration": "registration",
    "booklets.participantstay": "stay",
}


def admin_urls(world: World) -> Iterator[tuple[str, str]]:
    """Each admin page of one of Anna's rows, and the same page for a row that does not exist."""
    for label, kind in ADMIN_ROWS.items():
        app_label, model_name = label.split(".")
        for view in ("change", "delete", "history"):
            name = f"admin:{app_label}_{model_name}_{view}"
            yield reverse(name, args=[world.rows[kind].pk]), reverse(name, args=[MISSING])


def test_the_admin_answers_for_annas_rows_as_for_rows_that_do_not_exist(world):
    bertil = browser(world, "bertil")
    before = fingerprint()
    for url, missing in admin_urls(world):
        for method in ("get", "post"):
            got, expected = getattr(bertil, method)(url), getattr(bertil, method)(missing)
            assert (got.status_code, got.get("Location")) == (
                expected.status_code,
                expected.get("Location"),
            ), (
                method,
                url,
            )
            assert got.status_code in {302, 403, 404}, (method, url, got.status_code)
    assert fingerprint() == before
    agency = browser(world, "agency")
    for url, _ in admin_urls(world):
        if "/delete/" not in url:
            assert agency.get(url).status_code == 200, url


def test_the_admin_lists_none_of_annas_rows_to_bertil(world):
    bertil = browser(world, "bertil")
    for label, kind in ADMIN_ROWS.items():
        app_label, model_name = label.split(".")
        response = bertil.get(reverse(f"admin:{app_label}_{model_name}_changelist"))
        assert response.status_code == 200, label
        assert response.context["cl"].queryset.filter(pk=world.rows[kind].pk).count() == 0, label


# --- Token pages ---

TOKEN_PAGES = {
    "notifications:visit_feed": "visit_token",
    "notifications:person_feed": "person_token",
    "notifications:programme": "person_token",
    "notifications:programme_ics": "person_token",
    "booklet_pages:booklet": "person_token",
    "participation:programme_answer": "person_token",
    "participation:programme_needs": "person_token",
    "responses:answer": None,
    "responses:fresh_link": None,
    "responses:interpreter_answer": None,
    "responses:interpreter_fresh_link": None,
    # A participant's survey link (evaluations): its own token, tried as one that never existed.
    "survey:survey": None,
    # The public registration page (by the seminar's key) and a registrant's signed links.
    "registration_public:register": None,
    "registration_public:sent": None,
    "registration_public:cancel": None,
    "registration_public:offer": None,
}


@pytest.mark.parametrize("name", sorted(TOKEN_PAGES))
def test_a_revoked_token_is_answered_as_one_that_never_existed(world, name):
    kind = TOKEN_PAGES[name]
    revoked: list[str] = []
    if kind is not None:
        row = world.rows[kind]
        assert isinstance(row, PersonalToken)
        revoked.append(row.token)
        row.revoked_at = stockholm(2026, 1, 1)
        row.save(update_fields=["revoked_at"])
    clients = {who: browser(world, who) for who in ("anonymous", "bertil", "anna")}
    before = fingerprint()
    for who, client in clients.items():
        for method in ("get", "post"):
            never = getattr(client, method)(reverse(name, args=["a" * 43])).status_code
            assert never in {200, 400, 404, 405}, (who, method, name, never)
            for token in revoked:
                response = getattr(client, method)(reverse(name, args=[token]))
                assert response.status_code == never, (who, method, name)
                assert world.rows["person"].name.encode() not in response.content
                assert world.rows["session"].title.encode() not in response.content
    assert fingerprint() == before


# --- Requests for a visit: the agency's inbox (every coordinator's), and the requester's link ---

# The inbox's pages and the id each takes: every coordinator sees every request (visits.access
# .may_triage_requests); a signed-in person who is not a coordinator gets a 404, someone not signed in the
# sign-in page.
INTAKE_PAGES = {"intake_triage:index": None, "intake_triage:detail": "request_id"}
# The public pages: open to anyone (the form, its thanks), and the requester's link (a token alone).
PUBLIC_PAGES = {"intake:form", "intake:thanks", "intake:more"}


@pytest.fixture
def visit_request(db):
    from intake.models import VisitRequest

    return VisitRequest.objects.create(
        organisation="Fictional Embassy",
        country="LV",
        target_group="justice",
        starts_on=dt.date(2027, 5, 3),
        ends_on=dt.date(2027, 5, 6),
        group_size=6,
        languages=["en"],
        contact_name="Ilze Testa",
        contact_email="ilze.testa@example.org",
        consented_at=stockholm(2027, 1, 4),
        retention_days=180,
    )


@pytest.mark.parametrize("name", sorted(INTAKE_PAGES))
def test_the_requests_inbox_is_every_coordinators_and_nobody_elses(world, visit_request, name):
    key = INTAKE_PAGES[name]
    url = reverse(name, kwargs={key: visit_request.pk} if key else {})
    clients = {who: browser(world, who) for who in ("anna", "bertil", "agency", "guest", "anonymous")}
    before = fingerprint()
    for who in ("guest", "anonymous"):
        for method in ("get", "post"):
            got = page_outcome(getattr(clients[who], method)(url, {"action": "decline", "message": "x"}))
            assert got == (404 if who == "guest" else "login"), (who, method, url, got)
    assert fingerprint() == before
    for who in ("anna", "bertil", "agency"):
        response = clients[who].get(url)
        assert response.status_code == 200, (who, url)
        assert b"Fictional Embassy" in response.content
    if key:
        missing = reverse(name, kwargs={key: MISSING})
        assert clients["bertil"].get(missing).status_code == 404


def test_a_requesters_link_is_the_token_alone(world, visit_request):
    """Without the token of a question still open, the request is not shown to anyone, signed in or not."""
    caches["throttle"].clear()  # the link's posts count towards the rate limit of the address: start anew
    url = reverse("intake:more", args=[visit_request.pk, "a" * 43])
    clients = {who: browser(world, who) for who in ("anna", "agency", *HOSTILE)}
    before = fingerprint()
    for who, client in clients.items():
        for method in ("get", "post"):
            response = getattr(client, method)(url, {"text": "x"})
            assert response.status_code == 404, (who, method)
            assert b"Fictional Embassy" not in response.content
    assert fingerprint() == before


# --- Monitoring: reached by a setting's token, not by who is signed in ---

MONITORING_PAGES = {"metrics": "METRICS_TOKEN"}


@pytest.mark.parametrize("who", ["anna", "agency", *HOSTILE])
def test_metrics_answer_the_token_alone_whoever_is_signed_in(world, who, settings):
    client = browser(world, who)
    url = reverse("metrics")
    before = fingerprint()
    settings.METRICS_TOKEN = ""
    assert client.get(url).status_code == 404
    assert client.get(url, HTTP_AUTHORIZATION="Bearer ").status_code == 404
    settings.METRICS_TOKEN = "matrix-token"
    assert client.get(url).status_code == 404
    assert client.get(url, HTTP_AUTHORIZATION="Bearer matrix-token-not").status_code == 404
    response = client.get(url, HTTP_AUTHORIZATION="Bearer matrix-token")
    assert response.status_code == 200
    # Counts only: nobody's name, address or session.
    assert world.rows["person"].name.encode() not in response.content
    assert world.rows["person"].email.encode() not in response.content
    assert world.rows["session"].title.encode() not in response.content
    assert client.post(url, HTTP_AUTHORIZATION="Bearer matrix-token").status_code == 405
    assert fingerprint() == before


# --- Nothing is left out ---


def test_every_page_is_in_the_matrix():
    operations = list(api_operations())
    collections = {collection for _, _, collection in operations}
    assert collections - set(API_ROWS) - API_SHARED <= {"sessions", "schema"}, collections
    for name, keys in pages(PAGE_NAMESPACES):
        assert set(keys) <= set(ID_ROWS) or name in SHARED_PAGES, (name, keys)
    assert {name for name, _ in pages({"reports"})} == REPORT_PAGES
    token_pages = {
        name
        for name, _ in pages(
            {"notifications", "participation", "responses", "booklet_pages", "survey", "registration_public"}
        )
    }
    assert token_pages == set(TOKEN_PAGES)
    assert {name for name, _ in pages({"intake_triage"})} == set(INTAKE_PAGES)
    assert {name for name, _ in pages({"intake"})} == PUBLIC_PAGES
    root_names = {pattern.name for pattern in get_resolver().url_patterns if getattr(pattern, "name", None)}
    assert set(MONITORING_PAGES) <= root_names
    scoped_admins = {
        model._meta.label_lower
        for model in admin.site._registry
        if any(
            field.related_model in {apps.get_model("visits.Visit"), apps.get_model("visits.Delegation")}
            or field.name in {"session", "visit", "delegation", "member"}
            for field in model._meta.get_fields()
            if field.is_relation and field.many_to_one
        )
    }
    listed = set(ADMIN_ROWS) | {
        # Rows of a visit that the admin shows read-only, with the same rule (visits.access) as those above.
        "scheduling.programmechange",
        "scheduling.programme",
        "scheduling.conflictacknowledgement",
        "participation.participantneeds",
        "participation.participantanswer",
        "responses.expertanswer",
        "visits.sessioninterpreter",
        "visits.chosenmember",
    }
    assert scoped_admins <= listed, scoped_admins - listed

"""Schemathesis drives every operation of the live schema with generated requests, as Anna, a coordinator
whose visit is in the database, with all its checks: no answer may be a server error or break the schema, a
request the schema allows is accepted and one it forbids is refused.

The requests go through config.wsgi.application in this process and this test's database transaction. Path
ids are mostly steered to rows that exist (so that an operation is tested past its 404), and the stateful
test follows the links schemathesis infers between operations (create a session, then read and change it).
Generation is derandomized and bounded (10 examples an operation), so a run is repeatable and takes minutes.
"""

import copy
import datetime as dt
import json
import re
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.openapi.checks import RejectedPositiveData
from schemathesis.specs.openapi.checks import positive_data_acceptance

from booklets.models import ParticipantStay
from config.wsgi import application
from notifications.models import OutboxMessage
from scheduling.models import AvailabilityException, ExpertHours, TravelTime
from tests.factories import OpeningHoursFactory, OutboxMessageFactory, SessionFactory, VenueFactory, stockholm
from visits.models import DelegationMember, Organisation, Person, Venue

pytestmark = pytest.mark.django_db

# Refusals of requests the schema allows, which it cannot say it refuses: each message, and why not.
BEYOND_THE_SCHEMA = [
    # A reference to a row that does not exist or is not the reader's: the schema knows no rows.
    r'^Invalid pk "[^"]*" - object does not exist\.$',
    r"^No session with that number in a visit you coordinate\.$",
    r"^No conflict of this visit has that key now",
    r"^No proposal \d+ of this visit",
    # What the stored row allows: a status moves along its transitions; a session stays in its visit.
    r" cannot become ",
    r"^A visit is published by publishing its programme",
    r"^A session stays in its visit\.$",
    r"^Choose members of this visit's delegation",
    # A name taken by another stored row.
    r"^A delegation of this name is already registered",
    # One field against another (the schema's properties are independent of each other).
    r"^The last day cannot be before the first\.$",
    r" is in the list twice; give each interpreter once\.$",
    # interpreter_needed without interpretation_language.
    r"^Say which language the session is interpreted into\.$",
    # Dates the conflict checker can work with: OpenAPI 3.0 has no bounds for a date or a time.
    r"^Give a date between the years 1990 and 2200\.$",
    # A text of spaces and line breaks only: DRF trims it to blank, while minLength counts the spaces.
    r"^This field may not be blank\.$",
    # Django's URL rules are narrower than the "uri" format (a host's length, its top-level domain).
    r"^Enter a valid URL\.$",
]


def messages_of(errors: Any) -> list[str]:
    """Every message of a 400's errors, nested ones (a list's items, an object's fields) included."""
    if isinstance(errors, dict):
        return [message for value in errors.values() for message in messages_of(value)]
    if isinstance(errors, list):
        return [message for value in errors for message in messages_of(value)]
    return [str(errors)]


def refused_beyond_the_schema(body: Any) -> bool:
    """Whether every message of a 400 is a rule the schema cannot state. Rules over several fields or over
    the stored rows (uniqueness, either this or that, the model's clean()) come as non_field_errors; what an
    uploaded file holds comes on `file`."""
    errors = body.get("errors") if isinstance(body, dict) else None
    if not isinstance(errors, dict) or not errors:
        return False
    named = {field: value for field, value in errors.items() if field not in {"non_field_errors", "file"}}
    return all(any(re.search(rule, message) for rule in BEYOND_THE_SCHEMA) for message in messages_of(named))


def positive_data_accepted(ctx: Any, response: Any, case: Any) -> bool | None:
    """positive_data_acceptance, save for a 400 that only names rules the schema cannot state."""
    try:
        return positive_data_acceptance(ctx, response, case)
    except RejectedPositiveData:
        if response.status_code == 400 and refused_beyond_the_schema(json.loads(response.content or b"null")):
            return None
        raise


# Every check schemathesis has, with positive_data_acceptance narrowed as above.
ALL_CHECKS = {"excluded_checks": [positive_data_acceptance], "additional_checks": [positive_data_accepted]}
BOUNDED = settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)

# Requests the schema allows and requests it forbids. The coverage phase (every boundary of every parameter,
# thousands of requests) is left to `st run` by hand: in `make test` it would take a quarter of an hour; the
# boundaries it found (pages, ids, empty filters) are pinned in tests/api/test_schema_agreement.py.
CONFIG = schemathesis.Config.from_dict(
    {"generation": {"mode": "all"}, "phases": {"coverage": {"enabled": False}}}
)
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application, config=CONFIG)


def with_options(raw: dict[str, Any]) -> dict[str, Any]:
    """The schema with an OPTIONS operation on every path, which DRF answers and drf-spectacular leaves out:
    the path's parameters, and a description of the fields (200) or the usual refusals as its answers."""
    extended = copy.deepcopy(raw)
    for path, item in extended["paths"].items():
        some_operation = next(iter(item.values()))
        item["options"] = {
            "operationId": "options_" + path.strip("/").replace("/", "_").replace("{", "").replace("}", ""),
            "parameters": [p for p in some_operation.get("parameters", []) if p["in"] == "path"],
            "security": some_operation.get("security", []),
            "responses": {
                "200": {"description": "What the path accepts", "content": {"application/json": {}}},
                "401": {"description": "", "content": {"application/json": {}}},
                "404": {"description": "", "content": {"application/json": {}}},
            },
        }
    return extended


options_schema = schemathesis.openapi.from_dict(with_options(schema.raw_schema), config=CONFIG)
options_schema.app = application
options_schema.location = schema.location
OPTIONS_ONLY = options_schema.include(method="OPTIONS")

# The rows that exist in the seeded database, by the first part of the path; filled by the `seeded` fixture.
EXISTING: dict[str, list[int]] = {}
HEADERS: dict[str, str] = {}


@schema.hook
@options_schema.hook
def map_path_parameters(context: Any, path_parameters: dict[str, Any] | None) -> dict[str, Any] | None:
    """Two generated ids in three become the id of a row that exists, so operations get past their 404."""
    resource = context.operation.path.split("/")[3]  # /api/v1/<resource>/{id}/...
    known = EXISTING.get(resource)
    identifier = (path_parameters or {}).get("id")
    if path_parameters and known and isinstance(identifier, int) and identifier % 3:
        path_parameters["id"] = known[identifier % len(known)]
    return path_parameters


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """A WSGI request closes the database connection when it ends; Django's own test client stops that, and
    so must this, or the test's transaction would be closed under it."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def seeded(programme, bertil):
    """Anna's visit with two sessions, a travel time, availability and a failed message; Bertil's visit."""
    visit = programme.visit
    second = SessionFactory(
        visit=visit, title="Prosecution", venue=VenueFactory(), starts_at=stockholm(2027, 3, 24, 13)
    )
    venues = list(Venue.objects.order_by("pk"))
    TravelTime.objects.create(venue_a=venues[0], venue_b=venues[1], minutes=25)
    OpeningHoursFactory(venue=programme.venue)
    expert = programme.session.session_experts.get().person
    ExpertHours.objects.create(person=expert, weekday=1, starts=dt.time(8), ends=dt.time(16))
    AvailabilityException.objects.create(
        person=expert, starts_on=dt.date(2027, 3, 25), ends_on=dt.date(2027, 3, 25)
    )
    OutboxMessageFactory(session=second, status=OutboxMessage.Status.FAILED)
    ParticipantStay.objects.create(visit=visit, person=programme.members[0].person, hotel="Hotel Birger Jarl")
    EXISTING.clear()
    EXISTING.update(
        {
            "visits": [visit.pk, *bertil.coordinated_visits.values_list("pk", flat=True)],
            "sessions": [programme.session.pk, second.pk],
            "outbox": list(OutboxMessage.objects.values_list("pk", flat=True)),
            "organisations": list(Organisation.objects.values_list("pk", flat=True)),
            "people": list(Person.objects.values_list("pk", flat=True)),
            "venues": [venue.pk for venue in venues],
            "opening-hours": list(programme.venue.opening_hours.values_list("pk", flat=True)),
            "expert-hours": list(ExpertHours.objects.values_list("pk", flat=True)),
            "availability-exceptions": list(AvailabilityException.objects.values_list("pk", flat=True)),
            "travel-times": list(TravelTime.objects.values_list("pk", flat=True)),
            "delegations": [visit.delegation_id],
            "delegation-members": list(DelegationMember.objects.values_list("pk", flat=True)),
            "stays": list(ParticipantStay.objects.values_list("pk", flat=True)),
        }
    )
    anna = visit.coordinators.get()
    HEADERS["Authorization"] = f"Token {Token.objects.get_or_create(user=anna)[0].key}"


@schema.parametrize()
@BOUNDED
def test_every_operation_answers_within_its_schema(case, seeded):
    case.call_and_validate(headers=HEADERS, **ALL_CHECKS)


@OPTIONS_ONLY.parametrize()
@settings(BOUNDED, max_examples=5)
def test_options_on_every_path_describes_it_or_refuses(case, seeded):
    case.call_and_validate(headers=HEADERS, **ALL_CHECKS)


class Links(schema.as_state_machine()):  # type: ignore[misc]
    """Each scenario starts from the seeded database: its writes are rolled back after it, so that a scenario
    replayed by Hypothesis meets the same rows and takes the same turns."""

    def setup(self):
        self.scenario = transaction.atomic()
        self.scenario.__enter__()

    def teardown(self):
        transaction.set_rollback(True)
        self.scenario.__exit__(None, None, None)

    def get_call_kwargs(self, case):
        return {"headers": HEADERS}

    def validate_response(self, response, case, additional_checks=None, **kwargs):
        case.validate_response(
            response,
            excluded_checks=[positive_data_acceptance],
            additional_checks=[positive_data_accepted, *(additional_checks or [])],
            headers=HEADERS,  # Anna's token, sent with every call: ignored_auth tries the call without it
            transport_kwargs=kwargs or None,
            recorder=getattr(self, "recorder", None),
        )


def test_the_links_between_operations_hold(seeded):
    Links.run(settings=settings(BOUNDED, max_examples=30, stateful_step_count=6))


def test_the_schema_covers_every_operation_of_the_api():
    operations = {(op.ok().method.upper(), op.ok().path) for op in schema.get_all_operations()}
    assert len(operations) >= 70
    assert ("POST", "/api/v1/visits/{id}/publish/") in operations
    assert ("POST", "/api/v1/sessions/check/") in operations
    assert ("POST", "/api/v1/outbox/{id}/send-again/") in operations
    assert ("POST", "/api/v1/visits/{id}/acknowledge/") in operations
    assert ("POST", "/api/v1/delegations/") in operations
    assert ("DELETE", "/api/v1/delegations/{id}/") in operations
    assert ("POST", "/api/v1/delegations/{id}/import/") in operations

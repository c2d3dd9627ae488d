"""The API's delegation members keep their fields dietary_needs and accessibility_needs, read and written,
though participation keeps the notes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from participation.selectors import MemberNotes, member_notes
from tests.factories import DelegationMemberFactory, PersonFactory
from visits.models import DelegationMember

pytestmark = pytest.mark.django_db


def test_the_notes_are_read_and_written_by_their_old_names(api, programme):
    delegation = programme.visit.delegation
    created = api.post(
        "/api/v1/delegation-members/",
        {"delegation": delegation.pk, "person": PersonFactory().pk, "dietary_needs": "no pork"},
        format="json",
    )
    assert created.status_code == 201, created.content
    assert (created.json()["dietary_needs"], created.json()["accessibility_needs"]) == ("no pork", "")
    url = f"/api/v1/delegation-members/{created.json()['id']}/"

    changed = api.patch(url, {"accessibility_needs": "a lift"}, format="json")
    assert changed.status_code == 200, changed.content
    assert (changed.json()["dietary_needs"], changed.json()["accessibility_needs"]) == ("no pork", "a lift")
    member = DelegationMember.objects.get(pk=created.json()["id"])
    assert member_notes(member) == MemberNotes("no pork", "a lift")

    assert api.get(url).json()["accessibility_needs"] == "a lift"
    too_long = api.patch(url, {"dietary_needs": "x" * 201}, format="json")
    assert too_long.status_code == 400 and "dietary_needs" in too_long.json()["errors"]


def test_the_member_list_reads_the_notes_in_the_same_queries_for_3_and_13(api, programme):
    delegation = programme.visit.delegation

    def listed() -> int:
        with CaptureQueriesContext(connection) as captured:
            rows = api.get(f"/api/v1/delegation-members/?delegation={delegation.pk}").json()["results"]
        assert {row["dietary_needs"] for row in rows} >= {"vegan"}
        return len(captured)

    DelegationMemberFactory(delegation=delegation, dietary_needs="vegan")
    few = listed()
    for _ in range(10):
        DelegationMemberFactory(delegation=delegation, dietary_needs="vegan", accessibility_needs="a ramp")
    assert listed() == few

"""A participant's arrival, departure and hotel (booklets.ParticipantStay) are in their export and go with
their erasure; another participant's stay stays."""

import datetime as dt

import time_machine

from booklets.models import ParticipantStay
from booklets.services import participant_stay_save
from privacy.registry import redactors
from privacy.services import person_erase, person_export
from tests.privacy.test_pages import AFTER_THE_VISIT


def test_a_stay_is_exported_and_deleted_on_erasure(past):
    arrives = dt.datetime(2027, 3, 22, 15, 0, tzinfo=dt.UTC)
    participant_stay_save(
        visit=past.visit,
        person=past.ilze,
        actor=past.coordinator,
        arrives_at=arrives,
        departs_at=arrives + dt.timedelta(days=4),
        hotel="Hotel Birger Jarl",
    )
    participant_stay_save(
        visit=past.visit, person=past.juris, actor=past.coordinator, arrives_at=arrives, departs_at=None
    )
    assert "stays" in {redactor.key for redactor in redactors()}
    exported = person_export(past.ilze)["stays"]
    assert [(row["hotel"], row["arrives_at"]) for row in exported] == [("Hotel Birger Jarl", arrives)]

    with time_machine.travel(AFTER_THE_VISIT, tick=False):
        erasure = person_erase(person=past.ilze, actor=past.coordinator)
    assert erasure.rows["stays"] == 1
    assert not ParticipantStay.objects.filter(person=past.ilze).exists()
    assert ParticipantStay.objects.filter(person=past.juris).count() == 1

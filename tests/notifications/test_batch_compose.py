"""Composing a batch (preloaded rows, templates rendered once per session) gives exactly the messages that
composing each row alone gives."""

import datetime as dt

import pytest
import time_machine

from notifications.compose import compose_message, preload
from notifications.models import OutboxMessage
from scheduling.publishing import programme_publish
from tests.factories import DelegationMemberFactory, PersonFactory, SessionExpertFactory, SessionFactory

pytestmark = pytest.mark.django_db

STAMP = dt.datetime(2027, 3, 1, 12, 0, tzinfo=dt.UTC)


def parts(email):
    alternatives = {mimetype.split(";")[0]: content for content, mimetype in email.alternatives}
    return email.subject, email.body, alternatives["text/html"], alternatives["text/calendar"], email.to


def test_a_batch_composes_the_same_messages_as_one_by_one():
    member = DelegationMemberFactory(person__name="Ilze <Bērziņa> & Co", person__preferred_language="sv")
    session = SessionFactory(visit__delegation=member.delegation, title="Meeting & <talk>")
    for name in ["Anna O'Neil", "Per Åström", 'Dr. "Quoted" Name']:
        SessionExpertFactory(session=session, person=PersonFactory(name=name))
    SessionExpertFactory(session=session, person=PersonFactory(name="Svensk Expert", preferred_language="sv"))
    programme_publish(visit=session.visit, actor=None)
    rows = list(
        OutboxMessage.objects.filter(kind__in=["invitation", "programme"])
        .select_related("person", "visit")
        .order_by("pk")
    )
    assert len(rows) == 6

    # Answer links carry the second they were made: both passes are made in the same one.
    with time_machine.travel(dt.datetime.now(dt.UTC), tick=False):
        batch = preload(rows)
        together = [parts(compose_message(row, now=STAMP, preloaded=batch)) for row in rows]
        alone = [parts(compose_message(row, now=STAMP)) for row in rows]

    assert together == alone
    assert len(batch.renders) < len([r for r in rows if r.kind != "programme"])  # some were rendered once
    html = next(p[2] for p, row in zip(together, rows, strict=True) if row.person_id == member.person_id)
    assert "Ilze &lt;Bērziņa&gt; &amp; Co" in html

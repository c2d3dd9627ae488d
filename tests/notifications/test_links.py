"""Experts' answer links: genuine, expiring, single-use, bound to the session's time, and unforgeable."""

import datetime as dt

import pytest
from django.utils import timezone

from notifications.links import ExpertLinkGenerator, LinkStatus
from tests.factories import SessionExpertFactory
from visits.models import Session, SessionExpert

pytestmark = pytest.mark.django_db


class Clock(ExpertLinkGenerator):
    def __init__(self, now: dt.datetime) -> None:
        super().__init__()
        self.now = now

    def _now(self) -> dt.datetime:
        return self.now


NOW = dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def invited():
    return SessionExpertFactory(response=SessionExpert.Response.INVITED, person__name="Karin Holm")


def test_a_fresh_link_is_valid_and_names_its_expert_and_sequence(invited):
    links = Clock(NOW)
    checked = links.check_token(links.make_token(invited))
    assert checked.status is LinkStatus.VALID and checked.usable
    assert checked.expert == invited and checked.sequence == invited.session.sequence


def test_the_link_holds_nothing_personal(invited):
    token = Clock(NOW).make_token(invited)
    for personal in ["Karin", "Holm", invited.person.email, invited.person.email.split("@")[0]]:
        assert personal.lower() not in token.lower()


def test_a_link_expires_after_the_configured_days(invited, settings):
    settings.EXPERT_LINK_DAYS = 21
    token = Clock(NOW).make_token(invited)
    assert Clock(NOW + dt.timedelta(days=21)).check_token(token).status is LinkStatus.VALID
    assert Clock(NOW + dt.timedelta(days=21, seconds=1)).check_token(token).status is LinkStatus.EXPIRED


def test_a_link_dies_once_the_expert_has_answered(invited):
    links = Clock(NOW)
    token = links.make_token(invited)
    SessionExpert.objects.filter(pk=invited.pk).update(
        response=SessionExpert.Response.CONFIRMED, responded_at=timezone.now(), answers=1
    )
    assert links.check_token(token).status is LinkStatus.USED
    # A link made after that answer works, for a change of mind; the next answer uses it up in turn.
    again = links.make_token(SessionExpert.objects.get(pk=invited.pk))
    assert links.check_token(again).usable
    SessionExpert.objects.filter(pk=invited.pk).update(answers=2)
    assert links.check_token(again).status is LinkStatus.USED


def test_a_link_for_an_earlier_time_of_the_session_is_outdated(invited):
    links = Clock(NOW)
    token = links.make_token(invited)
    Session.objects.filter(pk=invited.session_id).update(sequence=1)
    checked = links.check_token(token)
    assert checked.status is LinkStatus.OUTDATED and checked.sequence == 0
    assert links.check_token(links.make_token(SessionExpert.objects.get(pk=invited.pk))).usable


@pytest.mark.parametrize("where", [0, 2, -1])
def test_any_altered_character_makes_the_link_invalid(invited, where):
    links = Clock(NOW)
    token = links.make_token(invited)
    position = where % len(token)
    altered = token[:position] + ("1" if token[position] != "1" else "2") + token[position + 1 :]
    assert links.check_token(altered).status is LinkStatus.INVALID


@pytest.mark.parametrize(
    "token", ["", "abc", "1-2-3", "zz-zz-zz-zz", "1-0-0-" + "0" * 32, "-".join(["9999"] * 4)]
)
def test_garbage_and_unknown_rows_are_invalid(db, token):
    assert Clock(NOW).check_token(token).status is LinkStatus.INVALID


def test_links_survive_a_secret_key_rotation_through_the_fallbacks(invited, settings):
    links = Clock(NOW)
    token = links.make_token(invited)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-for-visitplan-" + "x" * 40
    assert links.check_token(token).usable
    settings.SECRET_KEY_FALLBACKS = []
    assert links.check_token(token).status is LinkStatus.INVALID

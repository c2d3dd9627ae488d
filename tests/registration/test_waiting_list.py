"""A full seminar's waiting list: a cancellation frees a place, offered to the first waiting, who takes it up
from their link in time; an offer not taken up lapses in the beat task, and the place goes to the next.
Opening a link (GET) never changes anything: mail scanners open every link."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.urls import reverse

from notifications.models import OutboxMessage
from registration.links import cancel_links, offer_links
from registration.models import Registration, RegistrationStatus
from registration.services import Answers, registration_submit
from registration.tasks import expire_offers
from tests.registration.conftest import register, registration_of
from visits.models import DelegationMember

pytestmark = pytest.mark.django_db


def cancel_url(registration: Registration) -> str:
    return reverse("registration_public:cancel", args=[cancel_links.make_token(registration)])


def offer_url(registration: Registration) -> str:
    registration.refresh_from_db()
    return reverse("registration_public:offer", args=[offer_links.make_token(registration)])


def events(n: int) -> list[str]:
    registration = registration_of(n)
    rows = OutboxMessage.objects.filter(payload__registration=registration.pk).order_by("pk")
    return [(row.payload or {})["event"] for row in rows]


def is_member(n: int) -> bool:
    registration = registration_of(n)
    return DelegationMember.objects.filter(
        delegation=registration.visit.delegation, person=registration.person
    ).exists()


@pytest.fixture
def full(client, seminar):
    """Two places taken (1, 2), two waiting (3, 4)."""
    for n in range(1, 5):
        assert register(client, seminar, n=n).status_code == 302
    return seminar


def test_those_beyond_the_capacity_wait_in_order(full):
    statuses = [registration_of(n).status for n in range(1, 5)]
    assert statuses == ["confirmed", "confirmed", "waiting", "waiting"]
    assert [events(n) for n in range(1, 5)] == [["confirmed"], ["confirmed"], ["waiting"], ["waiting"]]
    assert [is_member(n) for n in range(1, 5)] == [True, True, False, False]


def test_opening_the_cancel_link_changes_nothing(client, full):
    url = cancel_url(registration_of(1))
    before = list(Registration.objects.order_by("pk").values_list("status", "moves"))
    messages = OutboxMessage.objects.count()
    for _ in range(3):
        page = client.get(url)
        assert page.status_code == 200
        assert "Yes, cancel my registration" in page.content.decode()
    assert client.head(url).status_code == 200
    assert list(Registration.objects.order_by("pk").values_list("status", "moves")) == before
    assert OutboxMessage.objects.count() == messages


def test_a_cancellation_offers_the_place_to_the_first_waiting_who_takes_it_up(client, full, fixed_now):
    response = client.post(cancel_url(registration_of(1)))
    assert response.status_code == 302
    assert "Your registration is cancelled" in client.get(response["Location"]).content.decode()
    assert registration_of(1).status == "cancelled" and not is_member(1)
    assert events(1) == ["confirmed", "cancelled"]
    third = registration_of(3)
    assert third.status == RegistrationStatus.OFFERED
    assert third.offer_expires_at == dt.datetime(2027, 3, 2, 9, 0, tzinfo=dt.UTC)  # 24 hours
    assert events(3) == ["waiting", "offered"]
    assert registration_of(4).status == "waiting"
    # The offer page shows, and does nothing, until the button is pressed.
    url = offer_url(third)
    page = client.get(url).content.decode()
    assert "Take up the place" in page and "2027-03-02 11:00 (Europe/Vilnius)" in page
    assert registration_of(3).status == "offered"
    fixed_now.move_to(dt.datetime(2027, 3, 2, 8, 59, tzinfo=dt.UTC))
    taken = client.post(url, {"action": "take"})
    assert taken.status_code == 302
    assert registration_of(3).status == "confirmed" and is_member(3)
    assert events(3) == ["waiting", "offered", "confirmed"]
    assert "Your place is confirmed" in client.get(url).content.decode()
    # A second press does nothing more: it shows the place is theirs.
    again = client.post(url, {"action": "take"})
    assert again.status_code == 200 and "Your place is confirmed" in again.content.decode()
    assert events(3) == ["waiting", "offered", "confirmed"]


def test_cancelling_twice_cancels_once(client, full):
    url = cancel_url(registration_of(2))
    client.post(url)
    client.post(url)
    assert events(2) == ["confirmed", "cancelled"]
    assert Registration.objects.filter(status="offered").count() == 1


def test_declining_an_offer_passes_it_to_the_next(client, full):
    client.post(cancel_url(registration_of(1)))
    assert client.post(offer_url(registration_of(3)), {"action": "decline"}).status_code == 302
    assert registration_of(3).status == "cancelled"
    assert registration_of(4).status == "offered"


def test_an_offer_page_with_no_action_names_what_is_accepted(client, full):
    client.post(cancel_url(registration_of(1)))
    response = client.post(offer_url(registration_of(3)), {"action": "maybe"})
    assert response.status_code == 400
    assert "action: choose" in response.content.decode()
    assert registration_of(3).status == "offered"


def test_an_offer_not_taken_up_lapses_in_the_beat_task_and_goes_to_the_next(client, full, fixed_now):
    client.post(cancel_url(registration_of(1)))
    url = offer_url(registration_of(3))
    fixed_now.move_to(dt.datetime(2027, 3, 2, 8, 59, tzinfo=dt.UTC))
    assert expire_offers() == 0
    assert registration_of(3).status == "offered"
    fixed_now.move_to(dt.datetime(2027, 3, 2, 9, 0, tzinfo=dt.UTC))
    # Too late, before the task has run: the link says so and takes nothing.
    late = client.post(url, {"action": "take"})
    assert late.status_code == 400 and "This link has expired" in late.content.decode()
    assert registration_of(3).status == "offered"
    assert expire_offers() == 1
    assert registration_of(3).status == "expired" and not is_member(3)
    assert events(3) == ["waiting", "offered", "expired"]
    fourth = registration_of(4)
    assert fourth.status == "offered"
    assert fourth.offer_expires_at == dt.datetime(2027, 3, 3, 9, 0, tzinfo=dt.UTC)
    # Again: nothing more lapses, nothing more is offered.
    messages = OutboxMessage.objects.count()
    assert expire_offers() == 0
    assert OutboxMessage.objects.count() == messages
    assert "This link has expired" in client.get(url).content.decode()


def test_an_altered_link_is_a_plain_404(client, full):
    url = cancel_url(registration_of(1))
    assert client.get(url[:-2] + "00/").status_code == 404
    assert client.post(url[:-2] + "00/").status_code == 404
    assert client.get(reverse("registration_public:cancel", args=["zz-zz"])).status_code == 404
    assert (
        client.get(
            reverse("registration_public:offer", args=[cancel_links.make_token(registration_of(3))])
        ).status_code
        == 404
    )
    assert registration_of(1).status == "confirmed"


def test_the_cancel_link_expires_after_the_seminar(client, full, fixed_now):
    url = cancel_url(registration_of(1))
    fixed_now.move_to(dt.datetime(2027, 4, 14, 21, 0, tzinfo=dt.UTC))  # midnight in Vilnius
    assert "This link has expired" in client.get(url).content.decode()
    assert client.post(url).status_code == 400
    assert registration_of(1).status == "confirmed"


def test_registering_again_after_cancelling_makes_a_new_registration(client, full):
    client.post(cancel_url(registration_of(1)))
    assert register(client, full, n=1).status_code == 302
    assert Registration.objects.filter(email="registrant1@ngo.example.org").count() == 2
    assert registration_of_latest(1).status == "waiting"  # the list is ahead of them


def registration_of_latest(n: int) -> Registration:
    return Registration.objects.filter(email=f"registrant{n}@ngo.example.org").latest("pk")


def answers(n: int) -> Answers:
    return Answers(
        name=f"Racer {n}",
        email=f"racer{n}@ngo.example.org",
        organisation="Racing club",
        role="",
        sector="ngos",
        dietary=[],
        dietary_note="",
        wheelchair=False,
        accessibility_note="",
        interpreting_language="",
    )


@pytest.mark.django_db(transaction=True)
def test_two_registrations_for_the_last_place_do_not_both_get_it(seminar):
    seminar.settings.capacity = 1
    seminar.settings.save()
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def race(n: int) -> None:
        try:
            barrier.wait()
            registration_submit(settings_row=seminar.settings, answers=answers(n))
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=race, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors
    statuses = sorted(Registration.objects.values_list("status", flat=True))
    assert statuses == ["confirmed", "waiting", "waiting", "waiting"]


@pytest.mark.django_db(transaction=True)
def test_a_new_address_registering_for_two_seminars_at_once_is_one_person_in_both(seminar):
    from registration.services import registration_settings_save
    from tests.factories import VisitFactory
    from visits.models import Person, Visit

    other = VisitFactory.create(kind=Visit.Kind.SEMINAR_ABROAD, delegation=None, title="Seminar in Tartu",
                                starts_on=dt.date(2027, 4, 20), ends_on=dt.date(2027, 4, 20))  # fmt: skip
    data = {
        "is_open": True,
        "capacity": 5,
        "closes_at": seminar.settings.closes_at,
        "confirm_within_hours": 24,
    }
    settings_rows = [seminar.settings, registration_settings_save(visit=other, data=data, actor=None)]
    for attempt in range(5):  # a race is not certain in one try; a failure in any is
        email = f"twin{attempt}@ngo.example.org"
        barrier = threading.Barrier(2)
        errors: list[BaseException] = []

        def race(settings_row, email=email, barrier=barrier, errors=errors) -> None:
            try:
                barrier.wait()
                registration_submit(
                    settings_row=settings_row, answers=Answers(**{**answers(0).__dict__, "email": email})
                )
            except BaseException as error:
                errors.append(error)
            finally:
                connection.close()

        threads = [threading.Thread(target=race, args=(row,)) for row in settings_rows]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert not errors, errors
        assert Person.objects.filter(email__iexact=email).count() == 1
        assert Registration.objects.filter(email=email).count() == 2


def test_a_cancel_link_sent_before_the_key_was_rotated_opens_only_with_the_old_key_as_a_fallback(
    client, full, settings
):
    url = cancel_url(registration_of(1))
    old = settings.SECRET_KEY
    settings.SECRET_KEY = "a-new-key-after-rotation-" + "y" * 40
    assert client.get(url).status_code != 200
    settings.SECRET_KEY_FALLBACKS = [old]
    assert client.get(url).status_code == 200

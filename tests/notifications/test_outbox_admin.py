"""The coordinator's outbox page: counts by status, each message with its error, a preview, "send again"."""

import pytest
from django.urls import reverse

from notifications.models import OutboxMessage
from scheduling.publishing import programme_publish
from tests.factories import DelegationMemberFactory, SessionExpertFactory, SessionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def published():
    member = DelegationMemberFactory()
    session = SessionFactory(
        visit__delegation=member.delegation, title="Meeting at the prosecution authority"
    )
    SessionExpertFactory(session=session)
    programme_publish(visit=session.visit, actor=None)
    return session.visit


@pytest.fixture
def admin_client(client, staff_user):
    client.force_login(staff_user)
    return client


def test_the_list_counts_messages_by_status_and_shows_the_servers_error(admin_client, published):
    failed = OutboxMessage.objects.filter(kind="invitation").first()
    OutboxMessage.objects.filter(pk=failed.pk).update(
        status="failed", attempts=1, last_error="550 5.1.1 No such user"
    )
    url = reverse("admin:notifications_outboxmessage_changelist") + f"?visit__id__exact={published.pk}"
    response = admin_client.get(url)
    assert response.status_code == 200
    summary = {label: count for label, count, _value in response.context["status_summary"]}
    # Queued now: an invitation and the programme e-mail; the expert's first reminder is due days later.
    assert summary == {
        "Queued": 2,
        "Scheduled for later": 1,
        "Sending": 0,
        "Sent": 0,
        "Failed": 1,
        "Withdrawn": 0,
    }
    assert "550 5.1.1 No such user" in response.content.decode()


def test_the_preview_shows_the_e_mail_and_its_calendar(admin_client, published):
    message = OutboxMessage.objects.filter(kind="invitation").first()
    response = admin_client.get(reverse("admin:notifications_outboxmessage_preview", args=[message.pk]))
    assert response.status_code == 200
    assert "Meeting at the prosecution authority" in response.content.decode()
    ics = admin_client.get(
        reverse("admin:notifications_outboxmessage_ics", args=[message.pk])
    ).content.decode()
    assert "BEGIN:VCALENDAR" in ics and "METHOD:REQUEST" in ics


def test_send_again_queues_a_failed_message_with_fresh_attempts_and_leaves_others(admin_client, published):
    failed, other = OutboxMessage.objects.filter(kind="invitation")[:2]
    OutboxMessage.objects.filter(pk=failed.pk).update(status="failed", attempts=8, last_error="gave up")
    OutboxMessage.objects.filter(pk=other.pk).update(status="sent")
    response = admin_client.post(
        reverse("admin:notifications_outboxmessage_changelist"),
        {"action": "send_again", "_selected_action": [failed.pk, other.pk]},
        follow=True,
    )
    assert response.status_code == 200
    failed.refresh_from_db()
    other.refresh_from_db()
    assert failed.status in {"queued", "sent"} and failed.attempts in {0, 1}
    assert other.status == "sent"


def test_a_coordinator_sees_only_the_mail_of_visits_they_coordinate(client, published):
    from django.contrib.auth.models import Permission

    stranger = UserFactory(username="other-coordinator", is_staff=True)
    stranger.user_permissions.add(Permission.objects.get(codename="view_outboxmessage"))
    client.force_login(stranger)
    response = client.get(reverse("admin:notifications_outboxmessage_changelist"))
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == []
    message = OutboxMessage.objects.first()
    assert (
        client.get(reverse("admin:notifications_outboxmessage_preview", args=[message.pk])).status_code == 404
    )
    published.coordinators.add(stranger)
    response = client.get(reverse("admin:notifications_outboxmessage_changelist"))
    assert len(response.context["cl"].result_list) == OutboxMessage.objects.count()


def test_the_list_shows_a_withdrawn_reminder(admin_client, published):
    """Every status has its colour: a withdrawn reminder used to crash the list with a KeyError."""
    withdrawn = OutboxMessage.objects.filter(kind="invitation").first()
    OutboxMessage.objects.filter(pk=withdrawn.pk).update(status="withdrawn")
    url = reverse("admin:notifications_outboxmessage_changelist") + f"?visit__id__exact={published.pk}"
    response = admin_client.get(url)
    assert response.status_code == 200
    assert "Withdrawn" in response.content.decode()


def test_every_status_has_its_colour():
    from notifications.admin import STATUS_COLOURS
    from notifications.models import OutboxStatus

    assert set(STATUS_COLOURS) == set(OutboxStatus)


def test_a_messages_page_names_the_zone_of_its_times_and_shows_no_internal_keys(admin_client, published):
    import datetime as dt

    message = OutboxMessage.objects.filter(kind="invitation").first()
    sent = dt.datetime(2027, 3, 1, 8, 30, tzinfo=dt.UTC)
    OutboxMessage.objects.filter(pk=message.pk).update(status="sent", sent_at=sent)
    page = admin_client.get(reverse("admin:notifications_outboxmessage_change", args=[message.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    zone = str(published.time_zone)
    local = sent.astimezone(published.zone)
    assert f"{local:%H:%M} ({zone})" in text
    message.refresh_from_db()
    assert message.idempotency_key not in text
    for hidden in ("Idempotency key", "Session key", "Sending since", "Snapshot"):
        assert hidden not in text, hidden
    listing = admin_client.get(reverse("admin:notifications_outboxmessage_changelist")).content.decode()
    assert f"({zone})" in listing

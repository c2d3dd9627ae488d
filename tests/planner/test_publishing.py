"""Publishing from the planner: the change set in words first, with its warnings to acknowledge, then the
delivery progress of the version."""

import pytest
from django.urls import reverse

from notifications.models import OutboxMessage
from scheduling.checks import visit_conflict_report
from scheduling.models import ConflictAcknowledgement, ProgrammeVersion
from tests.factories import (
    DelegationMemberFactory,
    OutboxMessageFactory,
    SessionExpertFactory,
    SessionFactory,
    UserFactory,
    VenueFactory,
    stockholm,
)
from visits.models import Delegation, Session
from visits.services import session_change_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(visit):
    """Two sessions for the whole delegation of two members, each with an expert."""
    DelegationMemberFactory(delegation=visit.delegation)
    DelegationMemberFactory(delegation=visit.delegation)
    morning = SessionFactory(visit=visit, title="Morning", starts_at=stockholm(2027, 3, 23, 9))
    afternoon = SessionFactory(visit=visit, title="Afternoon", starts_at=stockholm(2027, 3, 23, 14))
    SessionExpertFactory(session=morning)
    SessionExpertFactory(session=afternoon)
    return morning, afternoon


def test_before_publishing_the_change_set_is_shown_in_words(signed_in, visit, programme):
    response = signed_in.get(reverse("planner:publish", args=[visit.pk]))
    html = response.content.decode()
    assert "2 sessions added; 4 people get invitations or updates" in html
    assert "Publish and send" in html


def test_publishing_makes_a_version_and_leads_to_its_delivery(signed_in, visit, programme):
    response = signed_in.post(reverse("planner:publish", args=[visit.pk]))
    version = ProgrammeVersion.objects.get(visit=visit)
    assert version.number == 1
    assert response.status_code == 302
    assert response.url == reverse("planner:delivery", args=[visit.pk]) + "?version=1"
    visit.refresh_from_db()
    assert visit.status == "published"


def test_a_second_version_is_described_by_what_changed_since_the_first(
    signed_in, visit, programme, coordinator
):
    morning, afternoon = programme
    signed_in.post(reverse("planner:publish", args=[visit.pk]))
    morning.refresh_from_db()
    signed_in.post(
        reverse("planner:session_edit", args=[morning.pk]),
        {
            "title": "Morning",
            "kind": "meeting",
            "starts_at": "2027-03-23T10:00",
            "ends_at": "2027-03-23T11:30",
            "venue": morning.venue_id,
            "attendance": "delegation",
            "language": "en",
            "time_zone": "Europe/Stockholm",
            "seen_revision": morning.revision,
            "experts": list(morning.session_experts.values_list("person_id", flat=True)),
            "interpreters-TOTAL_FORMS": 0,
            "interpreters-INITIAL_FORMS": 0,
        },
    )
    session_change_status(session=afternoon, status="cancelled")
    html = signed_in.get(reverse("planner:publish", args=[visit.pk])).content.decode()
    assert "Changes since version 1" in html
    sessions, people = "1 session moved, 1 session cancelled", "3 people get invitations or updates"
    assert f"{sessions}; {people}, 3 people get cancellations" in html


def test_publishing_is_refused_while_a_fatal_conflict_stands(signed_in, visit):
    venue = VenueFactory(name="Police HQ")
    SessionFactory(visit=visit, title="One", venue=venue)
    SessionFactory(visit=visit, title="Two", venue=venue)
    html = signed_in.get(reverse("planner:publish", args=[visit.pk])).content.decode()
    assert "Conflicts that block publishing" in html and "Police HQ is booked twice" in html
    assert "Publish and send" not in html
    response = signed_in.post(reverse("planner:publish", args=[visit.pk]))
    assert response.status_code == 409
    assert "Police HQ is booked twice" in response.content.decode()
    assert not ProgrammeVersion.objects.exists()


def test_publishing_nothing_new_says_so(signed_in, visit, programme):
    signed_in.post(reverse("planner:publish", args=[visit.pk]))
    response = signed_in.post(reverse("planner:publish", args=[visit.pk]), follow=True)
    assert ProgrammeVersion.objects.count() == 1
    assert any("Nothing changed since version 1" in str(m) for m in response.context["messages"])


def test_delivery_progress_counts_the_versions_messages_until_none_is_on_its_way(signed_in, visit, programme):
    signed_in.post(reverse("planner:publish", args=[visit.pk]))
    messages = OutboxMessage.objects.filter(visit=visit, version_number=1)
    total = messages.exclude(kind="reminder").count()
    assert total > 0
    url = reverse("planner:delivery_json", args=[visit.pk]) + "?version=1"
    data = signed_in.get(url).json()
    assert (data["total"], data["done"], data["finished"]) == (total, 0, False)
    assert data["counts"]["queued"] == total

    OutboxMessageFactory(
        session=programme[0], kind="reminder", version_number=1
    )  # written for later: not counted
    first = messages.filter(kind__in=["invitation", "programme"]).first()
    messages.exclude(pk=first.pk).update(status="sent")
    OutboxMessage.objects.filter(pk=first.pk).update(status="failed", last_error="550 No such mailbox")
    data = signed_in.get(url).json()
    assert (data["done"], data["percent"], data["finished"]) == (total, 100, True)
    assert (data["counts"]["sent"], data["counts"]["failed"]) == (total - 1, 1)

    html = signed_in.get(reverse("planner:delivery", args=[visit.pk])).content.decode()  # the latest version
    assert "Delivery of version 1" in html
    assert "550 No such mailbox" in html
    assert 'http-equiv="refresh"' not in html  # finished: the page stops asking


def test_while_messages_are_on_their_way_the_delivery_page_refreshes_itself(signed_in, visit, programme):
    signed_in.post(reverse("planner:publish", args=[visit.pk]))
    html = signed_in.get(reverse("planner:delivery", args=[visit.pk]) + "?version=1").content.decode()
    assert 'http-equiv="refresh"' in html  # without the script
    assert 'data-finished="false"' in html  # the script polls the JSON


def test_the_delivery_of_a_version_that_does_not_exist_is_a_404(signed_in, visit):
    assert signed_in.get(reverse("planner:delivery", args=[visit.pk])).status_code == 404
    assert signed_in.get(reverse("planner:delivery_json", args=[visit.pk]) + "?version=x").status_code == 404


def test_the_print_view_lists_the_live_programme_by_day_with_times_in_their_zone(signed_in, visit, programme):
    _morning, afternoon = programme
    session_change_status(session=afternoon, status="cancelled")
    riga = SessionFactory(
        visit=visit,
        title="In Riga",
        venue=VenueFactory(time_zone="Europe/Riga"),
        starts_at=stockholm(2027, 3, 24, 9),
    )
    html = signed_in.get(reverse("planner:print", args=[visit.pk])).content.decode()
    assert "Morning" in html and "09:00–10:30 (Europe/Stockholm)" in html
    assert "Afternoon" not in html
    assert riga.title in html and "10:00–11:30 (Europe/Riga)" in html
    assert html.index("Tuesday 23 March 2027") < html.index("Morning") < html.index("Wednesday 24 March 2027")
    assert 'planner/planner.css"' in html  # which holds the print rules


def test_the_print_view_is_in_the_delegations_language_where_the_interface_has_it(
    signed_in, visit, programme
):
    url = reverse("planner:print", args=[visit.pk])
    signed_in.post(reverse("set_language"), {"language": "sv"})
    html = signed_in.get(url).content.decode()  # a Latvian delegation following in English
    assert "Tuesday 23 March 2027" in html and 'lang="en"' in html
    Delegation.objects.filter(pk=visit.delegation_id).update(languages=["sv", "en"])
    signed_in.post(reverse("set_language"), {"language": "en"})
    html = signed_in.get(url).content.decode()
    assert "tisdag 23 mars 2027" in html.lower() and 'lang="sv"' in html


def test_the_stylesheet_prints_only_the_programme():
    from django.contrib.staticfiles import finders

    with open(finders.find("planner/planner.css"), encoding="utf-8") as stylesheet:
        assert "@media print" in stylesheet.read()


# --- Acknowledging warnings ---------------------------------------------------------------------------------


@pytest.fixture
def warned(visit):
    """A session that needs an interpreter into Latvian and has none: a warning, not a fatal conflict."""
    SessionFactory(visit=visit, title="Shelter visit", interpreter_needed=True, interpretation_language="lv")
    [warning] = visit_conflict_report(visit).warnings
    assert not warning.is_fatal
    return warning


def test_a_warning_is_acknowledged_from_the_publish_page(signed_in, visit, warned, coordinator):
    html = signed_in.get(reverse("planner:publish", args=[visit.pk])).content.decode()
    assert "needs an interpreter" in html
    assert f'action="{reverse("planner:acknowledge", args=[visit.pk])}"' in html
    assert f'name="key" value="{warned.key}"' in html

    response = signed_in.post(reverse("planner:acknowledge", args=[visit.pk]), {"key": warned.key})
    assert response.status_code == 302
    assert response.url == reverse("planner:publish", args=[visit.pk]) + "#warnings"
    acknowledgement = ConflictAcknowledgement.objects.get(visit=visit)
    assert (acknowledgement.key, acknowledgement.acknowledged_by) == (warned.key, coordinator)
    assert visit_conflict_report(visit).open_warnings == []

    page = signed_in.get(response.url)
    html = page.content.decode()
    assert any(str(m).startswith("Warning acknowledged: “Shelter visit”") for m in page.context["messages"])
    assert "acknowledged by coordinator" in html
    assert f'name="key" value="{warned.key}"' not in html  # nothing left to acknowledge


def test_a_fatal_conflict_cannot_be_acknowledged_it_must_be_resolved(signed_in, visit):
    venue = VenueFactory(name="Police HQ")
    SessionFactory(visit=visit, title="One", venue=venue)
    SessionFactory(visit=visit, title="Two", venue=venue)
    [fatal] = visit_conflict_report(visit).fatal
    html = signed_in.get(reverse("planner:publish", args=[visit.pk])).content.decode()
    assert f'value="{fatal.key}"' not in html  # no button for it

    response = signed_in.post(
        reverse("planner:acknowledge", args=[visit.pk]), {"key": fatal.key}, follow=True
    )
    messages = [str(m) for m in response.context["messages"]]
    assert any("A fatal conflict cannot be acknowledged; it must be resolved" in m for m in messages)
    assert not ConflictAcknowledgement.objects.exists()


def test_a_warning_that_no_longer_arises_has_nothing_to_acknowledge(signed_in, visit, warned):
    Session.objects.filter(visit=visit).update(interpreter_needed=False)  # resolved meanwhile
    response = signed_in.post(
        reverse("planner:acknowledge", args=[visit.pk]), {"key": warned.key}, follow=True
    )
    assert any("no longer arises" in str(m) for m in response.context["messages"])
    assert not ConflictAcknowledgement.objects.exists()


def test_another_coordinator_cannot_acknowledge_a_warning_of_the_visit(client, visit, warned):
    client.force_login(UserFactory(username="other", is_staff=True))
    response = client.post(reverse("planner:acknowledge", args=[visit.pk]), {"key": warned.key})
    assert response.status_code == 404
    assert not ConflictAcknowledgement.objects.exists()


def test_acknowledging_needs_a_post(signed_in, visit, warned):
    assert signed_in.get(reverse("planner:acknowledge", args=[visit.pk])).status_code == 405


def test_the_boards_warning_badge_leads_to_the_warnings_on_the_publish_page(signed_in, visit, warned):
    html = signed_in.get(reverse("planner:board", args=[visit.pk])).content.decode()
    url = reverse("planner:publish", args=[visit.pk]) + "#warnings"
    assert f'<a class="badge badge-warning" href="{url}" title="1 warning">' in html


def test_acknowledging_needs_the_csrf_token(visit, coordinator, warned):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(coordinator)
    response = client.post(reverse("planner:acknowledge", args=[visit.pk]), {"key": warned.key})
    assert response.status_code == 403
    assert not ConflictAcknowledgement.objects.exists()


@pytest.fixture
def bounced(signed_in, visit, programme):
    """The programme published, and one invitation refused by the server for a mistyped address."""
    signed_in.post(reverse("planner:publish", args=[visit.pk]))
    message = OutboxMessage.objects.filter(visit=visit, kind="invitation").first()
    OutboxMessage.objects.filter(pk=message.pk).update(
        status="failed", attempts=8, last_error="550 No such mailbox", to_email="eva.lind@polisen.exmaple.se"
    )
    return message


def test_a_failed_message_is_sent_again_to_the_address_corrected_since(signed_in, visit, bounced):
    from visits.models import Person

    Person.objects.filter(pk=bounced.person_id).update(email="eva.lind@polisen.example.se")
    page = signed_in.get(reverse("planner:delivery", args=[visit.pk])).content.decode()
    url = reverse("planner:send_again", args=[visit.pk, bounced.pk])
    assert f'action="{url}"' in page
    response = signed_in.post(url, follow=True)
    assert "is queued again" in response.content.decode()
    bounced.refresh_from_db()
    assert bounced.to_email == "eva.lind@polisen.example.se"
    assert bounced.status in {"queued", "sending", "sent"} and bounced.attempts <= 1  # a fresh count


def test_only_a_failed_message_is_sent_again(signed_in, visit, bounced):
    sent = OutboxMessage.objects.filter(visit=visit).exclude(pk=bounced.pk).first()
    OutboxMessage.objects.filter(pk=sent.pk).update(status="sent")
    response = signed_in.post(reverse("planner:send_again", args=[visit.pk, sent.pk]), follow=True)
    assert "nothing to send again" in response.content.decode()
    sent.refresh_from_db()
    assert sent.status == "sent"


def test_another_coordinator_cannot_send_a_message_of_the_visit_again(client, visit, bounced):
    client.force_login(UserFactory(username="other", is_staff=True))
    response = client.post(reverse("planner:send_again", args=[visit.pk, bounced.pk]))
    assert response.status_code == 404
    bounced.refresh_from_db()
    assert bounced.status == "failed"
    assert client.get(reverse("planner:send_again", args=[visit.pk, bounced.pk])).status_code in (404, 405)


def test_while_the_mail_server_refuses_the_delivery_page_says_why_messages_wait(
    signed_in, visit, programme, settings
):
    from notifications.tasks import deliver_outbox
    from tests.support.smtp import Handler, SmtpServer, deliver_to

    signed_in.post(reverse("planner:publish", args=[visit.pk]))
    ids = list(OutboxMessage.objects.filter(visit=visit, version_number=1).values_list("pk", flat=True))
    with SmtpServer(Handler(always="451 4.3.0 Mailbox server busy, try again later")) as server:
        deliver_to(server, settings, OUTBOX_RETRY_BASE_SECONDS=600, OUTBOX_RETRY_MAX_SECONDS=600)
        deliver_outbox(ids)
    html = signed_in.get(reverse("planner:delivery", args=[visit.pk])).content.decode()
    waiting = OutboxMessage.objects.filter(pk__in=ids, status="queued", attempts__gt=0)
    assert waiting.exists()
    assert "wait for the mail server" in html or "waits for the mail server" in html
    assert "Mailbox server busy, try again later" in html
    next_try = waiting.order_by("send_at").first().send_at.astimezone(visit.zone)
    assert "Next try: " in html and f"{next_try:%H:%M} ({visit.time_zone})" in html

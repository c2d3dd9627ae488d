import re

import pytest
from django.conf import settings

from notifications.models import OutboxMessage
from notifications.outbox import due
from notifications.tasks import deliver_outbox
from tests.factories import UserFactory
from tests.notifications.conftest import Programme, edit, programme, publish, smtp  # noqa: F401
from visits.models import SessionExpert


@pytest.fixture
def lead(programme: Programme) -> Programme:  # noqa: F811 (the fixture imported above)
    """The programme with a coordinator of its own, published: the expert has an invitation waiting."""
    coordinator = UserFactory.create(
        username="karin",
        first_name="Karin",
        last_name="Sundberg",
        email="karin.coordinator@si.example.org",
        is_staff=True,
    )
    programme.visit.coordinators.add(coordinator)
    publish(programme.visit)
    return programme


def deliver_due() -> int:
    """What the worker and beat do: send every row that is due, over a real SMTP connection."""
    ids = list(due().values_list("pk", flat=True))
    return deliver_outbox(ids) if ids else 0


def expert_row(programme: Programme) -> SessionExpert:  # noqa: F811
    return SessionExpert.objects.get(session=programme.morning, person=programme.expert)


LINK = re.compile(r"https?://[^\s\"'<>\\]+")  # a backslash ends it: iCalendar's \n


def links_in(raw: bytes) -> set[str]:
    """Every http(s) link in a delivered message: text, HTML and calendar parts alike."""
    from email import message_from_bytes, policy

    found: set[str] = set()
    for part in message_from_bytes(raw, policy=policy.default).walk():
        if part.is_multipart():
            continue
        content = part.get_content()
        if isinstance(content, bytes):
            content = content.decode("utf-8", "replace")
        # Unfold calendar lines so that a folded URL is whole again.
        content = content.replace("\r\n ", "").replace("\n ", "")
        found.update(url.rstrip(".,;)") for url in LINK.findall(content))
    return found


def path_of(url: str) -> str:
    assert url.startswith(settings.SITE_URL), url
    return url[len(settings.SITE_URL) :]


def answer_link(raw: bytes) -> str:
    (found,) = [u for u in links_in(raw) if "/a/" in u]
    return path_of(found)


def rows(**filters) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(**filters).order_by("pk"))

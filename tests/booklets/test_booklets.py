"""Booklets of the demo visits, read back with pdftotext (poppler-utils): names in every script, times with
their zones, only the reader's own sessions, the version shown; the first page kept as a picture in
tests/artifacts (pdftoppm)."""

import email
import email.policy
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse

from booklets.documents import delegation_booklet, person_booklet
from booklets.models import BookletSettings
from notifications.compose import compose_message
from notifications.models import MessageKind, OutboxMessage
from notifications.tokens import person_token
from scheduling.domain.changes import is_live
from scheduling.publishing import programme_publish
from tests.booklets.conftest import NAMES
from visits.models import Person, Session, Visit

pytestmark = pytest.mark.django_db

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


def text_of(pdf: bytes, tmp_path: Path, name: str = "booklet") -> str:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def flat(text: str) -> str:
    return " ".join(text.split())


def squash(text: str) -> str:
    """Without any white space: pdftotext puts spaces between the shaped clusters of Bengali or Khmer."""
    return "".join(text.split())


def has_name(text: str, name: str) -> bool:
    """Whether the name's letters are in the text, in order but for the marks within a cluster: pdftotext
    gives Khmer's vowel signs and nasal marks in the order they are drawn, not the order they were typed."""
    wanted, found = squash(name), squash(text)
    if wanted in found:
        return True
    letters = sorted(wanted)
    return any(sorted(found[i : i + len(wanted)]) == letters for i in range(len(found) - len(wanted) + 1))


def first_page_png(pdf: bytes, tmp_path: Path, name: str) -> Path:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    ARTIFACTS.mkdir(exist_ok=True)
    prefix = ARTIFACTS / name
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(path), str(prefix)],
        check=True,
    )
    return prefix.with_suffix(".png")


def test_the_delegation_booklets_of_the_demo_visits(demo, tmp_path):
    for visit in demo:
        rendered = delegation_booklet(visit, language="en")
        text = flat(text_of(rendered.pdf, tmp_path))
        assert rendered.pages >= 2
        assert visit.title.split(":")[0] in text
        assert "Version 1 of the programme" in text
        live = [s for s in visit.versions.get(number=1).snapshot.values() if is_live(s) and s["participants"]]
        for snapshot in live:
            assert snapshot["title"][:30] in text, snapshot["title"]
        zone = Session.objects.filter(visit=visit).select_related("venue", "visit").first().zone.key
        assert f"({zone})" in text
        png = first_page_png(rendered.pdf, tmp_path, f"booklet-{visit.pk}-delegation")
        assert png.stat().st_size > 1000


def test_names_in_every_script_come_out_right(demo, tmp_path):
    found = []
    for person in Person.objects.filter(name__in=[*NAMES.values(), "Елена Соколова", "Inese Kalniņa"]):
        visit = next((v for v in demo if v.delegation and v.delegation.members.filter(person=person)), None)
        if visit is None:
            continue
        rendered = person_booklet(visit, person)
        text = flat(text_of(rendered.pdf, tmp_path, f"p{person.pk}"))
        assert has_name(text, person.name), (person.name, text[:300])
        found.append(person.name)
        if person.name == NAMES["gurung"]:
            first_page_png(rendered.pdf, tmp_path, "booklet-devanagari-first-page")
    assert "Inese Kalniņa" in found and "Елена Соколова" in found
    assert {NAMES["gurung"], NAMES["chea"], NAMES["keo"], NAMES["tamang"]} <= set(found), found


def test_a_booklet_holds_only_the_readers_sessions_and_the_published_version(demo, tmp_path):
    visit = demo[0]
    expert = Person.objects.filter(expert_roles__session__visit=visit).order_by("name").first()
    assert expert is not None
    mine = set(
        Session.objects.filter(visit=visit, session_experts__person=expert).values_list("title", flat=True)
    )
    others = set(Session.objects.filter(visit=visit).values_list("title", flat=True)) - mine
    text = flat(text_of(person_booklet(visit, expert).pdf, tmp_path))
    assert all(title[:30] in text for title in mine)
    assert not any(title in text for title in others if len(title) > 12), others
    lead = (
        "Du leder den här programpunkten." if expert.preferred_language == "sv" else "You lead this session."
    )
    assert lead in text

    # An edit not yet published is not in the booklet; once published, it is, with the new version.
    session = Session.objects.filter(visit=visit, session_experts__person=expert).first()
    assert session is not None
    session.title = "Renamed and not published yet"
    session.save()
    assert "Renamed and not published" not in flat(text_of(person_booklet(visit, expert).pdf, tmp_path))
    programme_publish(visit=visit, actor=None)
    text = flat(text_of(person_booklet(visit, expert).pdf, tmp_path))
    assert "Renamed and not published yet" in text
    assert "Version 2 " in text


def test_a_swedish_readers_booklet_is_in_swedish(demo, tmp_path):
    visit = demo[0]
    member = visit.delegation.members.select_related("person").first().person
    member.preferred_language = "sv"
    member.save()
    text = flat(text_of(person_booklet(visit, member).pdf, tmp_path))
    assert "Version 1 av programmet" in text
    assert "Nödnummer" not in text  # no emergency number set yet
    BookletSettings.objects.create(visit=visit, emergency_phone="+46 8 112 000", coordinators_phone="+46 8 1")
    text = flat(text_of(person_booklet(visit, member).pdf, tmp_path))
    assert "Nödnummer: +46 8 112 000" in text
    assert "Hanna Lindblom, +46 70 174 06 11" in text


def test_the_person_page_links_the_booklet_and_checks_its_input(demo, client):
    visit = demo[0]
    member = visit.delegation.members.select_related("person").first().person
    token = person_token(member).token
    page = client.get(reverse("notifications:programme", args=[token]))
    url = reverse("booklet_pages:booklet", args=[token])
    assert f"{url}?visit={visit.pk}".encode() in page.content
    response = client.get(url, {"visit": visit.pk})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    bad = client.get(url, {"visit": "abc"})
    assert bad.status_code == 400
    assert b"visit:" in bad.content
    other = next(v for v in Visit.objects.all() if v.pk != visit.pk)
    assert client.get(url, {"visit": other.pk}).status_code == 404


def test_the_planner_gives_each_booklet_and_refuses_an_unknown_language(demo, client, coordinator):
    visit = demo[0]
    client.force_login(coordinator)
    assert client.get(reverse("booklets:index", args=[visit.pk])).status_code == 200
    url = reverse("booklets:delegation", args=[visit.pk])
    response = client.get(url, {"lang": "sv"})
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    refused = client.get(url, {"lang": "xx"})
    assert refused.status_code == 400
    assert "lang: “xx” is not a booklet language" in refused.content.decode()


def test_the_programme_email_carries_the_booklet_when_the_visit_says_so(demo):
    visit = demo[0]
    message = OutboxMessage.objects.filter(visit=visit, kind=MessageKind.PROGRAMME).first()
    assert message is not None
    parts = lambda: [  # noqa: E731
        part.get_content_type()
        for part in email.message_from_bytes(
            compose_message(message).message().as_bytes(), policy=email.policy.default
        ).walk()
    ]
    assert "application/pdf" not in parts()
    BookletSettings.objects.create(visit=visit, attach_to_programme_email=True)
    assert "application/pdf" in parts()

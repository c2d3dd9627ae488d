"""notifications.wire writes our messages directly; here it is held to what Django's own serialisation of the
same message means to a receiving client: the same headers, the same tree, the same decoded content."""

import email
import email.policy
from email.message import EmailMessage

import pytest
from django.core.mail import EmailMultiAlternatives

from notifications.wire import WireError, envelope_of, wire_bytes

ICS = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nUID:s-1@example.org\r\n"
    "SUMMARY:Möte\\, med polisen\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


def message(*, subject: str, to: str, body: str, html: str = "<p>Hej</p>") -> EmailMultiAlternatives:
    built = EmailMultiAlternatives(
        subject=subject,
        body=body,
        from_email="Visitplan <visitplan@example.org>",
        to=[to],
        reply_to=['"Samordnarna, SI" <coordinators@example.org>'],
        headers={"Message-ID": "<outbox.1.abc@visitplan.example.org>", "X-Visitplan-Outbox-Id": "1"},
    )
    built.attach_alternative(html, "text/html")
    built.attach_alternative(ICS, "text/calendar; method=REQUEST")
    built.attach("invite.ics", ICS.encode(), "application/ics")
    return built


def parsed(data: bytes) -> EmailMessage:
    result = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(result, EmailMessage)
    return result


def meaning(received: EmailMessage) -> list[tuple]:
    """Every part as a client sees it: type, parameters, disposition, filename and decoded content."""
    seen = []
    for part in received.walk():
        params = dict(part.get_params() or [])
        params.pop("boundary", None)
        content = None if part.is_multipart() else part.get_content()
        if isinstance(content, str):
            content = content.replace("\r\n", "\n")
        seen.append(
            (part.get_content_type(), params, part.get_content_disposition(), part.get_filename(), content)
        )
    return seen


CASES = {
    "ascii": dict(
        subject="Invitation: Meeting", to="Eva Lind <eva@example.org>", body="Hello Eva,\n\nSee you.\n"
    ),
    "swedish": dict(
        subject="Inbjudan: Möte med Åklagarmyndigheten om människohandel, en mycket lång rubrik som viks",
        to="Åsa Öberg <asa@example.org>",
        body="Hej Åsa,\n\nVälkommen – vi ses på måndag.\n",
    ),
    "name with comma and quotes": dict(
        subject="Invitation", to='"Lind, Eva" <eva@example.org>', body="Hello,\n"
    ),
    "a line longer than SMTP allows": dict(
        subject="Invitation",
        to="eva@example.org",
        body="Ord " * 400 + "\nslut\n",
        html="<p>" + "å" * 1200 + "</p>",
    ),
    "unicode beyond Latin": dict(
        subject="Приглашение: встреча 📅", to="Jānis Ozols <janis@example.lv>", body="Labdien, Jāni!\n"
    ),
}


@pytest.mark.parametrize("case", CASES.values(), ids=list(CASES))
def test_the_message_means_what_djangos_serialisation_means(case, settings):
    built = message(**case)
    ours = parsed(wire_bytes(built))
    djangos = parsed(built.message().as_bytes(linesep="\r\n"))
    for header in (
        "Subject",
        "From",
        "To",
        "Reply-To",
        "Message-ID",
        "X-Visitplan-Outbox-Id",
        "MIME-Version",
    ):
        # (Django's folding of an encoded Subject leaves a leading space in the decoded text; ours does not.)
        assert str(ours[header]) == str(djangos[header]).strip(), header
    assert ours["Date"] is not None
    assert meaning(ours) == meaning(djangos)
    assert [p.get_content_type() for p in ours.walk()] == [
        "multipart/mixed",
        "multipart/alternative",
        "text/plain",
        "text/html",
        "text/calendar",
        "application/ics",
    ]


@pytest.mark.parametrize("case", CASES.values(), ids=list(CASES))
def test_every_line_ends_in_crlf_and_none_is_too_long(case):
    wire = wire_bytes(message(**case))
    assert wire.endswith(b"\r\n")
    lines = wire.split(b"\r\n")
    assert all(b"\r" not in line and b"\n" not in line for line in lines)
    assert max(len(line) for line in lines) <= 998
    # Headers are ASCII whatever the text; each header line is folded near 78.
    head = wire.split(b"\r\n\r\n", 1)[0]
    head.decode("ascii")
    assert max(len(line) for line in head.split(b"\r\n")) <= 998


def test_the_calendar_survives_byte_for_byte():
    received = parsed(wire_bytes(message(**CASES["swedish"])))
    attached = next(p for p in received.walk() if p.get_filename() == "invite.ics")
    assert attached.get_content() == ICS.encode()
    inline = next(p for p in received.walk() if p.get_content_type() == "text/calendar")
    assert inline.get_param("method") == "REQUEST"
    assert inline.get_content().replace("\r\n", "\n") == ICS.replace("\r\n", "\n")


def test_the_envelope_is_the_bare_addresses_and_a_non_ascii_domain_goes_as_idna():
    built = message(**CASES["ascii"])
    built.to = ["Eva <eva@exämple.org>"]
    sender, recipients = envelope_of(built)
    assert sender == "visitplan@example.org"
    assert recipients == ["eva@xn--exmple-cua.org"]
    assert parsed(wire_bytes(built))["To"].addresses[0].domain == "xn--exmple-cua.org"


def test_a_header_with_a_line_break_is_refused():
    built = message(**CASES["ascii"])
    built.extra_headers["X-Note"] = "one\nBcc: someone@example.org"
    with pytest.raises(WireError):
        wire_bytes(built)

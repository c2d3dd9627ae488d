"""Host sheets: for each host organisation, the sessions at its place in the published programme, how many
guests come, what they eat and need, and the interpreting.

A sheet goes to the organisation's contact address (its e-mail in the directory) through the outbox, as a
notice composed when it is sent: when a version is published (BookletSettings.send_host_sheets) and the
organisation's sheet differs from the last one it was sent. The notice's key holds a digest of the sheet, so
a version that leaves a host's sessions as they were writes nothing for that host.
"""

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext

from booklets.content import latest_version, pair_text, published_sessions
from booklets.models import BookletSettings
from booklets.needs import access_text, diets_text, interpreting_text, needs_of
from notifications.compose import message_language
from notifications.models import OutboxMessage
from notifications.notices import Composed, ComposeError
from notifications.outbox import dispatch_on_commit, notice_row, outbox_create
from scheduling.models import ProgrammeChange, ProgrammeVersion
from visits.fields import language_name
from visits.models import NOT_INTERPRETING, Organisation, Person, Session, SessionInterpreter, Venue, Visit
from visits.timefmt import MESSAGE, format_span
from visits.wording import in_language, text_in

NOTICE = "host_sheet"


@dataclass(frozen=True, slots=True)
class SheetRow:
    title: str
    when: str
    venue: str
    guests: int
    diets: str
    access: str
    language: str
    interpreters: str
    needs_interpreting: str


@dataclass(frozen=True, slots=True)
class HostSheet:
    organisation: Organisation
    visit_title: str
    delegation: str
    version: int
    rows: tuple[SheetRow, ...]

    def digest(self) -> str:
        """What the host reads, without the version number: the same sheet in a new version is not news."""
        text = repr((self.organisation.pk, self.visit_title, self.delegation, self.rows))
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def host_of(session: Session | None, venue: Venue | None) -> int | None:
    if session is not None and session.host_organisation_id is not None:
        return session.host_organisation_id
    return venue.host_organisation_id if venue is not None else None


def host_sheets(visit: Visit, version: ProgrammeVersion) -> list[HostSheet]:
    """Every host organisation's sheet of the version, in the active language, by organisation name."""
    published = published_sessions(version)
    ids = [s["id"] for s in published]
    sessions = {s.pk: s for s in Session.objects.filter(pk__in=ids)}
    venues = {
        v.pk: v for v in Venue.objects.filter(pk__in={s["venue_id"] for s in published if s["venue_id"]})
    }
    interpreters: dict[int, list[str]] = {}
    for row in SessionInterpreter.objects.filter(session_id__in=ids).select_related("person"):
        if row.response not in NOT_INTERPRETING:
            pair = pair_text(row.languages)
            interpreters.setdefault(row.session_id, []).append(
                f"{row.person.name} ({pair})" if pair else row.person.name
            )
    needs = needs_of(visit)
    by_host: dict[int, list[SheetRow]] = {}
    for snapshot in published:
        session = sessions.get(snapshot["id"])
        venue = venues.get(snapshot["venue_id"]) if snapshot["venue_id"] else None
        host = host_of(session, venue)
        if host is None:
            continue
        zone = ZoneInfo(venue.time_zone if venue is not None else visit.time_zone)
        people = snapshot["participants"]
        by_host.setdefault(host, []).append(
            SheetRow(
                title=text_in(snapshot["title"], snapshot.get("title_translations")),
                when=format_span(
                    dt.datetime.fromisoformat(snapshot["starts_at"]),
                    dt.datetime.fromisoformat(snapshot["ends_at"]),
                    zone,
                    MESSAGE,
                ),
                venue=venue.name if venue is not None else snapshot["venue_name"],
                guests=len(people),
                diets=diets_text(people, needs),
                access=access_text(people, needs),
                language=language_name(snapshot["language"]) if snapshot["language"] else "",
                interpreters=", ".join(interpreters.get(snapshot["id"], [])),
                needs_interpreting=interpreting_text(people, needs),
            )
        )
    organisations = Organisation.objects.filter(pk__in=list(by_host)).order_by("name")
    delegation = visit.delegation.name if visit.delegation is not None else ""
    return [
        HostSheet(
            organisation=o,
            visit_title=in_language(visit, "title"),
            delegation=delegation,
            version=version.number,
            rows=tuple(by_host[o.pk]),
        )
        for o in organisations
    ]


def contact_of(organisation: Organisation, visit: Visit) -> str:
    """The organisation's contact address: its own e-mail, or else that of its first person who leads a
    session of the visit."""
    if organisation.email:
        return organisation.email
    expert = (
        Person.objects.filter(organisation=organisation, expert_roles__session__visit=visit)
        .order_by("name")
        .values_list("email", flat=True)
        .first()
    )
    return expert or ""


def host_sheets_after_publish(
    version: ProgrammeVersion, changes: Sequence[ProgrammeChange], messages: Sequence[OutboxMessage]
) -> None:
    """notifications.hooks' after_enqueue: a notice per host whose sheet changed, in the publishing
    transaction (so the sheets exist exactly when the version does)."""
    visit = version.visit
    if not BookletSettings.objects.filter(visit=visit, send_host_sheets=True).exists():
        return
    now = timezone.now()
    rows = []
    with translation.override(message_language(settings.LANGUAGE_CODE)):
        sheets = host_sheets(visit, version)
    for sheet in sheets:
        address = contact_of(sheet.organisation, visit)
        if not address:
            continue
        rows.append(
            notice_row(
                (None, address),
                key=f"{NOTICE}:visit:{visit.pk}:org:{sheet.organisation.pk}:{sheet.digest()}",
                visit_id=visit.pk,
                send_at=now,
                payload={"notice": NOTICE, "organisation": sheet.organisation.pk, "version": version.number},
            )
        )
    created = outbox_create(rows, actor=version.published_by)
    dispatch_on_commit([m.pk for m in created if m.status == OutboxMessage.Status.QUEUED])


def compose_host_sheet(message: OutboxMessage) -> Composed:
    """The sheet as it stands in the version the notice was written for."""
    payload = message.payload or {}
    number, organisation = payload.get("version"), payload.get("organisation")
    if not isinstance(number, int) or not isinstance(organisation, int):
        raise ComposeError(f"Outbox message {message.pk}: a host sheet needs a version and an organisation")
    visit = message.visit
    if visit is None or message.visit_id is None:
        raise ComposeError(f"Outbox message {message.pk}: a host sheet without its visit")
    version = ProgrammeVersion.objects.filter(visit_id=message.visit_id, number=number).first()
    if version is None:
        raise ComposeError(f"Outbox message {message.pk}: its version is gone")
    sheet = next(
        (s for s in host_sheets(visit, version) if s.organisation.pk == organisation),
        None,
    )
    if sheet is None:
        sheet = HostSheet(
            organisation=Organisation.objects.get(pk=organisation),
            visit_title=in_language(visit, "title"),
            delegation=visit.delegation.name if visit.delegation else "",
            version=version.number,
            rows=(),
        )
    subject = gettext("%(visit)s: the sessions at %(host)s (version %(number)d)") % {
        "visit": sheet.visit_title,
        "host": sheet.organisation.name,
        "number": sheet.version,
    }
    context = {"sheet": sheet, "organizer_email": settings.ORGANIZER_EMAIL}
    return Composed(
        subject=subject,
        text=render_to_string("booklets/email/host_sheet.txt", context),
        html=render_to_string("booklets/email/host_sheet.html", context),
    )


def current_host_sheets(visit: Visit) -> list[HostSheet]:
    return host_sheets(visit, latest_version(visit))

"""The published programme as files for the coordinators' records and for caterers and hotels: the whole
programme as XLSX and CSV, and the needs per session and per meal with the participants' arrivals and
departures as XLSX (openpyxl). Each reads the latest published version, as the booklets do."""

import csv
import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils.translation import gettext
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from booklets.content import latest_version, published_sessions
from booklets.models import ParticipantStay
from booklets.needs import PersonNeeds, access_text, diets_text, interpreting_text, needs_of
from participation.models import Diet
from visits.fields import language_name
from visits.models import Person, Session, Venue, Visit


@dataclass(frozen=True, slots=True)
class ProgrammeRow:
    day: str
    starts: str
    ends: str
    zone: str
    title: str
    kind: str
    status: str
    venue: str
    address: str
    host: str
    language: str
    experts: str
    interpreters: str
    participants: int
    diets: str
    access: str
    interpreting: str


def _local(iso: str, zone: ZoneInfo) -> dt.datetime:
    return dt.datetime.fromisoformat(iso).astimezone(zone)


def programme_rows(visit: Visit) -> list[ProgrammeRow]:
    """Every live session of the latest version, with its needs. Raises NotPublished."""
    published = published_sessions(latest_version(visit))
    sessions = {
        s.pk: s
        for s in Session.objects.filter(pk__in=[p["id"] for p in published]).select_related(
            "host_organisation"
        )
    }
    venues = {
        v.pk: v for v in Venue.objects.filter(pk__in={p["venue_id"] for p in published if p["venue_id"]})
    }
    names = dict(
        Person.objects.filter(
            pk__in={pk for p in published for pk in (*p["experts"], *p["interpreters"])}
        ).values_list("pk", "name")
    )
    needs = needs_of(visit)
    kinds, statuses = dict(Session.Kind.choices), dict(Session.Status.choices)
    rows = []
    for p in published:
        venue = venues.get(p["venue_id"]) if p["venue_id"] else None
        zone = ZoneInfo(venue.time_zone if venue is not None else visit.time_zone)
        start, end = _local(p["starts_at"], zone), _local(p["ends_at"], zone)
        session = sessions.get(p["id"])
        people = p["participants"]
        rows.append(
            ProgrammeRow(
                day=start.date().isoformat(),
                starts=start.strftime("%H:%M"),
                ends=end.strftime("%H:%M") if end.date() == start.date() else end.strftime("%Y-%m-%d %H:%M"),
                zone=zone.key,
                title=p["title"],
                kind=str(kinds.get(p["kind"], p["kind"])),
                status=str(statuses.get(p["status"], p["status"])),
                venue=venue.name if venue is not None else p["venue_name"],
                address=venue.address if venue is not None else "",
                host=session.host_organisation.name if session and session.host_organisation else "",
                language=language_name(p["language"]) if p["language"] else "",
                experts=", ".join(names[pk] for pk in p["experts"] if pk in names),
                interpreters=", ".join(names[pk] for pk in p["interpreters"] if pk in names),
                participants=len(people),
                diets=diets_text(people, needs),
                access=access_text(people, needs),
                interpreting=interpreting_text(people, needs),
            )
        )
    return rows


def programme_headers() -> list[str]:
    return [
        gettext("Day"),
        gettext("Starts"),
        gettext("Ends"),
        gettext("Time zone"),
        gettext("Session"),
        gettext("Kind"),
        gettext("Status"),
        gettext("Venue"),
        gettext("Address"),
        gettext("Host"),
        gettext("Language"),
        gettext("Experts"),
        gettext("Interpreters"),
        gettext("Participants"),
        gettext("Diets"),
        gettext("Accessibility"),
        gettext("Interpreting needed into"),
    ]


def _values(row: ProgrammeRow) -> list[object]:
    return [getattr(row, name) for name in ProgrammeRow.__slots__]


def _sheet(book: Workbook, title: str, headers: Sequence[str], rows: Sequence[Sequence[object]]) -> Worksheet:
    sheet = book.create_sheet(title[:31])
    sheet.append(list(headers))
    for row in rows:
        sheet.append([_cell(value) for value in row])
    sheet.freeze_panes = "A2"
    for column in sheet.columns:
        width = max(len(str(cell.value or "")) for cell in column)
        sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 8), 60)
    return sheet


def _cell(value: object) -> object:
    # A text beginning with = + - @ would be a formula to a spreadsheet program: kept as text.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def _bytes(book: Workbook) -> bytes:
    del book[book.sheetnames[0]]  # the empty sheet a new workbook has
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def programme_xlsx(visit: Visit) -> bytes:
    book = Workbook()
    _sheet(book, gettext("Programme"), programme_headers(), [_values(r) for r in programme_rows(visit)])
    return _bytes(book)


def programme_csv(visit: Visit) -> bytes:
    """UTF-8 with a byte-order mark, so that spreadsheet programs read Swedish and Baltic letters right."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(programme_headers())
    for row in programme_rows(visit):
        writer.writerow([_cell(v) for v in _values(row)])
    return ("\ufeff" + out.getvalue()).encode()


def catering_xlsx(visit: Visit) -> bytes:
    """Three sheets: needs per session, the meals with each diet counted, and the participants with their
    arrival, departure, hotel and needs."""
    rows = programme_rows(visit)
    book = Workbook()
    _sheet(
        book,
        gettext("Needs per session"),
        [
            gettext("Day"),
            gettext("Starts"),
            gettext("Time zone"),
            gettext("Session"),
            gettext("Venue"),
            gettext("Participants"),
            gettext("Diets"),
            gettext("Accessibility"),
            gettext("Interpreting"),
        ],
        [
            [r.day, r.starts, r.zone, r.title, r.venue, r.participants, r.diets, r.access, r.interpreting]
            for r in rows
        ],
    )
    _sheet(book, gettext("Meals"), *_meals(visit))
    _sheet(book, gettext("Participants"), *_participants(visit))
    return _bytes(book)


def _meals(visit: Visit) -> tuple[list[str], list[list[object]]]:
    published = [p for p in published_sessions(latest_version(visit)) if p["kind"] == Session.Kind.MEAL]
    needs = needs_of(visit)
    diets = [d for d in Diet if d not in (Diet.NONE,)]
    headers = [gettext("Day"), gettext("Starts"), gettext("Meal"), gettext("Venue"), gettext("Meals")]
    headers += [str(d.label) for d in diets] + [gettext("Notes")]
    out: list[list[object]] = []
    for p in published:
        people = p["participants"]
        zone = ZoneInfo(visit.time_zone)
        start = _local(p["starts_at"], zone)
        counts = [sum(1 for person in people if d in needs.get(person, PersonNeeds()).diets) for d in diets]
        notes = "; ".join(n.diet_note for person in people if (n := needs.get(person)) and n.diet_note)
        out.append(
            [
                start.date().isoformat(),
                start.strftime("%H:%M"),
                p["title"],
                p["venue_name"],
                len(people),
                *counts,
                notes,
            ]
        )
    return headers, out


def _participants(visit: Visit) -> tuple[list[str], list[list[object]]]:
    headers = [
        gettext("Name"),
        gettext("Role"),
        gettext("Organisation"),
        gettext("Arrives"),
        gettext("Departs"),
        gettext("Hotel"),
        gettext("Diets"),
        gettext("Accessibility"),
        gettext("Interpreting"),
    ]
    if visit.delegation is None:
        return headers, []
    stays = {s.person_id: s for s in ParticipantStay.objects.filter(visit=visit)}
    needs = needs_of(visit)
    zone = visit.zone
    out: list[list[object]] = []
    for member in visit.delegation.members.select_related("person__organisation").order_by("person__name"):
        person, stay = member.person, stays.get(member.person_id)
        found = needs.get(person.pk)
        out.append(
            [
                person.name,
                member.get_role_display(),
                person.organisation.name if person.organisation else "",
                _moment(stay.arrives_at if stay else None, zone),
                _moment(stay.departs_at if stay else None, zone),
                stay.hotel if stay else "",
                diets_text([person.pk], needs),
                access_text([person.pk], needs),
                language_name(found.interpreting) if found and found.interpreting else "",
            ]
        )
    return headers, out


def _moment(moment: dt.datetime | None, zone: ZoneInfo) -> str:
    return f"{moment.astimezone(zone):%Y-%m-%d %H:%M} ({zone.key})" if moment is not None else ""

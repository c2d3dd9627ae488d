"""Demo data: three fictional programmes modelled on the Swedish Institute's visitor programmes.

Everything a demo needs is below as plain Python data, followed by `load_demo()`, which writes it. The people
are invented; the organisations are real Swedish and foreign authorities, plus NGOs with made-up names. Every
e-mail address is under example.org (reserved by RFC 2606), and the few phone numbers come from the range
070-174 06 05 to 070-174 06 99 that the Swedish Post and Telecom Authority keeps for fiction.

The loader is idempotent: each row is found by its natural key and written only when a value differs, so a
second run changes nothing (not even `updated_at`). It adds and updates; it never deletes, so anything a
coordinator added to the demo during a session survives a re-run.
"""

import datetime as dt
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NotRequired, TypedDict, TypeVar
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User
from django.db import models, transaction

from visits.models import (
    ChosenMember,
    Delegation,
    DelegationMember,
    OpeningHours,
    Organisation,
    Person,
    Session,
    SessionExpert,
    SessionInterpreter,
    Theme,
    Venue,
    Visit,
)

STOCKHOLM = "Europe/Stockholm"
KATHMANDU = "Asia/Kathmandu"

HOST = Organisation.Side.HOST.value
VISITING = Organisation.Side.VISITING.value
HEAD = DelegationMember.Role.HEAD.value
MEMBER = DelegationMember.Role.MEMBER.value
INTERPRETER = DelegationMember.Role.INTERPRETER.value

CONFIRMED = SessionExpert.Response.CONFIRMED.value
INVITED = SessionExpert.Response.INVITED.value
DECLINED = SessionExpert.Response.DECLINED.value
PROPOSED = SessionExpert.Response.PROPOSED.value
PASSED = SessionExpert.Response.PASSED.value
NOT_ASKED = SessionExpert.Response.NOT_ASKED.value


# --- The shapes of the data -------------------------------------------------------------------------------


class ThemeData(TypedDict):
    slug: str
    name_en: str
    name_sv: str


class OrganisationData(TypedDict):
    key: str
    name: str
    country: str
    kind: str
    side: str
    domain: str  # the (fictional) mail domain of the organisation and its people
    address: NotRequired[str]


class PersonData(TypedDict):
    key: str
    name: str
    organisation: str
    title: str
    preferred_language: str
    home_time_zone: str
    phone: str


class MemberData(TypedDict):
    person: str
    role: str
    languages: list[str]
    # The coordinators' notes on what the member needs: written by participation.demo, which keeps them.
    dietary_needs: NotRequired[str]
    accessibility_needs: NotRequired[str]


class DelegationData(TypedDict):
    name: str
    countries: list[str]
    organisations: list[str]
    languages: list[str]
    notes: str
    members: list[MemberData]


class VenueData(TypedDict):
    key: str
    name: str
    address: str
    city: str
    country: str
    time_zone: str
    host: str | None
    capacity: int
    accessibility_notes: str
    hours: list[tuple[int, str, str]]  # (weekday, opens, closes), Monday = 0


class ExpertData(TypedDict):
    person: str
    response: str
    note: str


class SessionData(TypedDict):
    title: str
    kind: str
    day: dt.date
    start: str  # local time in the venue's zone, or the visit's zone when there is no venue
    end: str
    venue: str | None
    status: str
    description: NotRequired[str]
    language: NotRequired[str]
    interpretation_language: NotRequired[str]  # set: an interpreter is needed
    interpreters: NotRequired[list[tuple[str, list[str]]]]  # (person, languages interpreted between)
    experts: NotRequired[list[ExpertData]]
    attendees: NotRequired[list[str]]  # people from the delegation; set: attendance is "chosen members"
    outside_visit_dates: NotRequired[bool]


class VisitData(TypedDict):
    title: str
    kind: str
    delegation: str | None
    audience: str
    starts_on: dt.date
    ends_on: dt.date
    time_zone: str
    city: str
    country: str
    programme_languages: list[str]
    status: str
    first_published_at: dt.datetime | None
    themes: list[str]
    sessions: list[SessionData]


def _person(
    key: str, name: str, organisation: str, title: str, language: str, zone: str = STOCKHOLM, phone: str = ""
) -> PersonData:
    return {
        "key": key,
        "name": name,
        "organisation": organisation,
        "title": title,
        "preferred_language": language,
        "home_time_zone": zone,
        "phone": phone,
    }


def _expert(person: str, response: str, note: str = "") -> ExpertData:
    return {"person": person, "response": response, "note": note}


def _hours(weekdays: Iterable[int], opens: str, closes: str) -> list[tuple[int, str, str]]:
    return [(day, opens, closes) for day in weekdays]


MONDAY_TO_FRIDAY = range(5)
EVERY_DAY = range(7)
SUNDAY_TO_FRIDAY = [6, 0, 1, 2, 3, 4]  # Nepal's weekend is Saturday


# --- Themes -----------------------------------------------------------------------------------------------

THEMES: list[ThemeData] = [
    {"slug": "cooperation-between-authorities", "name_en": "Cooperation between authorities",
     "name_sv": "Myndighetssamverkan"},
    {"slug": "victim-support", "name_en": "Victim support", "name_sv": "Stöd till utsatta"},
    {"slug": "safe-return", "name_en": "Safe return", "name_sv": "Säkert återvändande"},
    {"slug": "prevention", "name_en": "Prevention", "name_sv": "Förebyggande arbete"},
    {"slug": "gender-equality", "name_en": "Gender equality", "name_sv": "Jämställdhet"},
    {"slug": "demand-reduction", "name_en": "Demand reduction", "name_sv": "Minskad efterfrågan"},
]  # fmt: skip


# --- Organisations ----------------------------------------------------------------------------------------

ORGANISATIONS: list[OrganisationData] = [
    # The organiser.
    {"key": "si", "name": "Swedish Institute (Svenska institutet)", "country": "SE", "kind": "other",
     "side": HOST, "domain": "si.example.org", "address": "Virkesvägen 14, 120 30 Stockholm"},
    # Swedish hosts.
    {"key": "police_noa",
     "name": "Swedish Police Authority (Polismyndigheten), National Operations Department", "country": "SE",
     "kind": "police", "side": HOST, "domain": "polisen.example.org",
     "address": "Polhemsgatan 48, 112 36 Stockholm"},
    {"key": "police_west", "name": "Swedish Police Authority (Polismyndigheten), Police Region West",
     "country": "SE", "kind": "police", "side": HOST, "domain": "vast.polisen.example.org",
     "address": "Ernst Fontells plats 4, 414 63 Göteborg"},
    {"key": "prosecution", "name": "Swedish Prosecution Authority (Åklagarmyndigheten)", "country": "SE",
     "kind": "prosecution", "side": HOST, "domain": "aklagare.example.org",
     "address": "Kungsholms strand 133, 112 33 Stockholm"},
    {"key": "stockholm_social",
     "name": "City of Stockholm Social Services, Prostitution and Trafficking Unit", "country": "SE",
     "kind": "social_services", "side": HOST, "domain": "stockholm.example.org",
     "address": "Sankt Eriksgatan 58, 112 34 Stockholm"},
    {"key": "gothenburg_social",
     "name": "City of Gothenburg Social Services, Unit against Prostitution and Human Trafficking",
     "country": "SE", "kind": "social_services", "side": HOST, "domain": "goteborg.example.org",
     "address": "Gårdavägen 27, 412 50 Göteborg"},
    {"key": "gender_agency", "name": "Swedish Gender Equality Agency (Jämställdhetsmyndigheten)",
     "country": "SE", "kind": "other", "side": HOST, "domain": "jamstalldhetsmyndigheten.example.org",
     "address": "Kungsgatan 59, 411 15 Göteborg"},
    {"key": "lindan", "name": "Lindan Women's Shelter Network (Kvinnojoursnätverket Lindan)", "country": "SE",
     "kind": "ngo", "side": HOST, "domain": "lindan.example.org",
     "address": "Götgatan 67, 118 26 Stockholm"},
    {"key": "ledljus",
     "name": "Ledljus Support Centre for People Exposed to Trafficking (Stödcentrum Ledljus)",
     "country": "SE", "kind": "ngo", "side": HOST, "domain": "ledljus.example.org",
     "address": "Södra Förstadsgatan 74, 211 43 Malmö"},
    {"key": "mau", "name": "Malmö University, Department of Social Work", "country": "SE", "kind": "research",
     "side": HOST, "domain": "mau.example.org", "address": "Nordenskiöldsgatan 10, 211 19 Malmö"},
    {"key": "tolkpoolen", "name": "Tolkpoolen Stockholm (interpreting agency)", "country": "SE",
     "kind": "other", "side": HOST, "domain": "tolkpoolen.example.org",
     "address": "Tegnérgatan 19, 113 40 Stockholm"},
    # Visiting organisations.
    {"key": "lv_police", "name": "State Police of Latvia", "country": "LV", "kind": "police",
     "side": VISITING, "domain": "vp.example.org", "address": "Čiekurkalna 1. līnija 1, Riga"},
    {"key": "lv_prosecution", "name": "Prosecutor General's Office of Latvia", "country": "LV",
     "kind": "prosecution", "side": VISITING, "domain": "prokuratura.example.org",
     "address": "Kalpaka bulvāris 6, Riga"},
    {"key": "sahayog", "name": "Sahayog Safe Migration Forum", "country": "NP", "kind": "ngo",
     "side": VISITING, "domain": "sahayog.example.org", "address": "Baluwatar, Kathmandu"},
    {"key": "mekong", "name": "Mekong Family Care Alliance", "country": "KH", "kind": "ngo", "side": VISITING,
     "domain": "mekongcare.example.org", "address": "Street 271, Phnom Penh"},
    {"key": "mk_labour", "name": "Ministry of Labour and Social Policy", "country": "MK", "kind": "ministry",
     "side": VISITING, "domain": "mtsp.example.org", "address": "Dame Gruev 14, Skopje"},
    {"key": "mk_interior", "name": "Ministry of Interior", "country": "MK", "kind": "ministry",
     "side": VISITING, "domain": "mvr.example.org", "address": "Dimche Mirchev 9, Skopje"},
]  # fmt: skip


# --- People: Swedish experts and staff, then the delegations' members ------------------------------------

PEOPLE: list[PersonData] = [
    # Swedish Institute (organiser).
    _person("lindblom", "Hanna Lindblom", "si", "Project Leader, Visitor Programmes", "sv",
            phone="+46 70 174 06 11"),
    _person("almqvist", "Viktor Almqvist", "si", "Programme Administrator", "sv", phone="+46 70 174 06 12"),
    # Police.
    _person("lindqvist", "Anders Lindqvist", "police_noa",
            "Detective Superintendent, Human Trafficking Unit", "sv", phone="+46 70 174 06 21"),
    _person("holmstrom", "Karin Holmström", "police_noa", "Detective Inspector", "sv"),
    _person("nyberg", "Fredrik Nyberg", "police_noa", "Detective Inspector, Intelligence Section", "sv"),
    _person("ekberg", "Johan Ekberg", "police_west", "Detective Inspector, Human Trafficking Group", "sv",
            phone="+46 70 174 06 24"),
    _person("sandberg", "Linnea Sandberg", "police_west", "Police Inspector, Border Police Section", "en"),
    # Prosecutors.
    _person("norrman", "Eva Norrman", "prosecution", "Chamber Prosecutor", "sv", phone="+46 70 174 06 31"),
    _person("forsberg", "Mikael Forsberg", "prosecution",
            "Senior Public Prosecutor, National Unit against International and Organised Crime", "sv"),
    _person("eklund", "Sara Eklund", "prosecution", "Chamber Prosecutor, Gothenburg", "sv"),
    # Social services.
    _person("bergstrom", "Annika Bergström", "stockholm_social", "Social Worker", "sv"),
    _person("wikstrom", "Tomas Wikström", "stockholm_social", "Unit Manager", "sv"),
    _person("rahimi", "Mona Rahimi", "stockholm_social", "Outreach Social Worker", "en"),
    _person("lundgren", "Maria Lundgren", "gothenburg_social", "Social Worker", "sv",
            phone="+46 70 174 06 41"),
    _person("aberg", "Petra Åberg", "gothenburg_social", "Counsellor", "sv"),
    # Gender Equality Agency.
    _person("strand", "Elin Strand", "gender_agency",
            "Analyst, National Coordination against Prostitution and Human Trafficking", "sv"),
    # NGOs.
    _person("sjoberg", "Ingrid Sjöberg", "lindan", "Chair", "sv"),
    _person("haddad", "Nadia Haddad", "lindan", "Shelter Coordinator", "en"),
    _person("nystrom", "Camilla Nyström", "ledljus", "Director", "sv", phone="+46 70 174 06 51"),
    _person("hedlund", "Oskar Hedlund", "ledljus", "Caseworker", "sv"),
    # University.
    _person("westerberg", "Lena Westerberg", "mau", "Senior Lecturer in Social Work", "sv"),
    _person("akesson", "Daniel Åkesson", "mau", "Associate Professor of Social Work", "en"),
    # Interpreter booked in Sweden.
    _person("krumina", "Laura Krūmiņa", "tolkpoolen", "Authorised Interpreter, Swedish–Latvian", "sv"),
    # Latvia.
    _person("kalnina", "Inese Kalniņa", "lv_police", "Chief Inspector", "lv", "Europe/Riga"),
    _person("ozolins", "Māris Ozoliņš", "lv_police", "Senior Inspector", "lv", "Europe/Riga"),
    _person("sokolova", "Jeļena Sokolova", "lv_police", "Inspector", "ru", "Europe/Riga"),
    _person("berzina", "Dace Bērziņa", "lv_prosecution", "Prosecutor", "lv", "Europe/Riga"),
    _person("liepins", "Artūrs Liepiņš", "lv_prosecution", "Senior Prosecutor", "en", "Europe/Riga"),
    _person("vitola", "Ilze Vītola", "lv_police", "Interpreter", "lv", "Europe/Riga"),
    # Nepal and Cambodia.
    _person("shrestha", "Anju Shrestha", "sahayog", "Executive Director", "en", KATHMANDU),
    _person("gurung", "Bishnu Gurung", "sahayog", "Programme Officer", "ne", KATHMANDU),
    _person("tamang", "Kamala Tamang", "sahayog", "Community Mobiliser", "ne", KATHMANDU),
    _person("chea", "Sreymom Chea", "mekong", "Programme Manager", "km", "Asia/Phnom_Penh"),
    _person("keo", "Vuthy Keo", "mekong", "Child Protection Officer", "km", "Asia/Phnom_Penh"),
    _person("meas", "Sophal Meas", "mekong", "Interpreter, Khmer–English", "en", "Asia/Phnom_Penh"),
    # North Macedonia.
    _person("stojanovska", "Elena Stojanovska", "mk_labour", "Head of Department for Social Protection", "mk",
            "Europe/Skopje"),
    _person("petrovska", "Biljana Petrovska", "mk_labour", "Senior Adviser, Victims of Trafficking", "mk",
            "Europe/Skopje"),
    _person("angelovska", "Marija Angelovska", "mk_labour", "Junior Associate", "en", "Europe/Skopje"),
    _person("trajkovski", "Goran Trajkovski", "mk_interior", "Adviser, Unit for Trafficking in Human Beings",
            "mk", "Europe/Skopje"),
    _person("nikolovski", "Dragan Nikolovski", "mk_interior", "Inspector, Border Police", "mk",
            "Europe/Skopje"),
]  # fmt: skip


# --- Delegations -------------------------------------------------------------------------------------------

LATVIA = "Latvian police and prosecutors"
NEPAL_CAMBODIA = "Nepal–Cambodia NGO network against trafficking"
NORTH_MACEDONIA = "North Macedonia ministry officials"

DELEGATIONS: list[DelegationData] = [
    {
        "name": LATVIA,
        "countries": ["LV"],
        "organisations": ["lv_police", "lv_prosecution"],
        "languages": ["lv", "ru", "en"],
        "notes": "Arrives at Stockholm Arlanda on Tuesday 23 March in the afternoon; leaves on Easter Sunday "
                 "28 March after lunch. Swedish offices are closed from Good Friday.",
        "members": [
            {"person": "kalnina", "role": HEAD, "languages": ["lv", "en", "ru"]},
            {"person": "ozolins", "role": MEMBER, "languages": ["lv", "ru"], "dietary_needs": "Lactose-free",
             "accessibility_needs": "Recovering from knee surgery: avoid long walks and stairs"},
            {"person": "sokolova", "role": MEMBER, "languages": ["ru", "lv", "en"]},
            {"person": "berzina", "role": MEMBER, "languages": ["lv", "en"], "dietary_needs": "Vegetarian"},
            {"person": "liepins", "role": MEMBER, "languages": ["lv", "en", "ru"]},
            {"person": "vitola", "role": INTERPRETER, "languages": ["lv", "en", "ru"]},
        ],
    },
    {
        "name": NEPAL_CAMBODIA,
        "countries": ["KH", "NP"],
        "organisations": ["sahayog", "mekong"],
        "languages": ["ne", "km", "en"],
        "notes": "Partner network of NGOs working on safe migration and prevention in Nepal and Cambodia.",
        "members": [
            {"person": "shrestha", "role": HEAD, "languages": ["ne", "en"], "dietary_needs": "Vegetarian"},
            {"person": "gurung", "role": MEMBER, "languages": ["ne", "en"]},
            {"person": "tamang", "role": MEMBER, "languages": ["ne"],
             "accessibility_needs": "Uses a wheelchair: step-free access needed"},
            {"person": "chea", "role": MEMBER, "languages": ["km", "en"]},
            {"person": "keo", "role": MEMBER, "languages": ["km"], "dietary_needs": "No beef"},
            {"person": "meas", "role": INTERPRETER, "languages": ["km", "en"]},
        ],
    },
    {
        "name": NORTH_MACEDONIA,
        "countries": ["MK"],
        "organisations": ["mk_labour", "mk_interior"],
        "languages": ["mk", "en"],
        "notes": "Officials working on the national referral mechanism for victims of trafficking.",
        "members": [
            {"person": "stojanovska", "role": HEAD, "languages": ["mk", "en"]},
            {"person": "petrovska", "role": MEMBER, "languages": ["mk", "en"],
             "dietary_needs": "Gluten-free"},
            {"person": "angelovska", "role": MEMBER, "languages": ["mk", "en"],
             "accessibility_needs": "Hearing impairment: a seat near the speaker; a hearing loop helps"},
            {"person": "trajkovski", "role": MEMBER, "languages": ["mk", "en"]},
            {"person": "nikolovski", "role": MEMBER, "languages": ["mk"], "dietary_needs": "No pork"},
        ],
    },
]  # fmt: skip


# --- Venues ------------------------------------------------------------------------------------------------

VENUES: list[VenueData] = [
    # Stockholm.
    {"key": "si_stockholm", "name": "Swedish Institute, Visitor Centre",
     "address": "Virkesvägen 14, 120 30 Stockholm", "city": "Stockholm", "country": "SE",
     "time_zone": STOCKHOLM, "host": "si", "capacity": 40,
     "accessibility_notes": "Step-free entrance; lift to all floors; hearing loop in the seminar room.",
     "hours": _hours(MONDAY_TO_FRIDAY, "08:00", "17:00")},
    {"key": "police_hq", "name": "Police Headquarters Kronoberg, Conference Centre",
     "address": "Polhemsgatan 48, 112 36 Stockholm", "city": "Stockholm", "country": "SE",
     "time_zone": STOCKHOLM, "host": "police_noa", "capacity": 60,
     "accessibility_notes": "Visitors register at the reception with passport or ID card; step-free via the "
                            "Polhemsgatan entrance.",
     "hours": _hours(MONDAY_TO_FRIDAY, "07:30", "17:00")},
    {"key": "prosecution_stockholm", "name": "Swedish Prosecution Authority, Stockholm Office",
     "address": "Kungsholms strand 133, 112 33 Stockholm", "city": "Stockholm", "country": "SE",
     "time_zone": STOCKHOLM, "host": "prosecution", "capacity": 25,
     "accessibility_notes": "Security check at the entrance; lift to the meeting rooms on floor 4.",
     "hours": _hours(MONDAY_TO_FRIDAY, "08:00", "16:30")},
    {"key": "stockholm_social", "name": "City of Stockholm Prostitution and Trafficking Unit",
     "address": "Sankt Eriksgatan 58, 112 34 Stockholm", "city": "Stockholm", "country": "SE",
     "time_zone": STOCKHOLM, "host": "stockholm_social", "capacity": 20,
     "accessibility_notes": "Entrance from the courtyard; three steps, portable ramp on request.",
     "hours": _hours(MONDAY_TO_FRIDAY, "08:30", "16:30")},
    {"key": "lindan_stockholm", "name": "Lindan Women's Shelter Network, Stockholm office",
     "address": "Götgatan 67, 118 26 Stockholm", "city": "Stockholm", "country": "SE", "time_zone": STOCKHOLM,
     "host": "lindan", "capacity": 15,
     "accessibility_notes": "The shelters' addresses are protected; visits take place at the public office. "
                            "Lift to floor 2.",
     "hours": _hours(MONDAY_TO_FRIDAY, "09:00", "17:00")},
    {"key": "hotel_stockholm", "name": "Hotel Mälarstrand, conference floor",
     "address": "Norr Mälarstrand 84, 112 35 Stockholm", "city": "Stockholm", "country": "SE",
     "time_zone": STOCKHOLM, "host": None, "capacity": 50,
     "accessibility_notes": "Step-free throughout; accessible rooms on request.",
     "hours": _hours(EVERY_DAY, "06:00", "23:00")},
    # Gothenburg.
    {"key": "police_west", "name": "Police Region West, Ernst Fontells plats",
     "address": "Ernst Fontells plats 4, 414 63 Göteborg", "city": "Gothenburg", "country": "SE",
     "time_zone": STOCKHOLM, "host": "police_west", "capacity": 40,
     "accessibility_notes": "Visitors register at the reception with passport or ID card; step-free.",
     "hours": _hours(MONDAY_TO_FRIDAY, "07:30", "17:00")},
    {"key": "gothenburg_social", "name": "City of Gothenburg Unit against Prostitution and Human Trafficking",
     "address": "Gårdavägen 27, 412 50 Göteborg", "city": "Gothenburg", "country": "SE",
     "time_zone": STOCKHOLM, "host": "gothenburg_social", "capacity": 20,
     "accessibility_notes": "Step-free entrance; hearing loop in the large meeting room.",
     "hours": _hours(MONDAY_TO_FRIDAY, "08:00", "16:30")},
    {"key": "lindan_gothenburg", "name": "Lindan Women's Shelter Network, Gothenburg office",
     "address": "Linnégatan 41, 413 08 Göteborg", "city": "Gothenburg", "country": "SE",
     "time_zone": STOCKHOLM, "host": "lindan", "capacity": 12,
     "accessibility_notes": "Ground floor, one low step at the door.",
     "hours": _hours(MONDAY_TO_FRIDAY, "09:00", "16:00")},
    {"key": "hotel_gothenburg", "name": "Hotel Packhuskajen, conference rooms",
     "address": "Packhuskajen 6, 411 04 Göteborg", "city": "Gothenburg", "country": "SE",
     "time_zone": STOCKHOLM, "host": None, "capacity": 60, "accessibility_notes": "Step-free throughout.",
     "hours": _hours(EVERY_DAY, "06:00", "23:00")},
    # Malmö.
    {"key": "mau_niagara", "name": "Malmö University, Niagara building",
     "address": "Nordenskiöldsgatan 10, 211 19 Malmö", "city": "Malmö", "country": "SE",
     "time_zone": STOCKHOLM, "host": "mau", "capacity": 80,
     "accessibility_notes": "Step-free; lifts by the main stairs; hearing loop in lecture halls.",
     "hours": _hours(MONDAY_TO_FRIDAY, "08:00", "18:00")},
    {"key": "ledljus_malmo", "name": "Ledljus Support Centre, Malmö",
     "address": "Södra Förstadsgatan 74, 211 43 Malmö", "city": "Malmö", "country": "SE",
     "time_zone": STOCKHOLM, "host": "ledljus", "capacity": 15,
     "accessibility_notes": "Lift to floor 3; please do not photograph the entrance.",
     "hours": _hours(MONDAY_TO_FRIDAY, "09:00", "17:00")},
    {"key": "hotel_malmo", "name": "Hotel Davidshall, meeting room",
     "address": "Davidshallsgatan 20, 211 45 Malmö", "city": "Malmö", "country": "SE",
     "time_zone": STOCKHOLM, "host": None, "capacity": 30,
     "accessibility_notes": "Step-free entrance on Davidshallsgatan.",
     "hours": _hours(EVERY_DAY, "06:00", "23:00")},
    # Abroad.
    {"key": "kathmandu_hall", "name": "Lazimpat Conference Hall",
     "address": "Lazimpat Road 212, Kathmandu 44600", "city": "Kathmandu", "country": "NP",
     "time_zone": KATHMANDU, "host": None, "capacity": 120,
     "accessibility_notes": "Ramp at the main entrance; lift to the hall on floor 1. Power cuts are covered "
                            "by a generator.",
     "hours": _hours(SUNDAY_TO_FRIDAY, "09:00", "18:00")},
]  # fmt: skip


# --- Visits and their programmes ---------------------------------------------------------------------------

# 24-28 March 2027, Wednesday to Sunday. Sweden moves to summer time at 02:00 on Sunday 28 March, which is
# also Easter Sunday: offices are closed from Good Friday (26 March), so the authorities come on Wednesday
# and Thursday, and the holiday weekend belongs to NGOs and the organiser.
LV_TUE, LV_WED, LV_THU, LV_FRI, LV_SAT, LV_SUN = (dt.date(2027, 3, day) for day in range(23, 29))
# 17-20 May 2027, Monday to Thursday.
MK_MON, MK_TUE, MK_WED, MK_THU = (dt.date(2027, 5, day) for day in range(17, 21))
# 15-16 February 2027, Monday and Tuesday.
NP_MON, NP_TUE = dt.date(2027, 2, 15), dt.date(2027, 2, 16)

LATVIA_SESSIONS: list[SessionData] = [
    {"title": "Arrival and welcome dinner", "kind": "meal", "day": LV_TUE, "start": "19:00", "end": "21:00",
     "venue": "hotel_stockholm", "status": "confirmed", "outside_visit_dates": True,
     "description": "Pick-up at Stockholm Arlanda at 17:30, check-in, then dinner at the hotel."},
    # Wednesday.
    {"title": "Welcome and introduction to the programme", "kind": "meeting", "day": LV_WED, "start": "09:00",
     "end": "09:30", "venue": "si_stockholm", "status": "confirmed",
     "experts": [_expert("lindblom", CONFIRMED)]},
    {"title": "Sweden's approach: the Sex Purchase Act and a gender-equality perspective", "kind": "seminar",
     "day": LV_WED, "start": "09:30", "end": "11:30", "venue": "si_stockholm", "status": "confirmed",
     "experts": [_expert("strand", CONFIRMED), _expert("westerberg", CONFIRMED)]},
    {"title": "Lunch at the Swedish Institute", "kind": "meal", "day": LV_WED, "start": "11:45",
     "end": "12:45", "venue": "si_stockholm", "status": "confirmed"},
    {"title": "Investigating human trafficking: the national police perspective", "kind": "meeting",
     "day": LV_WED, "start": "13:30", "end": "16:00", "venue": "police_hq", "status": "confirmed",
     "experts": [_expert("lindqvist", CONFIRMED), _expert("holmstrom", CONFIRMED)]},
    # Thursday (Maundy Thursday, a working day).
    {"title": "Prosecuting trafficking cases: evidence, victims' testimony and sentencing", "kind": "meeting",
     "day": LV_THU, "start": "09:00", "end": "11:00", "venue": "prosecution_stockholm", "status": "confirmed",
     "experts": [_expert("norrman", CONFIRMED),
                 _expert("forsberg", PROPOSED, "In court that morning; could join from 13:00 instead.")]},
    {"title": "Lunch with the Prosecution Authority", "kind": "meal", "day": LV_THU, "start": "11:15",
     "end": "12:15", "venue": "prosecution_stockholm", "status": "confirmed"},
    {"title": "Social services and the path to support for victims", "kind": "meeting", "day": LV_THU,
     "start": "13:00", "end": "15:00", "venue": "stockholm_social", "status": "confirmed", "language": "sv",
     "interpretation_language": "lv", "interpreters": [("krumina", ["sv", "lv"])],
     "description": "Held in Swedish with consecutive interpretation into Latvian.",
     "experts": [_expert("bergstrom", CONFIRMED), _expert("wikstrom", INVITED),
                 _expert("rahimi", NOT_ASKED)]},
    {"title": "Prosecutors' track: joint investigation teams and cross-border evidence", "kind": "seminar",
     "day": LV_THU, "start": "15:30", "end": "16:30", "venue": "prosecution_stockholm", "status": "tentative",
     "attendees": ["berzina", "liepins"], "experts": [_expert("forsberg", INVITED)]},
    {"title": "Police track: the trafficking unit's intelligence work", "kind": "site_visit", "day": LV_THU,
     "start": "15:30", "end": "17:00", "venue": "police_hq", "status": "confirmed",
     "attendees": ["kalnina", "ozolins", "sokolova", "vitola"],
     "experts": [_expert("holmstrom", CONFIRMED), _expert("nyberg", DECLINED, "On duty abroad that week.")]},
    # Good Friday: offices are closed; the shelter network and the outreach team work through the holiday.
    {"title": "Site visit: Lindan Women's Shelter Network", "kind": "site_visit", "day": LV_FRI,
     "start": "13:00", "end": "15:00", "venue": "lindan_stockholm", "status": "confirmed",
     "description": "The network opens its office for the group on Good Friday.",
     "experts": [_expert("haddad", CONFIRMED), _expert("sjoberg", NOT_ASKED)]},
    {"title": "Evening outreach walk with social workers and police", "kind": "site_visit", "day": LV_FRI,
     "start": "19:30", "end": "21:30", "venue": None, "status": "tentative",
     "description": "Meeting point: Sergels torg, by the stairs down to Plattan. Comfortable shoes.",
     "experts": [_expert("rahimi", CONFIRMED), _expert("lindqvist", INVITED)]},
    # Easter Saturday.
    {"title": "Safe return and reintegration: cooperation with countries of origin", "kind": "seminar",
     "day": LV_SAT, "start": "10:00", "end": "12:30", "venue": "hotel_stockholm", "status": "confirmed",
     "experts": [_expert("nystrom", CONFIRMED), _expert("hedlund", CONFIRMED)]},
    {"title": "Lunch at the hotel", "kind": "meal", "day": LV_SAT, "start": "12:30", "end": "13:30",
     "venue": "hotel_stockholm", "status": "confirmed"},
    # Easter Sunday, 28 March: the first day of summer time in Sweden.
    {"title": "Evaluation and conclusions", "kind": "meeting", "day": LV_SUN, "start": "10:00",
     "end": "12:00", "venue": "hotel_stockholm", "status": "confirmed",
     "experts": [_expert("lindblom", CONFIRMED)],
     "description": "Clocks go forward one hour during the night: 10:00 is summer time (CEST)."},
    {"title": "Farewell lunch", "kind": "meal", "day": LV_SUN, "start": "12:00", "end": "13:00",
     "venue": "hotel_stockholm", "status": "confirmed"},
    {"title": "Departure transfer to Stockholm Arlanda Airport", "kind": "transfer", "day": LV_SUN,
     "start": "13:30", "end": "14:30", "venue": "hotel_stockholm", "status": "confirmed",
     "description": "Coach from the hotel entrance; flights to Riga from 16:00."},
]  # fmt: skip

NORTH_MACEDONIA_SESSIONS: list[SessionData] = [
    {"title": "Welcome and programme overview", "kind": "meeting", "day": MK_MON, "start": "09:00",
     "end": "09:30", "venue": "hotel_gothenburg", "status": "confirmed",
     "experts": [_expert("almqvist", CONFIRMED)]},
    {"title": "Authorities working together in Region West", "kind": "meeting", "day": MK_MON,
     "start": "10:00", "end": "12:00", "venue": "police_west", "status": "tentative",
     "experts": [_expert("ekberg", CONFIRMED),
                 _expert("lundgren", PASSED, "Passed to Sara Eklund, who leads our work on this."),
                 _expert("eklund", INVITED)]},
    {"title": "Lunch with Police Region West", "kind": "meal", "day": MK_MON, "start": "12:15",
     "end": "13:15", "venue": "police_west", "status": "tentative"},
    {"title": "The Gothenburg model: support for people exposed to prostitution and trafficking",
     "kind": "site_visit", "day": MK_MON, "start": "13:45", "end": "16:00", "venue": "gothenburg_social",
     "status": "tentative", "experts": [_expert("lundgren", CONFIRMED), _expert("aberg", NOT_ASKED)]},
    {"title": "National coordination and the role of ministries", "kind": "seminar", "day": MK_TUE,
     "start": "09:00", "end": "11:30", "venue": "hotel_gothenburg", "status": "tentative",
     "experts": [_expert("strand", INVITED)]},
    {"title": "Lunch at the hotel", "kind": "meal", "day": MK_TUE, "start": "11:30", "end": "12:30",
     "venue": "hotel_gothenburg", "status": "confirmed"},
    {"title": "Social policy track: visit to Lindan Women's Shelter Network", "kind": "site_visit",
     "day": MK_TUE, "start": "13:30", "end": "15:30", "venue": "lindan_gothenburg", "status": "tentative",
     "attendees": ["stojanovska", "petrovska", "angelovska"], "experts": [_expert("sjoberg", INVITED)]},
    {"title": "Interior track: border police and the identification of victims", "kind": "meeting",
     "day": MK_TUE, "start": "13:30", "end": "15:30", "venue": "police_west", "status": "confirmed",
     "attendees": ["trajkovski", "nikolovski"], "experts": [_expert("sandberg", CONFIRMED)]},
    # A journey has two ends and a session one venue: the transfer has none, and says where it goes.
    {"title": "Transfer by train from Gothenburg to Malmö", "kind": "transfer", "day": MK_WED,
     "start": "08:30", "end": "11:30", "venue": None, "status": "confirmed",
     "description": "Check out of Hotel Packhuskajen; walk to Göteborg Central; train to Malmö Central "
                    "(about 2 h 40 min); luggage to Hotel Davidshall."},
    {"title": "Lunch at Malmö University", "kind": "meal", "day": MK_WED, "start": "12:00", "end": "13:00",
     "venue": "mau_niagara", "status": "tentative"},
    {"title": "Research on demand reduction and the Sex Purchase Act", "kind": "seminar", "day": MK_WED,
     "start": "13:30", "end": "16:00", "venue": "mau_niagara", "status": "tentative",
     "experts": [_expert("westerberg", CONFIRMED), _expert("akesson", DECLINED, "Teaching that afternoon.")]},
    {"title": "Safe return and reintegration: the support centre's casework", "kind": "meeting",
     "day": MK_THU, "start": "09:00", "end": "11:00", "venue": "ledljus_malmo", "status": "tentative",
     "experts": [_expert("nystrom", INVITED),
                 _expert("hedlund", PROPOSED, "Could meet the group on Wednesday after 16:30 instead.")]},
    {"title": "Closing lunch and evaluation", "kind": "meal", "day": MK_THU, "start": "11:30", "end": "13:00",
     "venue": "hotel_malmo", "status": "tentative", "experts": [_expert("lindblom", INVITED)]},
    {"title": "Departure transfer to Copenhagen Airport", "kind": "transfer", "day": MK_THU, "start": "13:30",
     "end": "14:30", "venue": "hotel_malmo", "status": "tentative",
     "description": "Train from Malmö Central to Copenhagen Airport (Kastrup), about 25 minutes."},
]  # fmt: skip

KATHMANDU_SESSIONS: list[SessionData] = [
    {"title": "Opening of the seminar", "kind": "meeting", "day": NP_MON, "start": "09:30", "end": "10:00",
     "venue": "kathmandu_hall", "status": "confirmed", "experts": [_expert("lindblom", CONFIRMED)]},
    {"title": "Sweden's approach to prostitution and trafficking: a gender-equality perspective",
     "kind": "seminar", "day": NP_MON, "start": "10:00", "end": "12:00", "venue": "kathmandu_hall",
     "status": "confirmed", "interpretation_language": "km", "interpreters": [("meas", ["en", "km"])],
     "experts": [_expert("strand", CONFIRMED)]},
    {"title": "Networking lunch", "kind": "meal", "day": NP_MON, "start": "12:00", "end": "13:00",
     "venue": "kathmandu_hall", "status": "confirmed"},
    {"title": "Workshop: shelters and victim support", "kind": "seminar", "day": NP_MON, "start": "13:30",
     "end": "16:00", "venue": "kathmandu_hall", "status": "tentative",
     "experts": [_expert("haddad", CONFIRMED), _expert("nystrom", INVITED)]},
    {"title": "Prevention in communities of origin: schools, families and safe migration", "kind": "seminar",
     "day": NP_TUE, "start": "09:30", "end": "12:00", "venue": "kathmandu_hall", "status": "tentative",
     "experts": [_expert("westerberg", CONFIRMED),
                 _expert("bergstrom", DECLINED, "Cannot travel in February.")]},
    {"title": "Lunch", "kind": "meal", "day": NP_TUE, "start": "12:00", "end": "13:00",
     "venue": "kathmandu_hall", "status": "confirmed"},
    {"title": "Police and prosecutors working together across borders", "kind": "seminar", "day": NP_TUE,
     "start": "13:00", "end": "15:00", "venue": "kathmandu_hall", "status": "tentative",
     "experts": [_expert("lindqvist", CONFIRMED),
                 _expert("norrman", PROPOSED, "Could present by video link on Tuesday morning.")]},
    {"title": "Closing: next steps for the network", "kind": "meeting", "day": NP_TUE, "start": "15:30",
     "end": "16:30", "venue": "kathmandu_hall", "status": "tentative",
     "attendees": ["shrestha", "gurung", "chea"], "experts": [_expert("lindblom", CONFIRMED)]},
]  # fmt: skip

# Titles in the readers' languages (visits.wording), by the English title: Swedish for the experts, the
# delegation's own language for its members. Sessions left out read in English.
TITLES_IN_OTHER_LANGUAGES: dict[str, dict[str, str]] = {
    "Latvian police and prosecutors: study visit to Stockholm": {
        "sv": "Lettisk polis och lettiska åklagare: studiebesök i Stockholm",
        "lv": "Latvijas policija un prokurori: mācību vizīte Stokholmā",
    },
    "Arrival and welcome dinner": {
        "sv": "Ankomst och välkomstmiddag",
        "lv": "Ierašanās un sagaidīšanas vakariņas",
    },
    "Welcome and introduction to the programme": {
        "sv": "Välkommen och introduktion till programmet",
        "lv": "Sveiciens un ievads programmā",
    },
    "Investigating human trafficking: the national police perspective": {
        "sv": "Att utreda människohandel: den nationella polisens perspektiv",
        "lv": "Cilvēku tirdzniecības izmeklēšana: valsts policijas skatījums",
    },
    "Social services and the path to support for victims": {
        "sv": "Socialtjänsten och vägen till stöd för brottsoffer",
        "lv": "Sociālie dienesti un ceļš uz atbalstu cietušajiem",
    },
    "Evaluation and conclusions": {"sv": "Utvärdering och slutsatser", "lv": "Izvērtēšana un secinājumi"},
    "Farewell lunch": {"sv": "Avskedslunch", "lv": "Atvadu pusdienas"},
}
DESCRIPTIONS_IN_OTHER_LANGUAGES: dict[str, dict[str, str]] = {
    "Social services and the path to support for victims": {
        "sv": "Hålls på svenska med konsekutiv tolkning till lettiska.",
        "lv": "Notiek zviedru valodā ar secīgo tulkojumu latviešu valodā.",
    },
}


VISITS: list[VisitData] = [
    {
        "title": "Latvian police and prosecutors: study visit to Stockholm",
        "kind": "study_visit",
        "delegation": LATVIA,
        "audience": "",
        "starts_on": LV_WED,
        "ends_on": LV_SUN,
        "time_zone": STOCKHOLM,
        "city": "Stockholm",
        "country": "SE",
        "programme_languages": ["en", "lv"],
        "status": "published",
        "first_published_at": dt.datetime(2027, 3, 1, 9, 0, tzinfo=ZoneInfo(STOCKHOLM)),
        "themes": ["cooperation-between-authorities", "victim-support", "safe-return", "demand-reduction"],
        "sessions": LATVIA_SESSIONS,
    },
    {
        "title": "North Macedonia ministry officials: study visit to Gothenburg and Malmö",
        "kind": "study_visit",
        "delegation": NORTH_MACEDONIA,
        "audience": "",
        "starts_on": MK_MON,
        "ends_on": MK_THU,
        "time_zone": STOCKHOLM,
        "city": "Gothenburg and Malmö",
        "country": "SE",
        "programme_languages": ["en"],
        "status": "planned",
        "first_published_at": None,
        "themes": [
            "cooperation-between-authorities",
            "victim-support",
            "safe-return",
            "gender-equality",
            "demand-reduction",
        ],
        "sessions": NORTH_MACEDONIA_SESSIONS,
    },
    {
        "title": "Seminar in Kathmandu: Swedish experience in victim support and prevention",
        "kind": "seminar_abroad",
        "delegation": NEPAL_CAMBODIA,
        "audience": (
            "NGO workers, police officers, teachers and local officials from the Nepal–Cambodia partner "
            "network, and invited guests from Nepali authorities."
        ),
        "starts_on": NP_MON,
        "ends_on": NP_TUE,
        "time_zone": KATHMANDU,
        "city": "Kathmandu",
        "country": "NP",
        "programme_languages": ["en", "ne"],
        "status": "planned",
        "first_published_at": None,
        "themes": ["victim-support", "prevention", "gender-equality", "safe-return"],
        "sessions": KATHMANDU_SESSIONS,
    },
]


def person_email(person: PersonData) -> str:
    """firstname.lastname at the organisation's example.org domain, in ASCII (Krūmiņa becomes krumina)."""
    domain = next(org["domain"] for org in ORGANISATIONS if org["key"] == person["organisation"])
    ascii_name = unicodedata.normalize("NFKD", person["name"]).encode("ascii", "ignore").decode()
    return f"{'.'.join(ascii_name.lower().split())}@{domain}"


# --- The loader --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoSummary:
    organisations: int
    people: int
    experts: int
    delegations: int
    members: int
    venues: int
    themes: int
    visits: int
    sessions: int
    created: int
    changed: int

    def __str__(self) -> str:
        return (
            f"Demo data: {self.visits} visits with {self.sessions} sessions, {self.delegations} delegations "
            f"({self.members} members), {self.experts} experts, {self.people} people, {self.organisations} "
            f"organisations, {self.venues} venues, {self.themes} themes. Rows created: {self.created}, "
            f"changed: {self.changed}."
        )


@dataclass
class _Tally:
    created: int = 0
    changed: int = 0
    # False: only what is missing is added, and what a coordinator changed in the demo stays changed (`make
    # run` on every start). True: the demo is put back as shipped (seed_demo --reset).
    reset: bool = False


M = TypeVar("M", bound=models.Model)


def _differs(obj: models.Model, name: str, wanted: Any) -> bool:
    field = obj._meta.get_field(name)
    if isinstance(field, models.ForeignKey):
        # Compare ids, so that an unchanged row costs no query for its related object.
        return bool(getattr(obj, field.attname) != (wanted.pk if wanted is not None else None))
    return bool(getattr(obj, name) != wanted)


def _upsert(model: type[M], match: dict[str, Any], values: dict[str, Any], tally: _Tally) -> M:
    """Find the row by `match`; create it if it is missing, or (when resetting) give it `values` back;
    validate and save what is new or changed."""
    obj = model._default_manager.filter(**match).first()
    if obj is None:
        obj = model(**values)
        tally.created += 1
    elif not tally.reset:
        return obj
    else:
        changed = [name for name, wanted in values.items() if _differs(obj, name, wanted)]
        if not changed:
            return obj
        for name in changed:
            setattr(obj, name, values[name])
        tally.changed += 1
    obj.full_clean()
    obj.save()
    return obj


def _set_m2m(manager: Any, wanted: Iterable[models.Model], tally: _Tally) -> None:
    """Make a many-to-many relation hold `wanted` (exactly, when resetting; otherwise the links a coordinator
    took away stay away only if the row itself existed before); each link added counts as a row created."""
    wanted_pks = {obj.pk for obj in wanted}
    current = set(manager.values_list("pk", flat=True))
    if not tally.reset:
        if not current:  # a new row: give it its links
            manager.add(*wanted_pks)
            tally.created += len(wanted_pks)
        return
    if current != wanted_pks:
        manager.set(wanted_pks)
        tally.created += len(wanted_pks - current)
        tally.changed += len(current - wanted_pks)


def _local(day: dt.date, hhmm: str, zone: str) -> dt.datetime:
    """A wall-clock time in `zone`, refusing times that do not exist there (the spring-forward gap)."""
    naive = dt.datetime.combine(day, dt.time.fromisoformat(hhmm))
    aware = naive.replace(tzinfo=ZoneInfo(zone))
    if aware.astimezone(dt.UTC).astimezone(ZoneInfo(zone)).replace(tzinfo=None) != naive:
        raise ValueError(f"{day} {hhmm} does not exist in {zone}.")
    return aware


def _load_themes(tally: _Tally) -> dict[str, Theme]:
    return {data["slug"]: _upsert(Theme, {"slug": data["slug"]}, dict(data), tally) for data in THEMES}


def _load_organisations(tally: _Tally) -> dict[str, Organisation]:
    organisations = {}
    for data in ORGANISATIONS:
        values = {
            "name": data["name"],
            "country": data["country"],
            "kind": data["kind"],
            "side": data["side"],
            "email": f"info@{data['domain']}",
            "address": data.get("address", ""),
        }
        match = {"name__iexact": data["name"], "country": data["country"]}
        organisations[data["key"]] = _upsert(Organisation, match, values, tally)
    return organisations


def _load_people(organisations: dict[str, Organisation], tally: _Tally) -> dict[str, Person]:
    people = {}
    for data in PEOPLE:
        email = person_email(data)
        values = {
            "name": data["name"],
            "email": email,
            "phone": data["phone"],
            "preferred_language": data["preferred_language"],
            "home_time_zone": data["home_time_zone"],
            "organisation": organisations[data["organisation"]],
            "title": data["title"],
        }
        people[data["key"]] = _upsert(Person, {"email__iexact": email}, values, tally)
    return people


def _load_venues(organisations: dict[str, Organisation], tally: _Tally) -> dict[str, Venue]:
    venues = {}
    for data in VENUES:
        values = {
            "name": data["name"],
            "address": data["address"],
            "city": data["city"],
            "country": data["country"],
            "host_organisation": organisations[data["host"]] if data["host"] else None,
            "time_zone": data["time_zone"],
            "capacity": data["capacity"],
            "accessibility_notes": data["accessibility_notes"],
        }
        venue = _upsert(Venue, {"name": data["name"], "city": data["city"]}, values, tally)
        for weekday, opens, closes in data["hours"]:
            hours = {
                "venue": venue,
                "weekday": weekday,
                "opens": dt.time.fromisoformat(opens),
                "closes": dt.time.fromisoformat(closes),
            }
            _upsert(OpeningHours, {"venue": venue, "weekday": weekday, "opens": hours["opens"]}, hours, tally)
        venues[data["key"]] = venue
    return venues


def _load_delegations(
    organisations: dict[str, Organisation], people: dict[str, Person], tally: _Tally
) -> tuple[dict[str, Delegation], dict[str, dict[str, DelegationMember]]]:
    """Write the delegations; return them by name, and each one's members by person key."""
    delegations: dict[str, Delegation] = {}
    members: dict[str, dict[str, DelegationMember]] = {}
    for data in DELEGATIONS:
        values = {
            "name": data["name"],
            "countries": data["countries"],
            "languages": data["languages"],
            "notes": data["notes"],
        }
        delegation = delegations[data["name"]] = _upsert(Delegation, {"name": data["name"]}, values, tally)
        _set_m2m(delegation.organisations, [organisations[key] for key in data["organisations"]], tally)
        members[data["name"]] = {}
        for member in data["members"]:
            person = people[member["person"]]
            member_values = {
                "delegation": delegation,
                "person": person,
                "role": member["role"],
                "languages": member["languages"],
            }  # their needs: participation keeps them, and participation.demo writes them
            members[data["name"]][member["person"]] = _upsert(
                DelegationMember, {"delegation": delegation, "person": person}, member_values, tally
            )
    return delegations, members


def _responded_at(visit: Visit, response: str) -> dt.datetime | None:
    """Answers came in five weeks before the visit, at 10:00 Stockholm time."""
    if response in (NOT_ASKED, INVITED):
        return None
    return dt.datetime.combine(
        visit.starts_on - dt.timedelta(weeks=5), dt.time(10), tzinfo=ZoneInfo(STOCKHOLM)
    )


def _load_session(
    visit: Visit,
    data: SessionData,
    venues: dict[str, Venue],
    people: dict[str, Person],
    members: dict[str, DelegationMember],
    tally: _Tally,
) -> Session:
    venue = venues[data["venue"]] if data["venue"] else None
    zone = venue.time_zone if venue else visit.time_zone
    attendees = data.get("attendees", [])
    interpretation_language = data.get("interpretation_language", "")
    values = {
        "visit": visit,
        "kind": data["kind"],
        "title": data["title"],
        "title_translations": TITLES_IN_OTHER_LANGUAGES.get(data["title"], {}),
        "description": data.get("description", ""),
        "description_translations": DESCRIPTIONS_IN_OTHER_LANGUAGES.get(data["title"], {}),
        "starts_at": _local(data["day"], data["start"], zone),
        "ends_at": _local(data["day"], data["end"], zone),
        "outside_visit_dates": data.get("outside_visit_dates", False),
        "venue": venue,
        "host_organisation": venue.host_organisation if venue else None,
        "attendance": Session.Attendance.CHOSEN if attendees else Session.Attendance.DELEGATION,
        "language": data.get("language", "en"),
        "interpreter_needed": bool(interpretation_language),
        "interpretation_language": interpretation_language,
        "status": data["status"],
    }
    session = _upsert(Session, {"visit": visit, "title": data["title"]}, values, tally)
    for expert in data.get("experts", []):
        person = people[expert["person"]]
        expert_values = {
            "session": session,
            "person": person,
            "response": expert["response"],
            "responded_at": _responded_at(visit, expert["response"]),
            "note": expert["note"],
        }
        _upsert(SessionExpert, {"session": session, "person": person}, expert_values, tally)
    for key in attendees:
        member = members[key]  # a KeyError here means the person is not in the visit's delegation
        _upsert(
            ChosenMember,
            {"session": session, "member": member},
            {"session": session, "member": member},
            tally,
        )
    for key, languages in data.get("interpreters", []):
        person = people[key]
        interpreter_values = {"session": session, "person": person, "languages": languages}
        _upsert(SessionInterpreter, {"session": session, "person": person}, interpreter_values, tally)
    return session


def _load_visits(
    themes: dict[str, Theme],
    delegations: dict[str, Delegation],
    venues: dict[str, Venue],
    people: dict[str, Person],
    members: dict[str, dict[str, DelegationMember]],
    coordinators: Sequence[User],
    tally: _Tally,
) -> list[Visit]:
    visits = []
    for data in VISITS:
        titles = [session["title"] for session in data["sessions"]]
        if len(titles) != len(set(titles)):
            raise ValueError(f"Session titles repeat within “{data['title']}”; they are its sessions' keys.")
        delegation = delegations[data["delegation"]] if data["delegation"] else None
        values = {
            "kind": data["kind"],
            "title": data["title"],
            "title_translations": TITLES_IN_OTHER_LANGUAGES.get(data["title"], {}),
            "delegation": delegation,
            "audience": data["audience"],
            "starts_on": data["starts_on"],
            "ends_on": data["ends_on"],
            "time_zone": data["time_zone"],
            "city": data["city"],
            "country": data["country"],
            "programme_languages": data["programme_languages"],
            "status": data["status"],
            "first_published_at": data["first_published_at"],
        }
        existed = Visit.objects.filter(title=data["title"]).exists()
        visit = _upsert(Visit, {"title": data["title"]}, values, tally)
        _set_m2m(visit.themes, [themes[slug] for slug in data["themes"]], tally)
        if coordinators:
            visit.coordinators.add(*coordinators)
        if existed and not tally.reset:
            # Its programme is the coordinator's now: a session renamed or deleted is not brought back.
            visits.append(visit)
            continue
        delegation_members = members[data["delegation"]] if data["delegation"] else {}
        for session in data["sessions"]:
            _load_session(visit, session, venues, people, delegation_members, tally)
        visits.append(visit)
    return visits


@transaction.atomic
def load_demo(*, coordinators: Sequence[User] = (), reset: bool = False) -> DemoSummary:
    """Write the demo data, adding `coordinators` to every demo delegation and visit. Safe to run again: it
    adds what is missing and leaves what is there as it is, unless `reset` puts it back as shipped."""
    tally = _Tally(reset=reset)
    themes = _load_themes(tally)
    organisations = _load_organisations(tally)
    people = _load_people(organisations, tally)
    venues = _load_venues(organisations, tally)
    delegations, members = _load_delegations(organisations, people, tally)
    for delegation in delegations.values():
        if coordinators:
            delegation.coordinators.add(*coordinators)  # as if they had registered them
    visits = _load_visits(themes, delegations, venues, people, members, coordinators, tally)
    expert_keys = {
        expert["person"] for visit in VISITS for s in visit["sessions"] for expert in s.get("experts", [])
    }
    return DemoSummary(
        organisations=len(organisations),
        people=len(people),
        experts=len(expert_keys),
        delegations=len(delegations),
        members=sum(len(by_person) for by_person in members.values()),
        venues=len(venues),
        themes=len(themes),
        visits=len(visits),
        sessions=sum(len(visit["sessions"]) for visit in VISITS),
        created=tally.created,
        changed=tally.changed,
    )

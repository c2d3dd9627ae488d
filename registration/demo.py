"""The demo's open seminar: a seminar abroad in Riga with registration open, full, and one person waiting.

Fictional people at example.org addresses (RFC 2606). manage.py seed_demo runs it after visits.demo; safe to
run again: a seminar or registrant already there is left as it is.
"""

import datetime as dt
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User

from registration.models import Registration, RegistrationSettings
from registration.services import Answers, registration_settings_save, registration_submit
from visits.models import Session, TargetGroup, Visit

TITLE = "Open seminar in Riga: Nordic–Baltic cooperation against trafficking"
RIGA = "Europe/Riga"
DAY = dt.date(2027, 4, 14)

REGISTRANTS = [
    ("Ilze Ozoliņa-Demo", "ilze.ozolina@lv-ngo.example.org", "Centre for Safe Migration", "Programme officer",
     TargetGroup.NGOS, ["vegetarian"], ""),
    ("Mārtiņš Kalns-Demo", "martins.kalns@vp-riga.example.org", "Riga City Police", "Inspector",
     TargetGroup.JUSTICE, [], ""),
    ("Rasa Vaitkutė-Demo", "rasa.vaitkute@socmin.example.org", "Ministry of Social Security", "Adviser",
     TargetGroup.MINISTRIES, ["gluten_free"], "lt"),
    ("Jaan Tamm-Demo", "jaan.tamm@uni-tartu.example.org", "Institute of Social Research", "Researcher",
     TargetGroup.RESEARCH, [], ""),
    ("Liene Bērziņa-Demo", "liene.berzina@lsm.example.org", "Baltic Public Radio", "Journalist",
     TargetGroup.MEDIA, [], ""),
]  # fmt: skip


def load_registration_demo(*, coordinators: Sequence[User] = ()) -> int:
    """Write the open seminar and its registrants where missing; returns how many rows were created."""
    created = 0
    zone = ZoneInfo(RIGA)
    visit = Visit.objects.filter(title=TITLE).first()
    if visit is None:
        visit = Visit.objects.create(
            kind=Visit.Kind.SEMINAR_ABROAD,
            title=TITLE,
            audience="Police, prosecutors, social services, NGOs, researchers and journalists of the Baltic.",
            target_group=TargetGroup.JUSTICE,
            starts_on=DAY,
            ends_on=DAY,
            time_zone=RIGA,
            city="Riga",
            country="LV",
            programme_languages=["en", "lv"],
            status=Visit.Status.PLANNED,
        )
        Session.objects.create(
            visit=visit,
            kind=Session.Kind.SEMINAR,
            title="Cooperation across the Baltic Sea: cases and lessons",
            starts_at=dt.datetime.combine(DAY, dt.time(10, 0), tzinfo=zone),
            ends_at=dt.datetime.combine(DAY, dt.time(12, 30), tzinfo=zone),
            language="en",
            status=Session.Status.CONFIRMED,
        )
        created += 2
    if coordinators:
        visit.coordinators.add(*coordinators)
    settings_row = RegistrationSettings.objects.filter(visit=visit).first()
    if settings_row is None:
        settings_row = registration_settings_save(
            visit=visit,
            data={
                "is_open": True,
                "capacity": 4,
                "closes_at": dt.datetime.combine(DAY - dt.timedelta(days=7), dt.time(23, 59), tzinfo=zone),
                "confirm_within_hours": 48,
            },
            actor=None,
        )
        created += 1
    if coordinators and visit.delegation is not None:
        visit.delegation.coordinators.add(*coordinators)
    for name, email, organisation, role, sector, diets, interpreting in REGISTRANTS:
        if Registration.objects.filter(visit=visit, email=email).exists():
            continue
        registration_submit(
            settings_row=settings_row,
            answers=Answers(
                name=name,
                email=email,
                organisation=organisation,
                role=role,
                sector=sector,
                dietary=diets,
                dietary_note="",
                wheelchair=False,
                accessibility_note="",
                interpreting_language=interpreting,
            ),
        )
        created += 1
    return created

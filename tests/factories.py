"""factory_boy factories for the domain. Times default to a visit in Stockholm in spring 2027."""

import datetime as dt
import secrets
from zoneinfo import ZoneInfo

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User

from participation.services import member_needs_set
from visits.models import (
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

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def stockholm(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=STOCKHOLM)


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"coordinator{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@agency.example")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery staple")

    @factory.post_generation
    def save_password(self, create, extracted, **kwargs):
        if create:
            self.save()


class OrganisationFactory(factory.django.DjangoModelFactory[Organisation]):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    country = "SE"
    kind = Organisation.Kind.POLICE
    side = Organisation.Side.HOST


class PersonFactory(factory.django.DjangoModelFactory[Person]):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"Person {n}")
    email = factory.Sequence(lambda n: f"person{n}@example.org")
    organisation = factory.SubFactory(OrganisationFactory)


class VenueFactory(factory.django.DjangoModelFactory[Venue]):
    class Meta:
        model = Venue

    name = factory.Sequence(lambda n: f"Venue {n}")
    address = factory.Sequence(lambda n: f"Storgatan {n}, 111 22 Stockholm")
    city = "Stockholm"
    time_zone = "Europe/Stockholm"
    capacity = 30


class OpeningHoursFactory(factory.django.DjangoModelFactory[OpeningHours]):
    class Meta:
        model = OpeningHours

    venue = factory.SubFactory(VenueFactory)
    weekday = 0
    opens = dt.time(8, 0)
    closes = dt.time(17, 0)


class DelegationFactory(factory.django.DjangoModelFactory[Delegation]):
    class Meta:
        model = Delegation

    name = factory.Sequence(lambda n: f"Delegation {n}")
    countries = ["LV"]
    languages = ["lv", "en"]


class DelegationMemberFactory(factory.django.DjangoModelFactory[DelegationMember]):
    class Meta:
        model = DelegationMember
        skip_postgeneration_save = True

    delegation = factory.SubFactory(DelegationFactory)
    person = factory.SubFactory(PersonFactory)
    role = DelegationMember.Role.MEMBER

    # The coordinators' notes on what the member needs, which participation keeps.
    @factory.post_generation
    def dietary_needs(
        member: DelegationMember, create: bool, extracted: str | None, **kwargs: object
    ) -> None:
        if create and extracted is not None:
            member_needs_set(member=member, notes={"dietary_needs": extracted}, actor=None)

    @factory.post_generation
    def accessibility_needs(
        member: DelegationMember, create: bool, extracted: str | None, **kwargs: object
    ) -> None:
        if create and extracted is not None:
            member_needs_set(member=member, notes={"accessibility_needs": extracted}, actor=None)


class ThemeFactory(factory.django.DjangoModelFactory[Theme]):
    class Meta:
        model = Theme
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"theme-{n}")
    name_en = factory.Sequence(lambda n: f"Theme {n}")
    name_sv = factory.Sequence(lambda n: f"Tema {n}")


class VisitFactory(factory.django.DjangoModelFactory[Visit]):
    class Meta:
        model = Visit

    kind = Visit.Kind.STUDY_VISIT
    title = factory.Sequence(lambda n: f"Study visit {n}")
    delegation = factory.SubFactory(DelegationFactory)
    starts_on = dt.date(2027, 3, 22)
    ends_on = dt.date(2027, 3, 26)
    time_zone = "Europe/Stockholm"
    city = "Stockholm"
    programme_languages = ["en"]


class SessionFactory(factory.django.DjangoModelFactory[Session]):
    class Meta:
        model = Session

    visit = factory.SubFactory(VisitFactory)
    kind = Session.Kind.MEETING
    title = factory.Sequence(lambda n: f"Session {n}")
    starts_at = factory.LazyFunction(lambda: stockholm(2027, 3, 23, 9, 0))
    ends_at = factory.LazyAttribute(lambda s: s.starts_at + dt.timedelta(hours=1, minutes=30))
    venue = factory.SubFactory(VenueFactory)
    language = "en"


class SessionExpertFactory(factory.django.DjangoModelFactory[SessionExpert]):
    class Meta:
        model = SessionExpert

    session = factory.SubFactory(SessionFactory)
    person = factory.SubFactory(PersonFactory)


class SessionInterpreterFactory(factory.django.DjangoModelFactory[SessionInterpreter]):
    class Meta:
        model = SessionInterpreter

    session = factory.SubFactory(SessionFactory)
    person = factory.SubFactory(PersonFactory)
    languages = ["lv", "en"]


# --- Notifications ------------------------------------------------------------------------------------------


from notifications.models import OutboxMessage, PersonalToken  # noqa: E402 (kept with its factories)
from notifications.sessions import site_host  # noqa: E402


class OutboxMessageFactory(factory.django.DjangoModelFactory[OutboxMessage]):
    """An invitation to the expert of a new session, queued now. Pass kind, session, snapshot as needed."""

    class Meta:
        model = OutboxMessage
        skip_postgeneration_save = True

    kind = "invitation"
    session = factory.SubFactory(SessionFactory)
    visit = factory.LazyAttribute(lambda m: m.session.visit if m.session is not None else VisitFactory())
    person = factory.SubFactory(PersonFactory)
    session_key = factory.LazyAttribute(lambda m: m.session.pk if m.session is not None else None)
    sequence = factory.LazyAttribute(lambda m: m.session.sequence if m.session is not None else 0)
    role = "expert"
    to_email = factory.LazyAttribute(lambda m: m.person.email)
    language = factory.LazyAttribute(lambda m: m.person.preferred_language)
    idempotency_key = factory.Sequence(lambda n: f"test:{n}")
    send_at = factory.LazyFunction(lambda: dt.datetime.now(dt.UTC))

    @factory.post_generation
    def message_id(obj: OutboxMessage, create: bool, extracted: str | None, **kwargs: object) -> None:
        """Every outbox row has its Message-ID (the writers give it); here one that names the row."""
        obj.message_id = extracted or f"<outbox.{obj.pk}.{secrets.token_hex(6)}@{site_host()}>"
        if create:
            OutboxMessage.objects.filter(pk=obj.pk).update(message_id=obj.message_id)


class PersonalTokenFactory(factory.django.DjangoModelFactory[PersonalToken]):
    """A person's live feed token; for a visit's, pass purpose="visit_feed", person=None and a visit."""

    class Meta:
        model = PersonalToken

    purpose = "person_feed"
    person = factory.SubFactory(PersonFactory)

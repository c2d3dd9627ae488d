"""The demo's open seminar in Riga: registration open, full, one waiting; fictional people only; loading it
again adds nothing."""

import re
import unicodedata
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from registration.demo import TITLE, load_registration_demo
from registration.models import Registration, RegistrationSettings
from tests.factories import UserFactory

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"

pytestmark = pytest.mark.django_db


def test_the_open_seminar_is_full_with_one_waiting_and_loads_once():
    rita = UserFactory.create(username="demo-rita", is_staff=True)
    assert load_registration_demo(coordinators=[rita]) > 0
    statuses = list(Registration.objects.order_by("pk").values_list("status", flat=True))
    assert statuses == ["confirmed"] * 4 + ["waiting"]
    settings_row = RegistrationSettings.objects.get(visit__title=TITLE)
    assert settings_row.is_open
    assert load_registration_demo(coordinators=[rita]) == 0
    assert Registration.objects.count() == 5
    page = Client().get(reverse("registration_public:register", args=[settings_row.public_key]))
    assert page.status_code == 200 and TITLE in page.content.decode()
    assert list(settings_row.visit.delegation.coordinators.all()) == [rita]


def strip_accents(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


@pytest.mark.skipif(
    not SEEDS.is_dir(), reason="the seed pages (../shared/seeds) are not next to the repository"
)
def test_the_registrants_are_fictional():
    load_registration_demo()
    seeds = "\n".join(path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt")))
    variants = [seeds, strip_accents(seeds)]
    for registration in Registration.objects.select_related("person"):
        assert registration.person.email.endswith(".example.org")
        for name in (registration.person.name, strip_accents(registration.person.name)):
            for token in re.split(r"[\s-]+", name):
                pattern = rf"(?<!\w){re.escape(token)}(?!\w)"
                assert not any(re.search(pattern, text) for text in variants), token

"""The demo visits, published, with names in every script the booklets print."""

import pytest

from participation.demo import load_member_needs
from scheduling.publishing import PublishBlocked, programme_publish
from visits.demo import load_demo
from visits.models import Person, Visit

# One name in each script the booklets must carry, given to people of the demo delegations.
NAMES = {
    "shrestha": "Anju Shrestha",
    "gurung": "बिष्णु गुरुङ",  # Devanagari (Nepali)
    "chea": "ជា ស្រីមុំ",  # Khmer
    "keo": "สมชาย ใจดี",  # Thai
    "tamang": "রহিম উদ্দিন",  # Bengali
}


@pytest.fixture
def demo(coordinator, publish_settings):
    load_demo(coordinators=[coordinator])
    load_member_needs()
    # The coordinator is Hanna Lindblom of the demo's directory, whose phone the booklets' covers give.
    hanna = Person.objects.get(name="Hanna Lindblom")
    coordinator.first_name, coordinator.last_name, coordinator.email = "Hanna", "Lindblom", hanna.email
    coordinator.save()
    by_key = {p.name: p for p in Person.objects.all()}
    renamed = {
        "Jeļena Sokolova": "Елена Соколова",  # Cyrillic
        "Bishnu Gurung": NAMES["gurung"],
        "Sreymom Chea": NAMES["chea"],
        "Vuthy Keo": NAMES["keo"],
        "Kamala Tamang": NAMES["tamang"],
    }
    for old, new in renamed.items():
        Person.objects.filter(pk=by_key[old].pk).update(name=new)
    publish_settings()
    published = []
    for visit in Visit.objects.order_by("starts_on"):
        try:
            if programme_publish(visit=visit, actor=coordinator) is not None:
                published.append(visit)
        except PublishBlocked:
            continue
    assert published, "no demo visit could be published"
    return published


@pytest.fixture
def publish_settings():
    """What is set before the demo visits are published (nothing, unless a test overrides it)."""
    return lambda: None


@pytest.fixture
def latvia(demo):
    """The demo's study visit of the Latvian delegation: hosts with addresses, an interpreter, needs."""
    return next(v for v in demo if v.delegation is not None and v.delegation.name.startswith("Latvian"))

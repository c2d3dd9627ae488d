import datetime as dt
import uuid
from typing import Any

import pytest
from django.core.cache import caches
from django.utils import timezone

from tests.factories import ThemeFactory


@pytest.fixture(autouse=True)
def fresh_throttle():
    """Each test starts with no posts counted (the counters live in the process's memory in tests)."""
    caches["throttle"].clear()
    yield
    caches["throttle"].clear()


@pytest.fixture
def themes(db):
    return [
        ThemeFactory(slug="trafficking", name_en="Trafficking", name_sv="Människohandel"),
        ThemeFactory(slug="prostitution", name_en="Prostitution", name_sv="Prostitution"),
    ]


def form_data(themes: list[Any], **changes: Any) -> dict[str, Any]:
    """A request the public form accepts, as the browser posts it."""
    first = timezone.localdate() + dt.timedelta(days=90)
    data: dict[str, Any] = {
        "submission": str(uuid.uuid4()),
        "organisation": "Ministry of Interior of Latvia (fictional)",
        "country": "LV",
        "target_group": "justice",
        "themes": [theme.pk for theme in themes],
        "themes_note": "How the police and social services work together.",
        "starts_on": first.isoformat(),
        "ends_on": (first + dt.timedelta(days=3)).isoformat(),
        "dates_note": "A week later is fine too.",
        "group_size": "8",
        "languages": ["lv", "en"],
        "contact_name": "Ilze Testa",
        "contact_title": "Adviser",
        "contact_email": "ilze.testa@example.org",
        "contact_phone": "+371 2000 0000",
        "language": "en",
        "message": "",
        "consent": "on",
        "website": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}

"""The registry of sections that apps add to a person's programme page (notifications.views.programme_page).

The page shows the person's sessions and their calendar links. An app that builds on notifications adds its
own parts (participation: the answer and needs forms) by registering a provider in AppConfig.ready(), so that
the page never imports an app that builds on notifications.

A provider returns extra template context, which the page renders through these names:

- "rows": the sessions, each with its `item` (a notifications.feeds.ProgrammeItem), in place of the plain
  list;
- "session_template": included in each session, with `row` and `item`;
- "sections_template": included after the sessions.
"""

from collections.abc import Callable
from typing import Any

from django.forms import Form
from django.http import HttpRequest

from notifications.models import PersonalToken
from visits.models import Person

# (request, the person's token, the person, a submitted form to show with its errors or None) -> context
ProgrammeSection = Callable[[HttpRequest, PersonalToken, Person, Form | None], dict[str, Any]]
_sections: list[ProgrammeSection] = []


def register_programme_section(provider: ProgrammeSection) -> None:
    """Add `provider`'s context to every programme page; registering it again changes nothing."""
    if provider not in _sections:
        _sections.append(provider)


def programme_sections() -> tuple[ProgrammeSection, ...]:
    return tuple(_sections)

"""Why no programme exists, in words a coordinator can act on: each rule of the smallest set that cannot
hold together (proposals.domain.solve.explain) as a sentence naming people, venues and times."""

from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

TEMPLATES: dict[str, "StrPromise"] = {
    "window": _("“%(session)s” must lie between %(earliest)s and %(latest)s and lasts %(minutes)s minutes."),
    "fixed": _("“%(session)s” is fixed at %(when)s."),
    "people_busy": _("For “%(session)s”, %(who)s are busy in another visit at %(times)s."),
    "expert_hours": _("%(person)s is free for “%(session)s” only at %(times)s."),
    "expert_busy": _("%(person)s is busy in another visit at %(times)s, which “%(session)s” needs."),
    "venue_hours": _("%(venue)s is open for “%(session)s” only at %(times)s."),
    "venue_busy": _("%(venue)s is booked by another visit at %(times)s, which “%(session)s” needs."),
    "capacity": _("%(venue)s holds %(capacity)s people, but “%(session)s” has %(count)s."),
    "delegation_pair": _(
        "%(who)s cannot be in “%(session1)s” and “%(session2)s” at once, and needs time to travel "
        "between them."
    ),
    "person_pair": _("%(person)s cannot be in “%(session1)s” and “%(session2)s” at once."),
    "venue_pair": _("%(venue)s cannot hold “%(session1)s” and “%(session2)s” at once."),
    "order": _("“%(session2)s” must come after “%(session1)s”."),
    "day_length": _("%(who)s's day on %(day)s may last at most %(hours)s hours."),
    "day_count": _("%(who)s may have at most %(limit)s sessions on %(day)s."),
    "meal": _("%(who)s needs a %(minutes)s-minute meal break between %(window)s on %(day)s."),
}


def reason_text(code: str, params: Mapping[str, str]) -> str:
    template = TEMPLATES.get(code)
    if template is None:
        return code
    return str(template) % params

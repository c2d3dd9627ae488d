"""What each conflict says to a coordinator, in their language, naming both sides and their times."""

from typing import TYPE_CHECKING

from django.utils import translation
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

    from scheduling.conflicts import Conflict

TEMPLATES: dict[str, "StrPromise"] = {
    "person_double_booked": _(
        "%(person)s is in two sessions at once: “%(session1)s” (%(when1)s) and “%(session2)s” (%(when2)s)."
    ),
    "venue_double_booked": _(
        "%(venue)s is booked twice: “%(session1)s” (%(when1)s) and “%(session2)s” (%(when2)s)."
    ),
    "outside_visit_dates": _(
        "“%(session1)s” (%(when1)s) is outside the visit's dates. Move it, or mark it as outside the visit."
    ),
    "over_capacity": _("“%(session1)s” (%(when1)s) has %(count)s people, but %(venue)s holds %(capacity)s."),
    "outside_expert_availability": _(
        "“%(session1)s” (%(when1)s) is outside the hours %(person)s is available."
    ),
    "outside_opening_hours": _("“%(session1)s” (%(when1)s) is outside the opening hours of %(venue)s."),
    "holiday": _("“%(session1)s” (%(when1)s) falls on a public holiday: %(holiday)s (%(day)s)."),
    "weekend": _("“%(session1)s” (%(when1)s) falls on a weekend (%(day)s)."),
    "travel_time": _(
        "%(who)s has %(gap)s minutes to get from %(venue1)s (“%(session1)s”, %(when1)s) to %(venue2)s "
        "(“%(session2)s”, %(when2)s); the journey takes %(needed)s minutes."
    ),
    "language_without_interpreter": _(
        "“%(session1)s” (%(when1)s) is held in %(language)s, which %(delegation)s does not speak "
        "(%(languages)s), and no interpreter is booked."
    ),
    "interpreter_not_booked": _(
        "“%(session1)s” (%(when1)s) needs an interpreter into %(language)s, and none is booked."
    ),
    "day_too_long": _("%(delegation)s has a %(hours)s-hour day on %(day)s; the limit is %(limit)s hours."),
    "no_meal_break": _("%(delegation)s has no meal break on %(day)s."),
    "too_many_sessions": _("%(delegation)s has %(count)s sessions on %(day)s; the limit is %(limit)s."),
}


def render(conflict: "Conflict", language: str = "en") -> str:
    with translation.override(language):
        return str(TEMPLATES[conflict.kind]) % dict(conflict.params)

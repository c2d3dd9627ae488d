"""What each conflict says to a coordinator, in their language, naming both sides and their times.

A conflict with a session of a visit the reader may not see (`Conflict.masked`) says only that the person is
busy or the venue booked then, in another visit (free/busy): its own words, in BUSY_TEMPLATES, which name
only the reader's own sessions.
"""

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.utils import formats, translation
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from visits.fields import language_name, language_names

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

    from scheduling.conflict_groups import ConflictGroup
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


# Only the conflicts between sessions can take in another visit's; the others are of one session alone.
BUSY_TEMPLATES: dict[str, "StrPromise"] = {
    "person_double_booked": _("“%(session1)s” (%(when1)s): %(person)s is busy then (another visit)."),
    "venue_double_booked": _(
        "“%(session1)s” (%(when1)s): the venue %(venue)s is booked then (another visit)."
    ),
    "travel_time": _(
        "“%(session1)s” (%(when1)s) at %(venue1)s: %(who)s is busy elsewhere before it, too close to "
        "travel from there in time (another visit)."
    ),
    "travel_time_onwards": _(
        "“%(session1)s” (%(when1)s) at %(venue1)s: %(who)s is busy elsewhere after it, too close to "
        "travel there in time (another visit)."
    ),
    "day_too_long": _(
        "%(delegation)s has a day longer than %(limit)s hours on %(day)s, with sessions of another visit."
    ),
    "no_meal_break": _("%(delegation)s has no meal break on %(day)s, with sessions of another visit."),
    "too_many_sessions": _(
        "%(delegation)s has %(count)s sessions on %(day)s, some of another visit; the limit is %(limit)s."
    ),
}


# Parameters that are numbers (written as the reader's language writes them: "12,5" in Swedish), and
# language codes (named in the reader's language: "rumänska", never "ro").
NUMBERS = frozenset({"count", "capacity", "gap", "needed", "hours", "limit"})
LANGUAGES = frozenset({"language", "languages"})


def render(conflict: "Conflict", language: str = "en") -> str:
    with translation.override(language):
        if conflict.masked:
            return str(BUSY_TEMPLATES[busy_words(conflict)]) % readable(shown_params(conflict))
        return str(TEMPLATES[conflict.kind]) % readable(dict(conflict.params))


def readable(params: dict[str, str]) -> dict[str, str]:
    """The parameters as the active language writes them: numbers and language names."""
    shown = dict(params)
    for name, value in params.items():
        if name in NUMBERS:
            shown[name] = number(value)
        elif name == "language":
            shown[name] = language_name(value)
        elif name == "languages":
            shown[name] = language_names(code.strip() for code in value.split(",") if code.strip())
    return shown


def number(value: str) -> str:
    """A number kept as text ("12.5") as the active language writes it ("12,5"); other text as it is."""
    try:
        parsed = Decimal(value)
    except InvalidOperation:
        return value
    if parsed == parsed.to_integral_value():
        parsed = parsed.quantize(Decimal(1))  # "12.0" hours are 12
    return formats.number_format(parsed, use_l10n=True)


# --- Lines of several conflicts (scheduling.conflict_groups) -----------------------------------------


def render_group(group: "ConflictGroup", language: str = "en") -> str:
    """The line of several people's double bookings in the same sessions: the delegation by its count, the
    others by name."""
    with translation.override(language):
        first = group.first
        params = readable(shown_params(first) if first.masked else dict(first.params))
        who = people_phrase(group, capital=not first.masked)
        if first.masked and group.whole_delegation and not group.others:
            # Its own words: a delegation is busy (singular in Swedish), its members are.
            return gettext(
                "“%(session1)s” (%(when1)s): the whole delegation (%(count)s) is busy then (another visit)."
            ) % {**params, "count": number(str(group.delegates))}
        if first.masked:
            return gettext("“%(session1)s” (%(when1)s): %(who)s busy then (another visit).") % {
                **params,
                "who": who,
            }
        return gettext(
            "%(who)s in two sessions at once: “%(session1)s” (%(when1)s) and “%(session2)s” (%(when2)s)."
        ) % {**params, "who": who}


def people_phrase(group: "ConflictGroup", *, capital: bool) -> str:
    """Who is double booked, with its verb: "The whole delegation (12) is", "4 of the delegation's 12 members
    and Anna Berg are"."""
    parts: list[str] = []
    if group.whole_delegation:
        parts.append(gettext("the whole delegation (%(count)s)") % {"count": number(str(group.delegates))})
    elif group.delegates:
        parts.append(
            ngettext(
                "%(some)s of the delegation's %(count)s members",
                "%(some)s of the delegation's %(count)s members",
                group.delegation_size,
            )
            % {"some": number(str(group.delegates)), "count": number(str(group.delegation_size))}
        )
    parts.extend(group.others)
    if len(parts) == 1 and group.whole_delegation:
        phrase = gettext("%(people)s is") % {"people": parts[0]}
    else:
        listed = (
            parts[0]
            if len(parts) == 1
            else gettext("%(first)s and %(last)s")
            % {
                "first": ", ".join(parts[:-1]),
                "last": parts[-1],
            }
        )
        phrase = gettext("%(people)s are") % {"people": listed}
    return phrase[:1].upper() + phrase[1:] if capital else phrase


def busy_words(conflict: "Conflict") -> str:
    """Which of BUSY_TEMPLATES says the masked conflict: a journey to a hidden session has its own words."""
    from scheduling.conflicts import HIDDEN, ConflictKind

    if conflict.kind == ConflictKind.TRAVEL_TIME and conflict.named[-1:] == (HIDDEN,):
        return "travel_time_onwards"
    return str(conflict.kind)


def shown_params(conflict: "Conflict") -> dict[str, str]:
    """A masked conflict's parameters, its shown sessions numbered from 1 again: the one session of the
    reader's in a clash with another visit's is "session1" whether it came first or second."""
    from scheduling.conflicts import HIDDEN, NAMED_PARAMS, numbered

    shown = [str(n) for n, pair in enumerate(conflict.named, start=1) if pair != HIDDEN]
    renumbered = {old: str(new) for new, old in enumerate(shown, start=1)}
    params: dict[str, str] = {}
    for name, value in conflict.params:
        stem, number = numbered(name)
        if stem in NAMED_PARAMS and number:
            params[f"{stem}{renumbered[number]}"] = value
        else:
            params[name] = value
    return params

"""What each participant of a visit needs, as hosts, caterers and hotels read it: every participant on a
session, whether or not they have answered (a host lays a table for everyone expected).

participation.totals counts the attending for the coordinators; this reads the same two kinds of
ParticipantNeeds rows (the participant's own statement for the visit wins; the coordinators' notes on the
membership count where they said nothing) and keeps the words, which a caterer needs.
"""

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.utils.translation import gettext

from participation.models import Diet, ParticipantNeeds
from visits.fields import language_name
from visits.models import Visit


@dataclass(frozen=True, slots=True)
class PersonNeeds:
    diets: tuple[str, ...] = ()  # Diet values, "none" left out
    diet_note: str = ""
    wheelchair: bool = False
    accessibility_note: str = ""
    interpreting: str = ""  # language code


def needs_of(visit: Visit) -> dict[int, PersonNeeds]:
    """Person id → needs, for everyone of the visit who has any. Two queries."""
    notes: dict[int, tuple[str, str]] = {}
    if visit.delegation_id is not None:
        notes = {
            person: (diet, access)
            for person, diet, access in ParticipantNeeds.objects.filter(
                member__delegation_id=visit.delegation_id
            ).values_list("member__person_id", "dietary_note", "accessibility_note")
        }
    stated = {row.person_id: row for row in ParticipantNeeds.objects.filter(visit_id=visit.pk)}
    found: dict[int, PersonNeeds] = {}
    for person in set(notes) | {pk for pk in stated if pk is not None}:
        own = stated.get(person)
        diet_note, access_note = notes.get(person, ("", ""))
        diets = tuple(d for d in (own.dietary if own else []) if d != Diet.NONE)
        needs = PersonNeeds(
            diets=diets,
            diet_note=(own.dietary_note.strip() if own and own.dietary_note.strip() else "")
            or ("" if own and own.dietary else diet_note.strip()),
            wheelchair=bool(own and own.wheelchair),
            accessibility_note=(own.accessibility_note.strip() if own else "")
            or ("" if own and own.wheelchair else access_note.strip()),
            interpreting=own.interpreting_language if own else "",
        )
        if needs != PersonNeeds():
            found[person] = needs
    return found


def diets_text(people: Iterable[int], needs: Mapping[int, PersonNeeds]) -> str:
    """ "Vegetarian (2), Lactose-free (1); notes: no beef" in the active language; empty for none."""
    labels = dict(Diet.choices)
    counted: Counter[str] = Counter()
    notes: list[str] = []
    for person in people:
        found = needs.get(person)
        if found is None:
            continue
        counted.update(found.diets)
        if found.diet_note:
            notes.append(found.diet_note)
    parts = [f"{labels[d]} ({n})" for d, n in sorted(counted.items()) if d in labels]
    text = ", ".join(str(part) for part in parts)
    if notes:
        text = "; ".join(
            [t for t in [text] if t] + [gettext("notes: %(notes)s") % {"notes": "; ".join(notes)}]
        )
    return text


def access_text(people: Iterable[int], needs: Mapping[int, PersonNeeds]) -> str:
    wheelchairs, notes = 0, []
    for person in people:
        found = needs.get(person)
        if found is None:
            continue
        wheelchairs += found.wheelchair
        if found.accessibility_note:
            notes.append(found.accessibility_note)
    parts = []
    if wheelchairs:
        parts.append(gettext("wheelchair users: %(count)d") % {"count": wheelchairs})
    parts += notes
    return "; ".join(parts)


def interpreting_text(people: Iterable[int], needs: Mapping[int, PersonNeeds]) -> str:
    counted = Counter(needs[p].interpreting for p in people if p in needs and needs[p].interpreting)
    return ", ".join(f"{language_name(code)} ({n})" for code, n in sorted(counted.items()))

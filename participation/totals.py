"""Totals per session for the coordinators: who attends, what they eat, what they need.

"12 meals (2 vegetarian, 1 gluten-free); 1 wheelchair user; interpreting: Latvian (2); 1 not attending;
3 not answered". Only the people on the session count, and of them only those attending count towards meals
and needs; those who have not answered are shown as such, never guessed.

A participant's own statement (their programme page) is what counts. Where they have said nothing on a
matter, what the coordinators typed on their delegation membership counts as a note ("1 with a note on
diet"): free text is never sorted into a diet, but it is never left out either. Both are ParticipantNeeds
rows: the participant's of the visit, the coordinators' of the membership.

The pure part (`count_session`, `summarise`) works on plain values; `session_totals` reads a visit in five
queries at most.
"""

from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

from django.utils.translation import get_language_info, gettext, ngettext, ngettext_lazy

from participation.models import Diet, ParticipantAnswer, ParticipantNeeds
from visits.models import Session, Visit

DIET_COUNTS = {
    Diet.VEGETARIAN: ngettext_lazy("%(count)d vegetarian", "%(count)d vegetarian", "count"),
    Diet.VEGAN: ngettext_lazy("%(count)d vegan", "%(count)d vegan", "count"),
    Diet.HALAL: ngettext_lazy("%(count)d halal", "%(count)d halal", "count"),
    Diet.KOSHER: ngettext_lazy("%(count)d kosher", "%(count)d kosher", "count"),
    Diet.GLUTEN_FREE: ngettext_lazy("%(count)d gluten-free", "%(count)d gluten-free", "count"),
    Diet.LACTOSE_FREE: ngettext_lazy("%(count)d lactose-free", "%(count)d lactose-free", "count"),
    Diet.OTHER: ngettext_lazy("%(count)d other diet", "%(count)d other diets", "count"),
}


@dataclass(frozen=True, slots=True)
class NeedsFacts:
    """What the totals read of a person's needs for the visit."""

    dietary: tuple[str, ...] = ()
    diet_note: bool = False  # a note on diet that is not one of the Diet choices
    wheelchair: bool = False
    accessibility_note: bool = False
    interpreting_language: str = ""


def needs_facts(
    *,
    stated: NeedsFacts | None,
    member_dietary: str = "",
    member_accessibility: str = "",
) -> NeedsFacts | None:
    """A person's needs: what they stated, with the coordinators' notes on their membership for what they
    left unsaid."""
    base = stated or NeedsFacts()
    diet_note = base.diet_note or (not base.dietary and bool(member_dietary.strip()))
    access_note = base.accessibility_note or (not base.wheelchair and bool(member_accessibility.strip()))
    if stated is None and not diet_note and not access_note:
        return None
    return NeedsFacts(
        dietary=base.dietary,
        diet_note=diet_note,
        wheelchair=base.wheelchair,
        accessibility_note=access_note,
        interpreting_language=base.interpreting_language,
    )


@dataclass(frozen=True)
class SessionTotals:
    session_id: int
    is_meal: bool
    on_session: int
    attending: int
    not_attending: int
    not_answered: int
    # Among those attending. Diets are counted for meals only; a person may count in two diets.
    diets: dict[str, int] = field(default_factory=dict)
    diet_notes: int = 0
    wheelchair: int = 0
    accessibility_notes: int = 0
    interpreting: dict[str, int] = field(default_factory=dict)  # language code → people

    @property
    def summary(self) -> str:
        return summarise(self)


def count_session(
    session_id: int,
    *,
    is_meal: bool,
    language: str,
    people: Collection[int],
    answers: Mapping[int, str],
    needs: Mapping[int, NeedsFacts],
) -> SessionTotals:
    """The totals of one session from the people on it, their answers (person → answer) and their needs.

    Interpreting into the session's own language is not needed, so it is not counted."""
    attending = [p for p in people if answers.get(p) == ParticipantAnswer.Answer.ATTENDING]
    not_attending = sum(1 for p in people if answers.get(p) == ParticipantAnswer.Answer.NOT_ATTENDING)
    stated = [needs[p] for p in attending if p in needs]
    diets: Counter[str] = Counter()
    if is_meal:
        diets.update(d for n in stated for d in n.dietary if d != Diet.NONE)
    interpreting = Counter(
        n.interpreting_language
        for n in stated
        if n.interpreting_language and n.interpreting_language != language
    )
    return SessionTotals(
        session_id=session_id,
        is_meal=is_meal,
        on_session=len(people),
        attending=len(attending),
        not_attending=not_attending,
        not_answered=len(people) - len(attending) - not_attending,
        diets={d.value: diets[d.value] for d in Diet if diets[d.value]},
        diet_notes=sum(1 for n in stated if n.diet_note) if is_meal else 0,
        wheelchair=sum(1 for n in stated if n.wheelchair),
        accessibility_notes=sum(1 for n in stated if n.accessibility_note),
        interpreting=dict(sorted(interpreting.items(), key=lambda item: (-item[1], item[0]))),
    )


def language_label(code: str) -> str:
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code


def summarise(totals: SessionTotals) -> str:
    """The totals in one line, in the active language."""
    if not totals.on_session:
        return gettext("Nobody is on this session as a participant.")
    count = totals.attending
    if totals.is_meal:
        head = ngettext("%(count)d meal", "%(count)d meals", count) % {"count": count}
        diets = [str(DIET_COUNTS[Diet(d)] % {"count": n}) for d, n in totals.diets.items()]
        if totals.diet_notes:
            diets.append(
                ngettext("%(count)d with a note on diet", "%(count)d with notes on diet", totals.diet_notes)
                % {"count": totals.diet_notes}
            )
        if diets:
            head = f"{head} ({', '.join(diets)})"
    else:
        head = ngettext("%(count)d attending", "%(count)d attending", count) % {"count": count}
    parts = [head]
    if totals.wheelchair:
        parts.append(
            ngettext("%(count)d wheelchair user", "%(count)d wheelchair users", totals.wheelchair)
            % {"count": totals.wheelchair}
        )
    if totals.accessibility_notes:
        parts.append(
            ngettext(
                "%(count)d note on accessibility",
                "%(count)d notes on accessibility",
                totals.accessibility_notes,
            )
            % {"count": totals.accessibility_notes}
        )
    if totals.interpreting:
        languages = ", ".join(f"{language_label(code)} ({n})" for code, n in totals.interpreting.items())
        parts.append(gettext("interpreting: %(languages)s") % {"languages": languages})
    if totals.not_attending:
        parts.append(
            ngettext("%(count)d not attending", "%(count)d not attending", totals.not_attending)
            % {"count": totals.not_attending}
        )
    if totals.not_answered:
        parts.append(
            ngettext("%(count)d not answered", "%(count)d not answered", totals.not_answered)
            % {"count": totals.not_answered}
        )
    return "; ".join(parts)


def session_totals(visit: Visit, sessions: Iterable[Session] | None = None) -> dict[int, SessionTotals]:
    """Session id → its totals, for every session of the visit or the ones given (of this visit).

    Five queries at most, whatever the number of sessions and people."""
    rows = list(sessions) if sessions is not None else list(Session.objects.filter(visit_id=visit.pk))
    if not rows:
        return {}
    ids = [session.pk for session in rows]
    members: dict[int, tuple[str, str]] = {}  # person → the coordinators' notes on diet and on access
    if visit.delegation_id is not None:
        members = {
            person_id: (dietary, accessibility)
            for person_id, dietary, accessibility in ParticipantNeeds.objects.filter(
                member__delegation_id=visit.delegation_id
            ).values_list("member__person_id", "dietary_note", "accessibility_note")
        }
    people = {pk: roster.participants for pk, roster in Session.objects.rosters(rows).items()}
    answers: dict[int, dict[int, str]] = {}
    stated: dict[int, NeedsFacts] = {}
    if any(people.values()):
        for session_id, person_id, answer in ParticipantAnswer.objects.filter(session_id__in=ids).values_list(
            "session_id", "person_id", "answer"
        ):
            answers.setdefault(session_id, {})[person_id] = answer
        for person_id, dietary, diet_note, wheelchair, note, language in ParticipantNeeds.objects.filter(
            visit_id=visit.pk
        ).values_list(
            "person_id",
            "dietary",
            "dietary_note",
            "wheelchair",
            "accessibility_note",
            "interpreting_language",
        ):
            stated[person_id] = NeedsFacts(
                dietary=tuple(dietary or ()),
                # A note beside "Other" is that diet, counted as such; beside anything else, it is a note.
                diet_note=bool(diet_note.strip()) and Diet.OTHER not in (dietary or ()),
                wheelchair=wheelchair,
                accessibility_note=bool(note.strip()),
                interpreting_language=language,
            )
    needs: dict[int, NeedsFacts] = {}
    for person_id in set(stated) | set(members):
        notes = members.get(person_id, ("", ""))
        facts = needs_facts(
            stated=stated.get(person_id), member_dietary=notes[0], member_accessibility=notes[1]
        )
        if facts is not None:
            needs[person_id] = facts
    return {
        session.pk: count_session(
            session.pk,
            is_meal=session.kind == Session.Kind.MEAL,
            language=session.language,
            people=people[session.pk],
            answers=answers.get(session.pk, {}),
            needs=needs,
        )
        for session in rows
    }

"""Conflict lists a person can read: per-person clashes of the same sessions are one line, fatal first,
each conflict once; languages by name and numbers as the reader's language writes them."""

import datetime as dt

from scheduling.conflict_groups import group_conflicts, groups_by_session
from scheduling.conflicts import Context, Rules, Slot, find_conflicts, language
from tests.factories import stockholm

DELEGATES = frozenset(range(1, 13))  # twelve members of the delegation
EXPERT = 99


def slot(ident, start, end, people=frozenset(), **kwargs):
    return Slot(
        id=ident,
        title=f"Session {ident}",
        start=start,
        end=end,
        visit_id=kwargs.pop("visit_id", 1),
        venue_id=kwargs.pop("venue_id", ident),
        venue_name=f"Venue {ident}",
        participants=people,
        delegation_id=7,
        delegation_name="Moldovan prosecutors",
        **kwargs,
    )


def overlapping(people=DELEGATES, experts=frozenset()):
    first = slot(1, stockholm(2027, 3, 23, 9), stockholm(2027, 3, 23, 11, 30), DELEGATES, experts=experts)
    second = slot(2, stockholm(2027, 3, 23, 10), stockholm(2027, 3, 23, 11), people, experts=experts)
    names = {**{p: f"Delegate {p}" for p in DELEGATES}, EXPERT: "Eva Lind"}
    return find_conflicts([first, second], Context(people=names))


def test_a_whole_delegation_in_two_sessions_at_once_is_one_line():
    conflicts = overlapping()
    assert len(conflicts) == 12  # one per delegate underneath: what publishing counts
    (line,) = group_conflicts(conflicts, delegation=DELEGATES)
    assert line.is_fatal
    assert sorted(line.keys) == sorted(c.key for c in conflicts)
    assert line.message("en").startswith(
        "The whole delegation (12) is in two sessions at once: “Session 1” (2027-03-23 09:00–11:30"
    )
    assert "“Session 2”" in line.message("en")


def test_some_of_the_delegation_is_counted_and_an_expert_named():
    conflicts = overlapping(people=frozenset({1, 2, 3, 4}), experts=frozenset({EXPERT}))
    (line,) = group_conflicts(conflicts, delegation=DELEGATES)
    assert len(line.members) == 5
    assert line.message("en").startswith(
        "4 of the delegation's 12 members and Eva Lind are in two sessions at once:"
    )
    assert line.message("sv").startswith(
        "4 av delegationens 12 medlemmar och Eva Lind är med i två programpunkter samtidigt:"
    )


def test_one_delegate_keeps_a_line_of_their_own_by_name():
    conflicts = overlapping(people=frozenset({5}))
    (line,) = group_conflicts(conflicts, delegation=DELEGATES)
    assert line.message("en").startswith("Delegate 5 is in two sessions at once:")


def test_the_swedish_line_of_a_whole_delegation():
    (line,) = group_conflicts(overlapping(), delegation=DELEGATES)
    assert line.message("sv").startswith("Hela delegationen (12) är med i två programpunkter samtidigt:")


def test_a_masked_clash_of_the_whole_delegation_says_only_busy():
    own = slot(1, stockholm(2027, 3, 23, 9), stockholm(2027, 3, 23, 11), DELEGATES)
    hidden = slot(2, stockholm(2027, 3, 23, 10), stockholm(2027, 3, 23, 12), DELEGATES, visit_id=2)
    seen = [c.seen_by({1}) for c in find_conflicts([own, hidden])]
    (line,) = group_conflicts(seen, delegation=DELEGATES)
    message = line.message("en")
    assert message.startswith("“Session 1” (")
    assert message.endswith("the whole delegation (12) is busy then (another visit).")
    assert "Session 2" not in message and "12:00" not in message
    assert line.message("sv").endswith("hela delegationen (12) är upptagen då (ett annat besök).")
    some = [c for c in seen if c.subject not in {"person:1", "person:2"}]
    (line,) = group_conflicts(some, delegation=DELEGATES)
    assert line.message("en").endswith("10 of the delegation's 12 members are busy then (another visit).")
    assert line.message("sv").endswith("10 av delegationens 12 medlemmar är upptagna då (ett annat besök).")


def test_fatal_lines_come_first_then_warnings_each_by_its_first_session():
    late = slot(3, stockholm(2027, 3, 27, 9), stockholm(2027, 3, 27, 10))  # a Saturday: a warning
    early = slot(
        4, stockholm(2027, 3, 22, 9), stockholm(2027, 3, 22, 10), interpreter_needed=True, language="ro"
    )
    first = slot(1, stockholm(2027, 3, 24, 9), stockholm(2027, 3, 24, 11), DELEGATES)
    second = slot(2, stockholm(2027, 3, 24, 10), stockholm(2027, 3, 24, 12), DELEGATES)
    slots = [late, early, first, second]
    starts = {s.id: s.start for s in slots}
    lines = group_conflicts(find_conflicts(slots), delegation=DELEGATES, starts=starts)
    assert [(line.is_fatal, line.sessions) for line in lines] == [
        (True, (1, 2)),
        (False, (4,)),
        (False, (3,)),
    ]
    # Each conflict in exactly one line; a line of two sessions is in both sessions' lists.
    assert sum(len(line.members) for line in lines) == len(find_conflicts(slots))
    by_session = groups_by_session(lines)
    assert by_session[1] == by_session[2] == [lines[0]]


def test_languages_are_named_in_the_readers_language_never_by_code():
    session = slot(
        1, stockholm(2027, 3, 23, 9), stockholm(2027, 3, 23, 10), interpreter_needed=True, language="ro"
    )
    (conflict,) = language(session, Context())
    assert "into Romanian" in conflict.message("en")
    assert "till rumänska" in conflict.message("sv")
    assert " ro" not in conflict.message("sv")
    spoken = slot(
        2,
        stockholm(2027, 3, 23, 9),
        stockholm(2027, 3, 23, 10),
        language="ro",
        delegation_languages=frozenset({"ru", "en"}),
    )
    (conflict,) = language(spoken, Context())
    assert "held in Romanian" in conflict.message("en")
    assert "(English, Russian)" in conflict.message("en")
    assert "rumänska" in conflict.message("sv") and "(engelska, ryska)" in conflict.message("sv")


def test_numbers_are_written_as_the_readers_language_writes_them():
    start = stockholm(2027, 3, 23, 7)
    long_day = [
        slot(1, start, start + dt.timedelta(hours=6), DELEGATES, kind="meal"),
        slot(2, start + dt.timedelta(hours=6), start + dt.timedelta(hours=12, minutes=30), DELEGATES),
    ]
    day = next(
        c
        for c in find_conflicts(long_day, Context(rules=Rules(max_day_hours=10.5)))
        if c.kind == "day_too_long"
    )
    assert "a 12.5-hour day" in day.message("en") and "the limit is 10.5 hours" in day.message("en")
    assert "12,5" in day.message("sv") and "10,5" in day.message("sv")
    assert "12.5" not in day.message("sv")
    assert "en dag på 12,5 timmar" in day.message("sv")


def test_whole_numbers_are_written_without_decimals():
    from scheduling.conflict_messages import number

    assert number("12.0") == "12" and number("7") == "7" and number("rooms") == "rooms"

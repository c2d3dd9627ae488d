"""Masking a conflict for a reader (`Conflict.seen_by`), pure: what a clash with a hidden session keeps."""

from scheduling.conflicts import ConflictKind, Context, Rules, find_conflicts
from tests.scheduling.slots import at, slot

EVA = 7
CONTEXT = Context(people={EVA: "Eva Norrman"}, rules=Rules(other_city_travel_minutes=180))


def test_a_double_booking_with_a_hidden_session_names_only_the_readers_own():
    ours = slot(at(23, 9), at(23, 10, 30), title="Ours", visit_id=1, experts={EVA})
    theirs = slot(at(23, 9, 40), at(23, 11, 5), title="Theirs", visit_id=2, experts={EVA}, venue_id=2)
    [found] = find_conflicts([ours, theirs], CONTEXT)
    seen = found.seen_by({1})
    assert seen.masked and not found.masked
    assert seen.sessions == (ours.id,) and seen.key == f"person_double_booked:person:{EVA}:{ours.id},~"
    assert "Theirs" not in seen.message() and "09:40" not in seen.message()
    assert "Eva Norrman is busy then (another visit)" in seen.message() and "“Ours”" in seen.message()
    assert seen.seen_by({1}) == seen  # masking again changes nothing
    assert found.seen_by({1, 2}) is found  # who may see both reads it all
    assert found.seen_by({2}).key == f"person_double_booked:person:{EVA}:{theirs.id},~"


def test_a_journey_from_and_to_hidden_sessions_are_two_warnings_that_tell_no_minutes():
    before = slot(
        at(23, 8),
        at(23, 9),
        visit_id=2,
        experts={EVA},
        venue_id=2,
        city="Kiruna",
        venue_name="Kiruna Bunker",
        title="A",
    )
    ours = slot(at(23, 9, 20), at(23, 10), visit_id=1, experts={EVA}, title="Ours")
    after = slot(
        at(23, 10, 20),
        at(23, 11),
        visit_id=2,
        experts={EVA},
        venue_id=2,
        city="Kiruna",
        venue_name="Kiruna Bunker",
        title="B",
    )
    seen = [c.seen_by({1}) for c in find_conflicts([before, ours, after], CONTEXT)]
    travel = [c for c in seen if c.kind is ConflictKind.TRAVEL_TIME]
    assert [c.key.rsplit(":", 1)[1] for c in travel] == [f"~,{ours.id}", f"{ours.id},~"]
    words = [c.message() for c in travel]
    assert "busy elsewhere before it" in words[0] and "busy elsewhere after it" in words[1]
    assert not [w for w in words if "minutes" in w or "Kiruna" in w or "08:" in w or "11:00" in w]

"""The sweep finds exactly the double bookings that a naive all-pairs check finds, on random programmes."""

import datetime as dt
from itertools import combinations

from hypothesis import given, settings
from hypothesis import strategies as st

from scheduling.conflicts import ConflictKind, Context, find_conflicts
from tests.scheduling.slots import slot

BASE = dt.datetime(2027, 3, 22, 6, 0, tzinfo=dt.UTC)


@st.composite
def programmes(draw):
    count = draw(st.integers(min_value=0, max_value=30))
    slots = []
    for ident in range(1, count + 1):
        start = BASE + dt.timedelta(minutes=15 * draw(st.integers(0, 60)))
        length = dt.timedelta(minutes=15 * draw(st.integers(1, 12)))
        slots.append(
            slot(
                start,
                start + length,
                id=ident,
                venue_id=draw(st.sampled_from([None, 1, 2, 3])),
                experts=draw(st.sets(st.integers(1, 5), max_size=2)),
                interpreters=draw(st.sets(st.integers(6, 7), max_size=1)),
                participants=draw(st.sets(st.integers(3, 9), max_size=3)),
            )
        )
    return slots


def naive_double_bookings(slots):
    found = set()
    for a, b in combinations(slots, 2):
        if not (a.start < b.end and b.start < a.end):
            continue
        pair = tuple(sorted((a.id, b.id)))
        if a.venue_id is not None and a.venue_id == b.venue_id:
            found.add((ConflictKind.VENUE_DOUBLE_BOOKED, f"venue:{a.venue_id}", pair))
        for person in a.people & b.people:
            found.add((ConflictKind.PERSON_DOUBLE_BOOKED, f"person:{person}", pair))
    return found


@settings(max_examples=300, deadline=None)
@given(programmes())
def test_the_sweep_finds_exactly_what_all_pairs_finds(slots):
    fast = {
        (c.kind, c.subject, c.sessions)
        for c in find_conflicts(slots, Context())
        if c.kind in (ConflictKind.VENUE_DOUBLE_BOOKED, ConflictKind.PERSON_DOUBLE_BOOKED)
    }
    assert fast == naive_double_bookings(slots)

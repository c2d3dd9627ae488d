"""Each rule of the pure checker, with a case that triggers it and one that does not."""

import datetime as dt

from scheduling.availability import Calendar, DatedException, WeeklyHours
from scheduling.conflicts import ConflictKind, Context, Rules, Severity, conflicts_of, find_conflicts
from tests.scheduling.slots import STOCKHOLM, at, slot

ANNA = 5
CONTEXT = Context(people={ANNA: "Anna Berg", 6: "Omar Lind"})


def kinds(conflicts):
    return sorted(c.kind for c in conflicts)


class TestDoubleBookings:
    def test_an_expert_in_two_overlapping_sessions_of_different_visits_is_fatal(self):
        a = slot(at(23, 9), at(23, 10), experts={ANNA}, venue_id=1)
        b = slot(at(23, 9, 30), at(23, 11), experts={ANNA}, venue_id=2, visit_id=2)
        [found] = find_conflicts([a, b], CONTEXT)
        assert found.kind is ConflictKind.PERSON_DOUBLE_BOOKED
        assert found.severity is Severity.FATAL
        assert "Anna Berg" in found.message() and a.title in found.message() and b.title in found.message()

    def test_back_to_back_sessions_do_not_clash(self):
        a = slot(at(23, 9), at(23, 10), experts={ANNA})
        b = slot(at(23, 10), at(23, 11), experts={ANNA})
        assert find_conflicts([a, b], CONTEXT) == []

    def test_a_participant_who_is_also_an_expert_elsewhere_clashes(self):
        a = slot(at(23, 9), at(23, 10), participants={ANNA}, venue_id=1)
        b = slot(at(23, 9), at(23, 10), experts={ANNA}, venue_id=2)
        assert kinds(find_conflicts([a, b], CONTEXT)) == [ConflictKind.PERSON_DOUBLE_BOOKED]

    def test_an_interpreter_in_two_places_clashes(self):
        a = slot(at(23, 9), at(23, 10), interpreters={6}, venue_id=1)
        b = slot(at(23, 9, 59), at(23, 10, 30), interpreters={6}, venue_id=2)
        assert kinds(find_conflicts([a, b], CONTEXT)) == [ConflictKind.PERSON_DOUBLE_BOOKED]

    def test_a_venue_booked_twice_is_fatal_and_named(self):
        a = slot(at(23, 9), at(23, 10), venue_id=3, venue_name="Rådhuset")
        b = slot(at(23, 9), at(23, 10), venue_id=3, venue_name="Rådhuset")
        [found] = find_conflicts([a, b], CONTEXT)
        assert found.kind is ConflictKind.VENUE_DOUBLE_BOOKED and "Rådhuset" in found.message()

    def test_different_venues_at_the_same_time_with_different_people_do_not_clash(self):
        a = slot(at(23, 9), at(23, 10), venue_id=3, experts={ANNA})
        b = slot(at(23, 9), at(23, 10), venue_id=4, experts={6})
        assert find_conflicts([a, b], CONTEXT) == []

    def test_the_message_is_in_swedish_when_asked(self):
        a = slot(at(23, 9), at(23, 10), experts={ANNA}, venue_id=1)
        b = slot(at(23, 9), at(23, 10), experts={ANNA}, venue_id=2)
        [found] = find_conflicts([a, b], CONTEXT)
        assert "Anna Berg är med i två programpunkter samtidigt" in found.message("sv")


class TestDaylightSaving:
    def test_a_session_across_the_spring_switch_has_its_true_length_and_clashes_correctly(self):
        # 01:30-03:30 local on 2027-03-28 is one real hour: 00:30-01:30 UTC.
        night = slot(at(28, 1, 30), at(28, 3, 30), experts={ANNA}, venue_id=1)
        assert night.end - night.start == dt.timedelta(hours=1)
        # 03:00-03:20 local (summer time) is 01:00-01:20 UTC: inside the night session.
        clashing = slot(at(28, 3, 0), at(28, 3, 20), experts={ANNA}, venue_id=2)
        # 03:30 local is where the night session really ends: no clash.
        after = slot(at(28, 3, 30), at(28, 4, 30), experts={ANNA}, venue_id=1)
        found = find_conflicts([night, clashing, after], CONTEXT)
        doubles = {c.sessions for c in found if c.kind is ConflictKind.PERSON_DOUBLE_BOOKED}
        assert doubles == {tuple(sorted((night.id, clashing.id)))}


class TestVisitAndVenue:
    def test_a_session_outside_its_visits_dates_is_fatal(self):
        window = (at(22, 0), at(25, 0))
        assert kinds(find_conflicts([slot(at(25, 9), at(25, 10), window=window)])) == [
            ConflictKind.OUTSIDE_VISIT_DATES
        ]
        assert find_conflicts([slot(at(24, 9), at(24, 10), window=window)]) == []

    def test_more_people_than_the_venue_holds_is_fatal(self):
        full = slot(at(23, 9), at(23, 10), capacity=2, participants={1, 2}, experts={3})
        [found] = find_conflicts([full])
        assert found.kind is ConflictKind.OVER_CAPACITY and found.is_fatal
        assert "3" in found.message() and "2" in found.message()
        assert (
            find_conflicts([slot(at(23, 9), at(23, 10), capacity=3, participants={1, 2}, experts={3})]) == []
        )


class TestAvailability:
    def test_outside_an_experts_weekly_hours_is_a_warning(self):
        hours = Calendar("Europe/Stockholm", (WeeklyHours(1, dt.time(9), dt.time(12)),))  # Tuesdays 9-12
        context = Context(people={ANNA: "Anna Berg"}, expert_calendars={ANNA: hours})
        late = slot(at(23, 11), at(23, 13), experts={ANNA})
        [found] = find_conflicts([late], context)
        assert found.kind is ConflictKind.OUTSIDE_EXPERT_AVAILABILITY and not found.is_fatal
        assert find_conflicts([slot(at(23, 9), at(23, 12), experts={ANNA})], context) == []

    def test_an_expert_away_for_some_days_is_unavailable_then(self):
        away = Calendar(
            "Europe/Stockholm",
            exceptions=(DatedException(dt.date(2027, 3, 23), dt.date(2027, 3, 24), False),),
        )
        context = Context(expert_calendars={ANNA: away})
        assert kinds(find_conflicts([slot(at(24, 9), at(24, 10), experts={ANNA})], context)) == [
            ConflictKind.OUTSIDE_EXPERT_AVAILABILITY
        ]
        assert find_conflicts([slot(at(25, 9), at(25, 10), experts={ANNA})], context) == []

    def test_mornings_only_replaces_the_weekly_hours(self):
        mornings = Calendar(
            "Europe/Stockholm",
            (WeeklyHours(1, dt.time(13), dt.time(17)),),
            (DatedException(dt.date(2027, 3, 23), dt.date(2027, 3, 23), True, dt.time(8), dt.time(12)),),
        )
        context = Context(expert_calendars={ANNA: mornings})
        assert find_conflicts([slot(at(23, 9), at(23, 11), experts={ANNA})], context) == []
        assert len(find_conflicts([slot(at(23, 14), at(23, 15), experts={ANNA})], context)) == 1

    def test_availability_is_read_in_the_experts_own_zone(self):
        # Weekly hours 9-17 in Kathmandu (UTC+5:45); 09:00 Stockholm is 13:45 Kathmandu: available.
        hours = Calendar("Asia/Kathmandu", tuple(WeeklyHours(d, dt.time(9), dt.time(17)) for d in range(5)))
        context = Context(expert_calendars={ANNA: hours})
        assert find_conflicts([slot(at(23, 9), at(23, 10), experts={ANNA})], context) == []
        assert len(find_conflicts([slot(at(23, 14), at(23, 15), experts={ANNA})], context)) == 1

    def test_outside_a_venues_opening_hours_is_a_warning(self):
        opening = Calendar(
            "Europe/Stockholm", tuple(WeeklyHours(d, dt.time(8), dt.time(17)) for d in range(5))
        )
        context = Context(venue_calendars={1: opening})
        assert kinds(find_conflicts([slot(at(23, 16), at(23, 18))], context)) == [
            ConflictKind.OUTSIDE_OPENING_HOURS
        ]
        assert find_conflicts([slot(at(23, 8), at(23, 17))], context) == []


class TestDaysOff:
    def test_a_public_holiday_is_a_warning_naming_it(self):
        context = Context(holidays={"SE": {dt.date(2027, 3, 26): "Långfredagen"}})
        [found] = find_conflicts([slot(at(26, 9), at(26, 10))], context)
        assert found.kind is ConflictKind.HOLIDAY and "Långfredagen" in found.message()

    def test_a_weekend_is_a_warning_and_a_weekday_is_not(self):
        assert kinds(find_conflicts([slot(at(27, 9), at(27, 10))])) == [ConflictKind.WEEKEND]
        assert find_conflicts([slot(at(25, 9), at(25, 10))]) == []

    def test_holidays_follow_the_visits_country(self):
        context = Context(holidays={"NP": {dt.date(2027, 3, 23): "Holi"}})
        assert find_conflicts([slot(at(23, 9), at(23, 10), country="SE")], context) == []
        assert len(find_conflicts([slot(at(23, 9), at(23, 10), country="NP")], context)) == 1


class TestTravel:
    def test_too_little_time_between_venues_for_a_delegation(self):
        context = Context(venue_travel={(1, 2): 30})
        a = slot(at(23, 9), at(23, 10), venue_id=1, delegation_id=7, delegation_name="Riga", participants={1})
        b = slot(
            at(23, 10, 15), at(23, 11), venue_id=2, delegation_id=7, delegation_name="Riga", participants={1}
        )
        [found] = find_conflicts([a, b], context)
        assert found.kind is ConflictKind.TRAVEL_TIME
        assert (
            "15 minutes" in found.message() and "30 minutes" in found.message() and "Riga" in found.message()
        )

    def test_enough_time_or_the_same_venue_is_fine(self):
        context = Context(venue_travel={(1, 2): 30})
        a = slot(at(23, 9), at(23, 10), venue_id=1, delegation_id=7, participants={1})
        b = slot(at(23, 10, 30), at(23, 11), venue_id=2, delegation_id=7, participants={1})
        c = slot(at(23, 11), at(23, 12), venue_id=2, delegation_id=7, participants={1})
        assert find_conflicts([a, b, c], context) == []

    def test_city_pairs_and_defaults_apply_where_no_venue_pair_is_set(self):
        rules = Rules(same_city_travel_minutes=20, other_city_travel_minutes=180)
        gothenburg = {"venue_id": 2, "city": "Göteborg"}
        a = slot(at(23, 9), at(23, 10), venue_id=1, experts={ANNA})
        b = slot(at(23, 12), at(23, 13), experts={ANNA}, **gothenburg)
        assert kinds(find_conflicts([a, b], Context(rules=rules))) == [ConflictKind.TRAVEL_TIME]
        assert find_conflicts([a, b], Context(rules=rules, city_travel={("Göteborg", "Stockholm"): 90})) == []
        near = slot(at(23, 10, 20), at(23, 11), venue_id=3, experts={ANNA})
        assert find_conflicts([a, near], Context(rules=rules)) == []


class TestLanguage:
    def test_a_language_the_delegation_does_not_speak_without_interpreter(self):
        lost = slot(
            at(23, 9), at(23, 10), language="sv", delegation_languages={"lv", "en"}, delegation_name="Riga"
        )
        [found] = find_conflicts([lost])
        assert found.kind is ConflictKind.LANGUAGE_WITHOUT_INTERPRETER and "Riga" in found.message()
        with_interpreter = slot(
            at(23, 9), at(23, 10), language="sv", delegation_languages={"lv"}, interpreters={9}
        )
        spoken = slot(at(23, 11), at(23, 12), language="en", delegation_languages={"lv", "en"})
        assert find_conflicts([with_interpreter, spoken]) == []

    def test_interpretation_needed_but_not_booked(self):
        needed = slot(at(23, 9), at(23, 10), interpreter_needed=True, interpretation_language="lv")
        assert kinds(find_conflicts([needed])) == [ConflictKind.INTERPRETER_NOT_BOOKED]


class TestDelegationDays:
    def day(self, *spans, kind="meeting"):
        return [
            slot(
                at(23, h1, m1),
                at(23, h2, m2),
                delegation_id=7,
                delegation_name="Riga",
                participants={1},
                kind=kind,
                venue_id=1,
            )
            for (h1, m1, h2, m2) in spans
        ]

    def test_a_day_longer_than_the_limit(self):
        rules = Rules(max_day_hours=8)
        long_day = self.day((8, 0, 12, 0), (13, 0, 17, 30))
        assert ConflictKind.DAY_TOO_LONG in kinds(find_conflicts(long_day, Context(rules=rules)))
        assert ConflictKind.DAY_TOO_LONG not in kinds(
            find_conflicts(self.day((9, 0, 12, 0), (13, 0, 16, 0)), Context(rules=rules))
        )

    def test_more_sessions_than_the_limit(self):
        rules = Rules(max_sessions_per_day=3)
        full = self.day((9, 0, 10, 0), (10, 0, 11, 0), (13, 0, 14, 0), (14, 0, 15, 0))
        assert ConflictKind.TOO_MANY_SESSIONS in kinds(find_conflicts(full, Context(rules=rules)))
        assert ConflictKind.TOO_MANY_SESSIONS not in kinds(find_conflicts(full[:3], Context(rules=rules)))

    def test_no_meal_break_in_a_long_day(self):
        solid = self.day((9, 0, 11, 30), (11, 30, 13, 0), (13, 0, 15, 0))
        assert ConflictKind.NO_MEAL_BREAK in kinds(find_conflicts(solid))
        lunch = self.day((12, 0, 13, 0), kind="meal")
        assert ConflictKind.NO_MEAL_BREAK not in kinds(find_conflicts(solid[:1] + lunch + solid[2:]))
        gap = self.day((9, 0, 11, 30), (12, 30, 15, 0))
        assert ConflictKind.NO_MEAL_BREAK not in kinds(find_conflicts(gap))


def test_conflicts_of_one_session_only_reports_its_own():
    a = slot(at(23, 9), at(23, 10), experts={ANNA}, venue_id=1)
    b = slot(at(23, 9), at(23, 10), experts={ANNA}, venue_id=2)
    c = slot(at(23, 9), at(23, 10), experts={6}, venue_id=3)
    d = slot(at(23, 9), at(23, 10), experts={6}, venue_id=4)
    assert {x.sessions for x in conflicts_of(a.id, [a, b, c, d], CONTEXT)} == {tuple(sorted((a.id, b.id)))}


def test_every_conflict_kind_has_a_message_in_both_languages():
    from scheduling.conflict_messages import TEMPLATES

    assert set(TEMPLATES) == {k.value for k in ConflictKind}
    assert STOCKHOLM.key == "Europe/Stockholm"

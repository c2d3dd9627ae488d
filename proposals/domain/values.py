"""The values a proposal is made from and made of. Times are aware; people and venues are ids."""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from scheduling.conflicts import Context


@dataclass(frozen=True, slots=True)
class Wanted:
    """One session the programme needs, or one already fixed (`fixed_start`: an appointment, a confirmed or a
    pinned session), which the solver places around but never moves.

    `expert_options`: the expert, or one of these experts (exactly one is chosen; empty: no expert).
    `venue_options`: likewise for the venue. Earliest and latest bound the session in the visit's zone: it
    starts on or after `earliest_day` at `earliest_time` and ends by `latest_time` on or before `latest_day`.
    """

    key: str  # stable: "w3" for a wanted row, "s17" for a stored session
    title: str
    minutes: int
    kind: str = "meeting"
    expert_options: tuple[int, ...] = ()
    venue_options: tuple[int, ...] = ()
    interpreters: frozenset[int] = frozenset()
    participants: frozenset[int] = frozenset()
    also_leading: frozenset[int] = frozenset()  # a stored session's further experts, beside the option chosen
    language: str = ""
    interpreter_needed: bool = False
    earliest_day: dt.date | None = None
    latest_day: dt.date | None = None
    earliest_time: dt.time | None = None
    latest_time: dt.time | None = None
    preferred_time: dt.time | None = None
    fixed_start: dt.datetime | None = None
    session_id: int | None = None  # the stored session, for a fixed or confirmed one

    @property
    def fixed(self) -> bool:
        return self.fixed_start is not None


@dataclass(frozen=True, slots=True)
class Busy:
    """Time a person or a venue is taken by another visit: `resource` is "person:12" or "venue:3"."""

    resource: str
    start: dt.datetime
    end: dt.datetime
    session_id: int = 0
    visit_id: int = 0


@dataclass(frozen=True, slots=True)
class Venue:
    name: str
    city: str = ""
    capacity: int | None = None
    zone: str = "Europe/Stockholm"


@dataclass(frozen=True, slots=True)
class Weights:
    """What each soft term costs, per unit; settings hold them (PROPOSAL_WEIGHT_*), the score shows them."""

    holiday: int = 200  # per session on a public holiday
    weekend: int = 120  # per session on a weekend day
    language: int = 60  # per session in a language the delegation lacks, with no interpreter
    journeys: int = 30  # per journey between venues a day needs (venues visited beyond the first)
    balance: int = 1  # per minute between the fullest and the emptiest working day
    preferred: int = 1  # per minute away from a preferred time
    early: int = 30  # per session that starts before `Horizon.early_before`
    moved: int = 10000  # per session a repair moves (so that moving fewer comes first)


@dataclass(frozen=True, slots=True)
class Horizon:
    """Where sessions may go: the step between start times and the hours of a day considered."""

    step_minutes: int = 15
    day_from: dt.time = dt.time(7, 0)
    day_until: dt.time = dt.time(21, 0)
    early_before: dt.time = dt.time(9, 0)
    time_limit_seconds: float = 10.0
    workers: int = 2


@dataclass(frozen=True)
class Problem:
    visit_id: int
    zone: str
    first_day: dt.date
    last_day: dt.date
    wanted: tuple[Wanted, ...]
    order: tuple[tuple[str, str], ...] = ()  # (first, then): `then` starts after `first` ends
    busy: tuple[Busy, ...] = ()
    venues: Mapping[int, Venue] = field(default_factory=dict)
    context: Context = field(default_factory=Context)
    country: str = "SE"
    delegation_name: str = ""
    delegation_languages: frozenset[str] = frozenset()
    day_rules: bool = True  # the delegation's day rules (longest day, sessions a day, meal); none without one
    weights: Weights = field(default_factory=Weights)
    horizon: Horizon = field(default_factory=Horizon)
    previous: Mapping[str, "Placement"] = field(default_factory=dict)  # a repair keeps these where it can

    def wanted_by_key(self) -> dict[str, Wanted]:
        return {w.key: w for w in self.wanted}

    def days(self) -> list[dt.date]:
        count = (self.last_day - self.first_day).days + 1
        return [self.first_day + dt.timedelta(days=n) for n in range(count)]

    def person(self, person_id: int) -> str:
        return self.context.people.get(person_id, f"#{person_id}")

    def venue_name(self, venue_id: int | None) -> str:
        if venue_id is None:
            return ""
        venue = self.venues.get(venue_id)
        return venue.name if venue else f"#{venue_id}"


@dataclass(frozen=True, slots=True)
class Placement:
    key: str
    start: dt.datetime
    end: dt.datetime
    expert: int | None
    venue: int | None


class Status(StrEnum):
    OPTIMAL = "optimal"  # proven best
    FEASIBLE = "feasible"  # the best found in the time limit
    INFEASIBLE = "infeasible"  # proven impossible: see the reasons
    UNKNOWN = "unknown"  # no programme found in the time limit, nor a proof there is none


@dataclass(frozen=True, slots=True)
class ScoreLine:
    term: str
    amount: int  # in the term's unit (sessions, minutes, quarter hours)
    weight: int

    @property
    def points(self) -> int:
        return self.amount * self.weight


@dataclass(frozen=True, slots=True)
class Reason:
    """One constraint of the smallest set that cannot hold together, as a code and its named parameters."""

    code: str
    params: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Proposal:
    status: Status
    placements: tuple[Placement, ...] = ()
    score: tuple[ScoreLine, ...] = ()
    bound: int | None = None  # the best objective the solver could not rule out
    seconds: float = 0.0
    reasons: tuple[Reason, ...] = ()
    moved: tuple[str, ...] = ()  # a repair's moved sessions, by key

    @property
    def objective(self) -> int:
        return sum(line.points for line in self.score)

    @property
    def optimal(self) -> bool:
        return self.status is Status.OPTIMAL

    @property
    def found(self) -> bool:
        return self.status in (Status.OPTIMAL, Status.FEASIBLE)

    def by_key(self) -> dict[str, Placement]:
        return {p.key: p for p in self.placements}

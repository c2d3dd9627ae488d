"""The programme board: one column per day, each session a block placed by its start and sized by its length.

`lay_out` is pure (plain values in, positions out); `board_for` reads a visit's sessions and their conflicts
in a fixed number of queries, however many sessions there are. Blocks are placed on the visit's clock: a
session at a venue in another zone sits where it falls in the visit's day, and says its own time and zone.
"""

import datetime as dt
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from zoneinfo import ZoneInfo

from django.db.models import Prefetch
from django.utils import dateformat
from django.utils.translation import gettext

from scheduling.checks import visit_conflict_report
from scheduling.conflict_groups import ConflictGroup, groups_by_session
from scheduling.conflicts import Conflict
from scheduling.fixes import Line, lines_of
from visits.access import AnyUser
from visits.models import Session, SessionExpert, SessionInterpreter, Visit
from visits.timefmt import BOARD, format_span

# The hours a board shows at least; a session earlier or later widens them.
DAY_OPENS, DAY_CLOSES = 8, 18
MINUTES_PER_DAY = 24 * 60
# A minute's height on the board, in pixels; taller when a card would be lower than its badges (and the
# first line of its title) need: no card clips its badges. The widths are the narrowest a day's column is at
# desktop width, in the week and in the day view; a chip's width is a compact one's, a badge's a full one's.
MINUTE_PX = 1.1
CARD_FRAME_PX, LINE_PX, ROW_PX = 8, 16, 17
WEEK_COLUMN_PX, DAY_COLUMN_PX, CHIP_PX, BADGE_PX = 170, 600, 30, 95
# A card shorter than this, or sharing its day's width with others, shows its badges in their compact form.
COMPACT_BELOW_MINUTES = 75


@dataclass(frozen=True, slots=True)
class Placed:
    """A session on the visit's clock: minutes from midnight of its day."""

    key: int
    day: dt.date
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Position:
    top: int  # minutes from the board's first hour
    height: int  # minutes
    lane: int  # sessions that share time stand side by side: this one's place among them
    lanes: int


def place(starts_at: dt.datetime, ends_at: dt.datetime, zone: ZoneInfo, key: int) -> Placed:
    """Where a session falls on the visit's clock. One that runs past midnight is cut at the day's end."""
    start = starts_at.astimezone(zone)
    minute = start.hour * 60 + start.minute
    length = int((ends_at - starts_at).total_seconds() // 60)
    return Placed(key, start.date(), minute, min(minute + max(length, 1), MINUTES_PER_DAY))


def hour_range(placed: Sequence[Placed]) -> tuple[int, int]:
    """The first and the last hour the board shows: the working day, widened to hold every session."""
    first = min([DAY_OPENS, *(p.start // 60 for p in placed)])
    last = max([DAY_CLOSES, *(-(-p.end // 60) for p in placed)])
    return first, min(last, 24)


def overlap_clusters(items: Sequence[Placed]) -> Iterator[list[Placed]]:
    """Runs of sessions, sorted by start, in which each starts before the run so far has ended."""
    cluster: list[Placed] = []
    cluster_end = -1
    for item in items:
        if cluster and item.start >= cluster_end:
            yield cluster
            cluster, cluster_end = [], -1
        cluster.append(item)
        cluster_end = max(cluster_end, item.end)
    if cluster:
        yield cluster


def lanes_of(cluster: Sequence[Placed]) -> tuple[list[int], int]:
    """Each session's lane, the first one free when it starts, and how many lanes the cluster needs."""
    lane_ends: list[int] = []
    lanes: list[int] = []
    for item in cluster:
        lane = next((i for i, end in enumerate(lane_ends) if end <= item.start), len(lane_ends))
        if lane == len(lane_ends):
            lane_ends.append(item.end)
        else:
            lane_ends[lane] = item.end
        lanes.append(lane)
    return lanes, len(lane_ends)


def lay_out(placed: Sequence[Placed], first_hour: int) -> dict[int, Position]:
    """Each session's position in its day's column. Sessions that overlap share the width in lanes."""
    positions: dict[int, Position] = {}
    by_day: dict[dt.date, list[Placed]] = {}
    for item in placed:
        by_day.setdefault(item.day, []).append(item)
    for items in by_day.values():
        items.sort(key=lambda p: (p.start, p.end, p.key))
        for cluster in overlap_clusters(items):
            lanes, width = lanes_of(cluster)
            for item, lane in zip(cluster, lanes, strict=True):
                top = item.start - first_hour * 60
                positions[item.key] = Position(top=top, height=item.end - item.start, lane=lane, lanes=width)
    return positions


def days_of(visit: Visit, placed: Sequence[Placed]) -> list[dt.date]:
    """Every day of the visit, and any day before or after it that holds a session (an arrival dinner)."""
    first = min([visit.starts_on, *(p.day for p in placed)])
    last = max([visit.ends_on, *(p.day for p in placed)])
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


# --- What a block says --------------------------------------------------------------------------------------


def time_span(session: Session) -> str:
    """'09:00–10:30 (Europe/Stockholm)' in the session's own zone; the end's date only when it differs."""
    return format_span(session.starts_at, session.ends_at, session.zone, BOARD)


def card_time(session: Session, board_zone: ZoneInfo) -> str:
    """A card's time: '09:00–10:30' in the board's zone, which its header names once; a session at a venue
    in another zone says its own time and names its zone, '10:00–11:30 (Europe/Riga)'."""
    zone = session.zone
    return format_span(session.starts_at, session.ends_at, zone, BOARD, name_zone=zone.key != board_zone.key)


def card_needs_px(*, badges: int, lanes: int, compact: bool, column_px: int) -> int:
    """How tall a card must be for its rows of badges and its title's first line, in its lane's width."""
    inner = column_px // max(lanes, 1) - CARD_FRAME_PX - 12  # the left border and the padding
    per_row = max(1, inner // (CHIP_PX if compact else BADGE_PX))
    rows = -(-badges // per_row)
    return CARD_FRAME_PX + rows * ROW_PX + LINE_PX


def minute_px(needs: Iterable[tuple[int, int]]) -> float:
    """The board's height of a minute: the usual one, or taller so that every card, (minutes, pixels it
    needs), is as tall as its badges need."""
    return round(max([MINUTE_PX, *(px / minutes for minutes, px in needs if minutes > 0)]), 3)


def _people(
    experts: Sequence[SessionExpert], interpreters: Sequence[SessionInterpreter]
) -> list[SessionExpert | SessionInterpreter]:
    """The people who answer for a session: its experts and its interpreters."""
    return [*experts, *interpreters]


def answers_of(experts: Sequence[SessionExpert], interpreters: Sequence[SessionInterpreter] = ()) -> str:
    """'2/3 confirmed', the experts' answers and the interpreters' together; whoever passed the session to a
    colleague no longer counts."""
    counted = [p for p in _people(experts, interpreters) if p.response != SessionExpert.Response.PASSED]
    if not counted:
        return ""
    confirmed = sum(1 for p in counted if p.response == SessionExpert.Response.CONFIRMED)
    return gettext("%(confirmed)d/%(total)d confirmed") % {"confirmed": confirmed, "total": len(counted)}


@dataclass(frozen=True)
class Block:
    session: Session
    when: str
    position: Position
    answers: str
    declined: int
    fatal: int
    conflict_messages: list[str]
    experts: list[SessionExpert]
    # A short card, or one in a narrow lane of the week: counts as chips, the status as a mark.
    compact: bool = False
    proposing: bool = False  # an expert proposes another time (planner.needs_you): a badge of its own
    interpreters: list[SessionInterpreter] = field(
        default_factory=list
    )  # counted in the answers beside experts

    @property
    def conflicts(self) -> int:
        return len(self.conflict_messages)

    @property
    def warnings(self) -> int:
        return self.conflicts - self.fatal

    @property
    def length(self) -> int:
        """The session's length in minutes (for moving and resizing it on the board)."""
        return int((self.session.ends_at - self.session.starts_at).total_seconds() // 60)

    @property
    def badges(self) -> int:
        """How many badges the card shows: its status, and each count that is not zero."""
        counts = (self.fatal, self.warnings, self.declined)
        return 1 + sum(1 for n in counts if n) + bool(self.answers) + self.proposing

    @property
    def confirmed(self) -> int:
        return sum(
            1
            for p in _people(self.experts, self.interpreters)
            if p.response == SessionExpert.Response.CONFIRMED
        )

    @property
    def asked(self) -> int:
        return sum(
            1 for p in _people(self.experts, self.interpreters) if p.response != SessionExpert.Response.PASSED
        )


@dataclass(frozen=True, slots=True)
class Draft:
    """A session an open proposal (proposals.Proposal) would add, as plain values: not saved, not movable."""

    key: str  # the wanted session's key, "w12": what the proposal's accept and pin take
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    expert_name: str = ""
    venue_name: str = ""


@dataclass(frozen=True, slots=True)
class DraftCard:
    draft: Draft
    when: str
    position: Position


@dataclass(frozen=True)
class Day:
    date: dt.date
    label: str
    blocks: list[Block]
    drafts: list[DraftCard] = field(default_factory=list)


@dataclass(frozen=True)
class Board:
    days: list[Day]  # the days shown: every day of the week view, or the one day of the day view
    first_hour: int
    last_hour: int
    zone: str
    minute: float = MINUTE_PX  # pixels
    every_day: list[Day] = field(default_factory=list)  # for the tabs, shown or not
    day: dt.date | None = None  # the day view's day; None for the week
    # The visit's conflict list: each conflict once, grouped, fatal first (scheduling.conflict_groups).
    conflicts: list[Line] = field(default_factory=list)

    @property
    def hours(self) -> list[str]:
        return [f"{hour:02d}:00" for hour in range(self.first_hour, self.last_hour)]

    @property
    def minutes(self) -> int:
        return (self.last_hour - self.first_hour) * 60

    @property
    def blocks(self) -> list[Block]:
        return [block for day in self.days for block in day.blocks]

    @property
    def conflicted(self) -> list[Block]:
        return [block for block in self.blocks if block.conflicts]


def board_sessions(visit: Visit) -> list[Session]:
    """The visit's sessions, cancelled ones too, with what a block shows. Four queries."""
    sessions = list(
        Session.objects.filter(visit_id=visit.pk)
        .select_related("venue", "host_organisation")
        .prefetch_related(
            Prefetch("session_experts", queryset=SessionExpert.objects.select_related("person")),
            Prefetch(
                "session_interpreters",
                queryset=SessionInterpreter.objects.select_related("person").order_by("person__name"),
            ),
        )
        .order_by("starts_at", "id")
    )
    for session in sessions:
        session.visit = visit  # for its zone, without a query each
    return sessions


def build_board(
    visit: Visit,
    sessions: Sequence[Session],
    conflicts: Mapping[int, Sequence[Conflict | ConflictGroup]],
    language: str,
    *,
    day: dt.date | None = None,
    proposing: Collection[int] = frozenset(),
    drafts: Sequence[Draft] = (),
) -> Board:
    """The week, or with `day` that day alone (one wide column: no card there is narrow). `drafts`: an open
    proposal's sessions, laid out with the saved ones (they share lanes where they meet) under keys below
    zero, which no session has."""
    zone = visit.zone
    placed = [place(s.starts_at, s.ends_at, zone, s.pk) for s in sessions]
    draft_placed = [place(d.starts_at, d.ends_at, zone, -n) for n, d in enumerate(drafts, start=1)]
    first_hour, last_hour = hour_range([*placed, *draft_placed])
    positions = lay_out([*placed, *draft_placed], first_hour)
    dates = days_of(visit, [*placed, *draft_placed])
    if day not in dates:
        day = None  # not a day of this board: the week
    by_day: dict[dt.date, list[Block]] = {}
    for session, where in zip(sessions, placed, strict=True):
        experts = list(session.session_experts.all())
        interpreters = list(session.session_interpreters.all())
        found = conflicts.get(session.pk, [])
        position = positions[session.pk]
        by_day.setdefault(where.day, []).append(
            Block(
                session=session,
                when=card_time(session, zone),
                position=position,
                answers=answers_of(experts, interpreters),
                declined=sum(
                    1 for p in _people(experts, interpreters) if p.response == SessionExpert.Response.DECLINED
                ),
                fatal=sum(1 for c in found if c.is_fatal),
                conflict_messages=[c.message(language) for c in found],
                experts=experts,
                compact=position.height < COMPACT_BELOW_MINUTES or (day is None and position.lanes > 1),
                proposing=session.pk in proposing,
                interpreters=interpreters,
            )
        )
    drafts_by_day: dict[dt.date, list[DraftCard]] = {}
    for draft, where in zip(drafts, draft_placed, strict=True):
        when = format_span(draft.starts_at, draft.ends_at, zone, BOARD, name_zone=False)
        drafts_by_day.setdefault(where.day, []).append(DraftCard(draft, when, positions[where.key]))
    every_day = [
        Day(
            date=date,
            label=dateformat.format(date, "l j F"),
            blocks=by_day.get(date, []),
            drafts=drafts_by_day.get(date, []),
        )
        for date in dates
    ]
    shown = [d for d in every_day if d.date == day] if day is not None else every_day
    return Board(
        days=shown,
        first_hour=first_hour,
        last_hour=last_hour,
        zone=str(zone),
        minute=minute_px(
            (
                b.position.height,
                card_needs_px(
                    badges=b.badges,
                    lanes=b.position.lanes,
                    compact=b.compact,
                    column_px=DAY_COLUMN_PX if day is not None else WEEK_COLUMN_PX,
                ),
            )
            for d in shown
            for b in d.blocks
        ),
        every_day=every_day,
        day=day,
    )


def board_for(
    visit: Visit,
    language: str,
    *,
    reader: AnyUser,
    day: dt.date | None = None,
    proposing: Collection[int] = frozenset(),
    drafts: Sequence[Draft] = (),
) -> Board:
    """The visit's board as the reader may see it: a clash with another visit's session that the reader may
    not see says only "busy" (scheduling.checks). With `day`, that day's view (a day not on the board: the
    week). `proposing`: the sessions with a time proposed by an expert, whose cards carry a badge for it;
    `drafts`: an open proposal's sessions, drawn apart from the saved ones."""
    sessions = board_sessions(visit)
    report = visit_conflict_report(visit, reader=reader)
    groups = report.groups()
    board = build_board(
        visit, sessions, groups_by_session(groups), language, day=day, proposing=proposing, drafts=drafts
    )
    return replace(board, conflicts=lines_of(groups, visit.pk, language))

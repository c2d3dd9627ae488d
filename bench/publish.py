"""Publish: how long publishing a visit of 10,000 invitations holds the visit's row lock.

Each round builds a fresh visit of 40 sessions with 250 experts each (as bench/fanout.py does) and publishes
it with `programme_publish`: conflict check, version, change set, 10,000 invitation rows, each expert's
answer moved to invited and first reminder, their audit entries, and the personal tokens after the commit.
Delivery is not queued (`dispatch_on_commit` is replaced by a no-op): this measures the publish alone.
The lock is timed from the visit's `SELECT ... FOR UPDATE` to the commit that releases it
(bench.fanout.LockClock); the statements run while it is held are counted.

Run:  DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/publish.py
It works in a database of its own that it creates and drops: BENCH_DATABASE, or a unique name (never one that
exists already). PUBLISH_ROUNDS (default 3) rounds, PUBLISH_RECIPIENTS (default 250) experts per session;
PUBLISH_PROFILE=1 prints the cProfile of the last round's publish (top 40 by cumulative time) to stderr.
The script runs against whatever tree it sits in: copied into a checkout of older code (git worktree), it
measures that code in the same machine state. The last line is one JSON object.
"""

import cProfile
import io
import json
import os
import pstats
import statistics
import sys
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

import notifications.outbox  # noqa: E402
from bench.database import create_bench_database, drop_bench_database  # noqa: E402
from bench.fanout import SESSIONS, LockClock, build_visit  # noqa: E402
from notifications.models import OutboxMessage  # noqa: E402

ROUNDS = int(os.environ.get("PUBLISH_ROUNDS", "3"))
RECIPIENTS = int(os.environ.get("PUBLISH_RECIPIENTS", "250"))
PROFILE = os.environ.get("PUBLISH_PROFILE", "") not in ("", "0")


class Counter:
    """The statements run while the lock is held (after the visit's SELECT ... FOR UPDATE)."""

    def __init__(self, clock: LockClock) -> None:
        self.clock = clock
        self.statements = 0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if self.clock.taken is not None and not self.clock.held:
            self.statements += 1
        return execute(sql, params, many, context)


def one_round(number: int, *, profile: bool) -> dict[str, float]:
    visit = build_visit(number, RECIPIENTS)
    clock = LockClock()
    counter = Counter(clock)
    profiler = cProfile.Profile() if profile else None
    with connection.execute_wrapper(counter):
        if profiler is not None:
            profiler.enable()
        published, held = clock.publish(visit)
        if profiler is not None:
            profiler.disable()
    if profiler is not None:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(40)
        print(out.getvalue(), file=sys.stderr)
    invitations = OutboxMessage.objects.filter(visit=visit, kind="invitation").count()
    return {
        "invitations": invitations,
        "publish": published,
        "lock": held,
        "statements": counter.statements,
    }


def main() -> None:
    if connection.vendor != "postgresql":
        sys.exit("bench/publish.py needs DATABASE_URL=postgres://...")
    # Delivery is not part of this measure.
    notifications.outbox.dispatch_on_commit = lambda message_ids: None
    name = create_bench_database("publish")
    rounds: list[dict[str, float]] = []
    try:
        for number in range(ROUNDS):
            rounds.append(one_round(number, profile=PROFILE and number == ROUNDS - 1))
            figures = rounds[-1]
            print(
                f"round {number + 1}: {figures['invitations']:.0f} invitations, "
                f"publish {figures['publish']:.2f} s, lock held {figures['lock']:.2f} s, "
                f"{figures['statements']:.0f} statements in the lock"
            )
    finally:
        drop_bench_database(name)
    locks = [r["lock"] for r in rounds]
    print(
        json.dumps(
            {
                "invitations": int(rounds[0]["invitations"]),
                "sessions": SESSIONS,
                "rounds": len(rounds),
                "lock_s": round(statistics.median(locks), 3),
                "lock_s_min": round(min(locks), 3),
                "lock_s_max": round(max(locks), 3),
                "publish_s": round(statistics.median(r["publish"] for r in rounds), 3),
                "statements_in_lock": int(statistics.median(r["statements"] for r in rounds)),
                "load_average_1min": round(os.getloadavg()[0], 2),
            }
        )
    )


if __name__ == "__main__":
    main()

"""Compose: the worker's CPU per invitation for composing a delivery batch, without sending it.

Builds the fan-out visit (40 sessions of 50 experts, as bench/fanout.py does), publishes it without queueing
delivery, then composes all 2,000 invitations as `deliver_outbox` does, in batches of OUTBOX_BATCH_SIZE:
`preload` once per batch, then `compose_message` and `notifications.wire.wire_bytes` for each row. What it
times is this thread's CPU (time.thread_time), so PostgreSQL's share and a busy neighbour count less than in
wall time; the figure is milliseconds of CPU per message, median of COMPOSE_ROUNDS passes (default 5) after
one to warm the caches a worker has warm too.

A bare time says little on a shared machine: compare trees by running this script in each, alternately
(copy it into a `git worktree` of the older commit), and take the ratio pair by pair (bench/RESULTS.md).

Run:  DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/compose.py
It works in a database of its own that it creates and drops: BENCH_DATABASE, or a unique name (never one
that exists already). The last line is one JSON object.
"""

import json
import os
import statistics
import sys
import time
from pathlib import Path
from unittest import mock

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.database import create_bench_database, drop_bench_database  # noqa: E402
from bench.fanout import build_visit  # noqa: E402
from notifications.compose import compose_message, preload  # noqa: E402
from notifications.models import OutboxMessage  # noqa: E402
from notifications.wire import wire_bytes  # noqa: E402
from scheduling.publishing import programme_publish  # noqa: E402

ROUNDS = int(os.environ.get("COMPOSE_ROUNDS", "5"))


def compose_all(batches: list[list[OutboxMessage]]) -> float:
    """CPU milliseconds of this thread per message, for one pass over every batch."""
    began = time.thread_time()
    for messages in batches:
        preloaded = preload(messages)
        stamp = timezone.now()
        for message in messages:
            email = compose_message(message, now=stamp, preloaded=preloaded)
            email.extra_headers["X-Visitplan-Outbox-Id"] = str(message.pk)
            wire_bytes(email)
    return (time.thread_time() - began) * 1000 / sum(len(messages) for messages in batches)


def main() -> None:
    database = create_bench_database("compose")
    try:
        visit = build_visit()
        with mock.patch("notifications.outbox.dispatch_on_commit"):
            programme_publish(visit=visit, actor=None)
        ids = list(
            OutboxMessage.objects.filter(kind="invitation", visit=visit)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        size = settings.OUTBOX_BATCH_SIZE
        batches = [
            list(
                OutboxMessage.objects.filter(pk__in=ids[start : start + size])
                .select_related("person", "visit", "user")
                .order_by("pk")
            )
            for start in range(0, len(ids), size)
        ]
        compose_all(batches)  # warm: templates, translations, URL resolver
        passes = [compose_all(batches) for _ in range(ROUNDS)]
    finally:
        drop_bench_database(database)
    for number, figure in enumerate(passes, 1):
        print(f"pass {number}: {figure:.3f} ms of CPU per message")
    print(
        json.dumps(
            {
                "messages": len(ids),
                "batch_size": size,
                "passes": len(passes),
                "cpu_ms_per_message": round(statistics.median(passes), 3),
                "cpu_ms_min": round(min(passes), 3),
                "cpu_ms_max": round(max(passes), 3),
                "load_average_1min": round(os.getloadavg()[0], 2),
            }
        )
    )


if __name__ == "__main__":
    main()

"""Fan-out: publish a visit of 40 sessions with 50 recipients each (2,000 invitations) and time delivery
end to end, through a real Celery worker on Redis, to a local SMTP server. In the same run, a plain smtplib
loop sends the same number of pre-built messages over one connection to the same server: the baseline.

The SMTP server offers PIPELINING, as Postfix does (the worker pipelines; the plain loop cannot).

Run:  DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres CELERY_BROKER_URL=redis://127.0.0.1:6379/9 \
      .venv/bin/python bench/fanout.py
It works in a database of its own that it creates and drops: BENCH_DATABASE, or a unique name (never one
that exists already). It runs FANOUT_ROUNDS rounds (default 5), each ours then the baseline, and reports the
median ratio with the lowest and highest, the worker as the README runs it (the threads pool, 8; FANOUT_POOL
and FANOUT_CONCURRENCY for another); then one round of 10,000 invitations through a fresh worker, for the
worker's memory (its peak RSS against the 2,000 rounds': flat is about 1) and the time the publish holds the
visit's row lock. FANOUT_COMPARE="threads:8,prefork:2" instead compares pools round by round in one run.
The last line is one JSON object.
"""

import datetime as dt
import json
import os
import smtplib
import statistics
import sys
import time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402

from bench.database import create_bench_database, drop_bench_database  # noqa: E402
from notifications.compose import compose_message  # noqa: E402
from notifications.models import OutboxMessage  # noqa: E402
from scheduling.publishing import programme_publish  # noqa: E402
from tests.support.smtp import Handler, SmtpServer  # noqa: E402
from tests.support.workers import WorkerProcess, database_env, use_broker  # noqa: E402
from visits.models import Delegation, Person, Session, SessionExpert, Venue, Visit  # noqa: E402

SESSIONS, RECIPIENTS = 40, 50
# Rounds, each ours then the baseline; the figures reported are the median round's (the machine is noisy).
ROUNDS = int(os.environ.get("FANOUT_ROUNDS", "5"))
# The worker as the README's production section runs it (FANOUT_POOL, FANOUT_CONCURRENCY to run another).
POOL = os.environ.get("FANOUT_POOL", "threads")
CONCURRENCY = int(os.environ.get("FANOUT_CONCURRENCY", "8"))
# FANOUT_COMPARE="threads:8,prefork:2": instead, compare pools round by round in one run (each round runs
# every pool, each followed by its own baseline, the pools' order turned each round), so that both meet the
# same machine; the last line then has each pool's figures and their ratios to the first pool's.
COMPARE = [
    (name, int(size))
    for name, size in (part.split(":") for part in os.environ.get("FANOUT_COMPARE", "").split(",") if part)
]
# The memory round: 40 sessions of 250 recipients, 10,000 invitations.
LARGE_RECIPIENTS = int(os.environ.get("FANOUT_LARGE_RECIPIENTS", "250"))
STOCKHOLM = ZoneInfo("Europe/Stockholm")


def build_visit(round_number: int = 0, recipients: int = RECIPIENTS) -> Visit:
    delegation = Delegation.objects.create(name=f"Fan-out delegation {round_number}", languages=["en"])
    visit = Visit.objects.create(
        title="Fan-out visit",
        delegation=delegation,
        starts_on=dt.date(2027, 3, 22),
        ends_on=dt.date(2027, 3, 26),
        city="Stockholm",
        programme_languages=["en"],
    )
    venue = Venue.objects.create(
        name=f"Fan-out hall {round_number}", address="Storgatan 1, Stockholm", city="Stockholm"
    )
    people = Person.objects.bulk_create(
        [
            Person(name=f"Expert {i}", email=f"expert{i}.r{round_number}@fanout.example")
            for i in range(SESSIONS * recipients)
        ]
    )
    for index in range(SESSIONS):
        starts = dt.datetime(2027, 3, 22 + index % 5, 8 + index // 5, 0, tzinfo=STOCKHOLM)
        session = Session.objects.create(
            visit=visit,
            title=f"Session {index}",
            starts_at=starts,
            ends_at=starts + dt.timedelta(minutes=50),
            venue=venue,
            language="en",
        )
        chosen = people[index * recipients : (index + 1) * recipients]
        SessionExpert.objects.bulk_create([SessionExpert(session=session, person=p) for p in chosen])
    return visit


def peak_memory_kib(pid: int) -> int:
    """The worker's peak resident memory (VmHWM), summed over the main process and its pool children."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if int(entry.name) == pid or fields.get("PPid", "").strip() == str(pid):
            total += int(fields.get("VmHWM", "0 kB").split()[0])
    return total


class LockClock:
    """How long a publish holds the visit's row lock: from the SELECT ... FOR UPDATE on the visit to the
    commit that releases it (the queueing of delivery, after the commit, is not in it)."""

    def __init__(self) -> None:
        self.taken: float | None = None
        self.held = 0.0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if self.taken is None and sql.startswith('SELECT "visits_visit"') and "FOR UPDATE" in sql:
            self.taken = time.perf_counter()
        return execute(sql, params, many, context)

    def publish(self, visit: Visit) -> tuple[float, float]:
        """Publish; return (seconds in programme_publish, seconds the lock was held)."""
        self.taken, commit = None, connection.commit

        def timed_commit() -> None:
            commit()
            if self.taken is not None and not self.held:
                self.held = time.perf_counter() - self.taken

        self.held = 0.0
        connection.commit = timed_commit  # type: ignore[method-assign]
        began = time.perf_counter()
        try:
            with connection.execute_wrapper(self):
                programme_publish(visit=visit, actor=None)
        finally:
            connection.commit = commit  # type: ignore[method-assign]
        return time.perf_counter() - began, self.held


def main() -> None:
    broker = os.environ.get("CELERY_BROKER_URL", "")
    if connection.vendor != "postgresql" or not broker.startswith("redis://"):
        sys.exit("bench/fanout.py needs DATABASE_URL=postgres://... and CELERY_BROKER_URL=redis://...")
    test_db = create_bench_database("fanout")  # BENCH_DATABASE, or a unique name
    log = BASE_DIR / "var" / "bench-fanout-worker.log"
    log.parent.mkdir(exist_ok=True)
    log.write_bytes(b"")
    rounds: list[dict[str, float]] = []
    try:
        with SmtpServer(Handler()) as server:
            settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
            settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
            use_broker(broker)
            env = {
                **database_env(),
                "CELERY_BROKER_URL": broker,
                "EMAIL_HOST": "127.0.0.1",
                "EMAIL_PORT": str(server.port),
                "LOG_LEVEL": "WARNING",
                # As in production: cached templates, no query log.
                "DEBUG": "false",
            }
            if COMPARE:
                compared = compare_pools(env, log, server.port)
                drop_bench_database(test_db)
                print(json.dumps(compared))
                return
            for number in range(ROUNDS):
                rounds.append(one_round(number, env, log, server.port))
            # Memory at five times the invitations, through a fresh worker: the same peak means flat.
            # (FANOUT_LARGE_RECIPIENTS=0 leaves it out, to compare pools in fewer minutes.)
            if LARGE_RECIPIENTS:
                large = one_round(ROUNDS, env, log, server.port, recipients=LARGE_RECIPIENTS, baseline=False)
            else:
                large = {**rounds[-1], "lock": 0.0}
    except BaseException:
        drop_bench_database(test_db)
        raise
    drop_bench_database(test_db)

    for number, figures in enumerate(rounds, 1):
        print(
            f"round {number}: Visitplan {figures['ours']:.0f}/s (publishing {figures['publish']:.2f} s, "
            f"lock held {figures['lock']:.2f} s, of {figures['ours_seconds']:.2f} s), "
            f"plain smtplib {figures['plain']:.0f}/s, ratio {figures['ours'] / figures['plain']:.3f}, "
            f"delivery alone {figures['messages'] / (figures['ours_seconds'] - figures['publish']):.0f}/s, "
            f"{figures['failed']:.0f} failed, worker peak RSS {figures['peak_kib'] / 1024:.0f} MiB"
        )
    print(
        f"{int(large['messages'])} invitations: Visitplan {large['ours']:.0f}/s (publishing "
        f"{large['publish']:.2f} s, lock held {large['lock']:.2f} s), worker peak RSS "
        f"{large['peak_kib'] / 1024:.0f} MiB, {large['failed']:.0f} failed"
    )
    ratios = [r["ours"] / r["plain"] for r in rounds]
    # Delivery alone (from the publish's return until the last is sent) over the plain loop: what the worker's
    # pool changes, without the publish, which under load swings more than the sending does.
    delivery = [r["messages"] / (r["ours_seconds"] - r["publish"]) / r["plain"] for r in rounds]
    middle = rounds[ratios.index(statistics.median_low(ratios))]
    small_rss = statistics.median(r["peak_kib"] for r in rounds) / 1024
    print(
        json.dumps(
            {
                "messages": int(middle["messages"]),
                "rounds": len(rounds),
                "pool": POOL,
                "concurrency": CONCURRENCY,
                "failed": int(sum(r["failed"] for r in rounds) + large["failed"]),
                "ours_messages_per_s": round(middle["ours"], 1),
                "plain_smtplib_messages_per_s": round(middle["plain"], 1),
                "ratio_ours_over_plain": round(statistics.median(ratios), 3),
                "ratio_min": round(min(ratios), 3),
                "ratio_max": round(max(ratios), 3),
                "delivery_ratio_over_plain": round(statistics.median(delivery), 3),
                "load_average_1min": round(os.getloadavg()[0], 2),
                "worker_rss_mib_at_2000": round(small_rss, 1),
                f"worker_rss_mib_at_{int(large['messages'])}": round(large["peak_kib"] / 1024, 1),
                "worker_rss_growth": round(large["peak_kib"] / 1024 / small_rss, 3),
                "publish_lock_s_at_2000": round(statistics.median(r["lock"] for r in rounds), 3),
                f"publish_lock_s_at_{int(large['messages'])}": round(large["lock"], 3),
            }
        )
    )


def compare_pools(env: dict[str, str], log: Path, port: int) -> dict[str, Any]:
    """FANOUT_COMPARE: every pool in every round, in turned order; figures per pool, medians of the rounds."""
    results: dict[str, list[dict[str, float]]] = {f"{name}:{size}": [] for name, size in COMPARE}
    for number in range(ROUNDS):
        order = COMPARE[number % len(COMPARE) :] + COMPARE[: number % len(COMPARE)]
        for index, (name, size) in enumerate(order):
            figures = one_round(number * 10 + index, env, log, port, pool=name, concurrency=size)
            results[f"{name}:{size}"].append(figures)
            print(
                f"round {number + 1}, {name}:{size}: Visitplan {figures['ours']:.0f}/s (publishing "
                f"{figures['publish']:.2f} s), plain smtplib {figures['plain']:.0f}/s, ratio "
                f"{figures['ours'] / figures['plain']:.3f}, delivery alone "
                f"{figures['messages'] / (figures['ours_seconds'] - figures['publish']):.0f}/s, "
                f"{figures['failed']:.0f} failed, worker peak RSS {figures['peak_kib'] / 1024:.0f} MiB"
            )
    pools: dict[str, dict[str, float]] = {}
    for key, rounds in results.items():
        pools[key] = {
            "ratio_ours_over_plain": round(statistics.median(r["ours"] / r["plain"] for r in rounds), 3),
            "delivery_ratio_over_plain": round(
                statistics.median(
                    r["messages"] / (r["ours_seconds"] - r["publish"]) / r["plain"] for r in rounds
                ),
                3,
            ),
            "delivery_messages_per_s": round(
                statistics.median(r["messages"] / (r["ours_seconds"] - r["publish"]) for r in rounds), 1
            ),
            "worker_rss_mib": round(statistics.median(r["peak_kib"] for r in rounds) / 1024, 1),
            "failed": int(sum(r["failed"] for r in rounds)),
        }
    first = pools[f"{COMPARE[0][0]}:{COMPARE[0][1]}"]
    return {
        "messages": RECIPIENTS * SESSIONS,
        "rounds": ROUNDS,
        "pools": pools,
        # Each pool's median delivery ratio over the first pool's: above 1, that pool delivered faster.
        "delivery_ratio_over_first": {
            key: round(figures["delivery_ratio_over_plain"] / first["delivery_ratio_over_plain"], 3)
            for key, figures in pools.items()
        },
        "load_average_1min": round(os.getloadavg()[0], 2),
    }


def one_round(
    number: int,
    env: dict[str, str],
    log: Path,
    port: int,
    *,
    recipients: int = RECIPIENTS,
    baseline: bool = True,
    pool: str = POOL,
    concurrency: int = CONCURRENCY,
) -> dict[str, float]:
    """Publish a fresh visit through a fresh worker, then send the same messages with plain smtplib."""
    worker = WorkerProcess(env, log, concurrency=concurrency, pool=pool).start()
    try:
        visit = build_visit(number, recipients)
        began = time.perf_counter()
        published_seconds, lock_seconds = LockClock().publish(visit)
        # The invitations; each expert's first reminder waits three days and is not counted.
        invitations = OutboxMessage.objects.filter(kind="invitation", visit=visit)
        total = invitations.count()
        while invitations.filter(status__in=["sent", "failed"]).count() < total:
            if time.perf_counter() - began > 1200:
                sys.exit("bench/fanout.py: not every invitation was sent within 20 minutes")
            time.sleep(0.05)
        ours_seconds = time.perf_counter() - began
        failed = invitations.filter(status="failed").count()
        peak = peak_memory_kib(worker.process.pid if worker.process else 0)
    finally:
        worker.stop()
    figures = {
        "messages": total,
        "failed": failed,
        "publish": published_seconds,
        "lock": lock_seconds,
        "ours_seconds": ours_seconds,
        "ours": total / ours_seconds,
        "peak_kib": peak,
    }
    if not baseline:
        return figures

    # Baseline, with the worker stopped: the same messages composed beforehand (not timed), one connection.
    prebuilt = [
        (m.to_email, compose_message(m).message().as_bytes(linesep="\r\n"))
        for m in invitations.order_by("pk")
    ]
    began = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for to_email, raw in prebuilt:
            smtp.sendmail(settings.DEFAULT_FROM_EMAIL, [to_email], raw)
    plain_seconds = time.perf_counter() - began
    return {**figures, "plain": total / plain_seconds}


if __name__ == "__main__":
    main()

"""The database a benchmark works in: named by BENCH_DATABASE, or a unique name made here, and dropped at
the end only when this run created it.

Django's `create_test_db(autoclobber=True)` drops a database of the same name without asking: two benchmark
runs on one server (or a benchmark and someone's data) destroyed each other that way. Here a name that is
taken already stops the run instead.
"""

import os
import sys
import uuid

from django.db import connection


def _exists(name: str) -> bool:
    with connection._nodb_cursor() as cursor:  # the server's maintenance database, as Django's creation does
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cursor.fetchone() is not None


def create_bench_database(prefix: str) -> str:
    """Create the benchmark's database and point the connection at it; returns its name, for
    `drop_bench_database` when the run ends."""
    name = os.environ.get("BENCH_DATABASE") or f"visitplan_bench_{prefix}_{uuid.uuid4().hex[:8]}"
    if _exists(name):
        sys.exit(
            f"The database {name!r} exists already, and a benchmark drops only what it created: "
            "set BENCH_DATABASE to a name that is free, or leave it unset for a unique one."
        )
    connection.settings_dict["TEST"]["NAME"] = name
    # autoclobber=False: should the name be taken between the check and now, Django asks instead of dropping,
    # and with no one to answer (stdin closed or not a terminal) the run stops.
    return connection.creation.create_test_db(verbosity=0, autoclobber=False, keepdb=False)


def drop_bench_database(name: str) -> None:
    """Drop the database `create_bench_database` made (and only that: it is given the name it returned)."""
    connection.creation.destroy_test_db(name, verbosity=0)

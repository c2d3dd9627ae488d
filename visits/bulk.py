"""Writing many rows at once: `bulk_insert`, which on PostgreSQL sends a large set of rows with COPY.

Django's `bulk_create` builds an INSERT with one placeholder per value and converts every value through its
field: for a publish of 10,000 invitations (about 70,000 rows in one transaction, while the visit's row is
locked) building those statements took most of the time, not PostgreSQL (bench/publish.py). Here the ids come
from the table's sequence in one query and the rows go in one COPY, each value as Python holds it (psycopg
writes str, int, bool, datetimes, lists and None itself; JSON is dumped once per value).

Fewer than COPY_FROM rows, another database, or a model with a database default the row leaves to the
database: `bulk_create`, as before. Rows whose ids nobody reads back (`ids=False`: the audit entries of a
delivery batch's claims and marks) go by COPY however few, the ids left to the table's default: a COPY of 10
to 50 such rows took a third of `bulk_create`'s time (2.3 ms against 0.7 ms for 50 log entries), and a
worker's CPU per message fell by about 6% (bench/RESULTS.md). A COPY is logged with the queries Django logs
(DEBUG, tests), one statement like the INSERT it replaces.
"""

import json
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from typing import Any, TypeVar

from django.db import connections, models, router
from django.db.models.expressions import DatabaseDefault
from django.utils import timezone

M = TypeVar("M", bound=models.Model)

COPY_FROM = 500

# Fields whose Python value psycopg writes as Django would (the value itself is what Django sends).
_AS_IS = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "SmallAutoField",
        "BigIntegerField",
        "IntegerField",
        "PositiveBigIntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SmallIntegerField",
        "BooleanField",
        "CharField",
        "TextField",
        "EmailField",
        "SlugField",
        "URLField",
        "ForeignKey",
        "OneToOneField",
    }
)


def bulk_insert(model: type[M], rows: Sequence[M], *, ids: bool = True) -> list[M]:
    """Insert `rows` (unsaved instances of `model`) and set their primary keys; returns them. With
    `ids=False` the primary keys are left unset: for rows nobody reads back."""
    rows = list(rows)
    if not rows:
        return rows
    connection = connections[router.db_for_write(model)]
    if (
        (ids and len(rows) < COPY_FROM)
        or connection.vendor != "postgresql"
        or not _copyable(model, rows[0])
        or (not ids and any(row.pk is not None for row in rows))
    ):
        return model._default_manager.bulk_create(rows)
    meta = model._meta
    pk = meta.pk
    assert pk is not None
    fields = [field for field in meta.concrete_fields if ids or field is not pk]
    now = timezone.now()
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            for row in rows:
                setattr(row, field.attname, now)
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    with connection.cursor() as cursor:
        missing = [row for row in rows if row.pk is None] if ids else []
        if missing:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, pk.column, len(missing)],
            )
            for row, (new_id,) in zip(missing, cursor.fetchall(), strict=True):
                row.pk = new_id
        writers = [_writer(field, connection) for field in fields]
        columns = ", ".join(quote(field.column) for field in fields)
        # Only names from the model's meta are spliced in; the values travel as COPY data.
        statement = f"COPY {table} ({columns}) FROM STDIN"
        # Django's own error classes (IntegrityError for a key taken), as its cursor would raise them; and
        # the statement in Django's query log where it keeps one (cursor.debug_sql), as its INSERT would be.
        logged = getattr(cursor, "debug_sql", None)
        with (
            logged(statement) if logged is not None else nullcontext(),
            connection.wrap_database_errors,
            cursor.cursor.copy(statement) as copy,
        ):
            for row in rows:
                copy.write_row(
                    [write(getattr(row, field.attname)) for field, write in zip(fields, writers, strict=True)]
                )
    for row in rows:
        row._state.adding = False
        row._state.db = connection.alias
    return rows


def _copyable(model: type[models.Model], first: models.Model) -> bool:
    # A value the database is to supply (db_default) cannot travel in a COPY row.
    return not any(
        isinstance(getattr(first, f.attname), DatabaseDefault) for f in model._meta.concrete_fields
    )


def _same(value: Any) -> Any:
    return value


def _writer(field: "models.Field[Any, Any]", connection: Any) -> Callable[[Any], Any]:
    """How one field's value goes into a COPY row."""
    kind = field.get_internal_type()
    if kind in _AS_IS or isinstance(field, models.DateTimeField | models.DateField):
        return _same
    if isinstance(field, models.JSONField):
        encoder = field.encoder

        def as_json(value: Any) -> Any:
            if value is None and field.null:
                return None
            return json.dumps(value, cls=encoder)

        return as_json

    def prepared(value: Any) -> Any:
        return field.get_db_prep_save(value, connection)

    return prepared

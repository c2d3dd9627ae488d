"""Matching names as people type them: "ostlund" finds "Östlund", "krumina" finds "Krūmiņa".

A text is folded to lower-case letters without their accents, in Python for what is typed and in the
database for what is stored, by the same table, so that both sides agree on every database: PostgreSQL's
unaccent is an extension that may not be installed, and SQLite's LOWER folds ASCII letters only. PostgreSQL
folds with TRANSLATE and LOWER; SQLite calls `fold` itself, taught to each connection as it opens (a REPLACE
for each letter would nest deeper than SQLite's parser allows). The table
covers the letters of the delegations' languages written in Latin script (Swedish, the Baltic and Slavic
languages, Romanian, German, French, ...); each letter stands for one letter, so a fold keeps its length.
"""

import unicodedata
from typing import Any

from django.db.models import Func, TextField, Value
from django.db.models.expressions import Combinable
from django.db.models.functions import Lower

ACCENTED = "àáâãäåāăąæçćĉċčďđèéêëēĕėęěĝğġģĥħìíîïĩīĭįıĵķĺļľŀłñńņňŉòóôõöøōŏőœŕŗřśŝşšșţťŧțùúûüũūŭůűųŵýÿŷźżžß"
PLAIN = "aaaaaaaaaacccccddeeeeeeeeegggghhiiiiiiiiijklllllnnnnnoooooooooorrrsssssttttuuuuuuuuuuwyyyzzzs"

# Both cases: LOWER of SQLite (and of PostgreSQL in the C locale) leaves non-ASCII letters as they are. A
# capital that is more than one letter ("ß" is "SS") or an ASCII one ("ı" is "I") needs no entry of its own.
PAIRS = dict(zip(ACCENTED, PLAIN, strict=True))
PAIRS |= {
    capital: plain
    for letter, plain in zip(ACCENTED, PLAIN, strict=True)
    if len(capital := letter.upper()) == 1 and capital != letter and not capital.isascii()
}
FROM, TO = "".join(PAIRS), "".join(PAIRS.values())
TABLE = str.maketrans(FROM, TO)


def fold(text: str) -> str:
    """The text as it is compared: composed, accents taken off by the table, lower case."""
    return unicodedata.normalize("NFC", text).translate(TABLE).lower()


SQLITE_FUNCTION = "visitplan_fold"


def _fold_or_none(text: str | None) -> str | None:
    return None if text is None else fold(str(text))


def teach_sqlite_to_fold(sender: Any, connection: Any, **kwargs: Any) -> None:
    """connection_created: give a SQLite connection `fold` as a function of its own."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_FUNCTION, 1, _fold_or_none, deterministic=True)


class Fold(Func):
    """The database's side of `fold`: TRANSLATE and LOWER on PostgreSQL, `fold` itself on SQLite."""

    function = SQLITE_FUNCTION
    output_field = TextField()

    def __init__(self, expression: Combinable | str, **extra: Any) -> None:
        super().__init__(expression, **extra)

    def as_postgresql(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        translated = Func(
            self.source_expressions[0],
            Value(FROM),
            Value(TO),
            function="TRANSLATE",
            output_field=TextField(),
        )
        return Lower(translated).as_sql(compiler, connection, **extra_context)

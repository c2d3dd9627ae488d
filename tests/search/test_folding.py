"""Folding names as people type them: the same in Python, on PostgreSQL and on SQLite (the default)."""

import pytest
from django.db import connection
from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteWrapper
from django.db.models import Value
from django.db.models.sql import Query

from visits.folding import Fold, fold
from visits.models import Person

NAMES = ["Östlund", "ÅKLAGARMYNDIGHETEN", "Laura Krūmiņa", "Ilze Vītola", "Şerban Ţurcanu", "Łukasz Żółć"]
FOLDED = ["ostlund", "aklagarmyndigheten", "laura krumina", "ilze vitola", "serban turcanu", "lukasz zolc"]


def test_python_folds_accents_and_case():
    assert [fold(name) for name in NAMES] == FOLDED
    assert fold("O\u0308stlund") == "ostlund"  # an Ö typed as O and a combining diaeresis


def folded_by(database, name: str) -> str:
    query = Query(Person)
    compiler = query.get_compiler(connection=database)
    sql, params = compiler.compile(Fold(Value(name)).resolve_expression(query))
    with database.cursor() as cursor:
        cursor.execute(f"SELECT {sql}", params)
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_the_database_folds_as_python_does():
    """The tests' database, PostgreSQL or SQLite."""
    assert [folded_by(connection, name) for name in NAMES] == FOLDED


def test_sqlite_folds_as_python_does(django_db_blocker):
    """SQLite's LOWER folds ASCII letters only: the fold must not lean on it for the others."""
    settings = {**connection.settings_dict, "ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}
    sqlite = SQLiteWrapper({**settings, "OPTIONS": {}}, alias="folding")
    with django_db_blocker.unblock():
        try:
            assert [folded_by(sqlite, name) for name in NAMES] == FOLDED
            with sqlite.cursor() as cursor:
                cursor.execute("SELECT LOWER('Ö')")
                assert cursor.fetchone()[0] == "Ö"  # why the table has both cases
        finally:
            sqlite.close()

"""Texts in the reader's language: the one place that picks which translation of a title, description or
venue's directions a reader gets (issue 18, "Content in the readers' languages").

Storage: each translated text has a JSON field beside it, `<field>_translations` = {"sv": "…", "lv": "…"}
(visits.fields.TranslationsField), and the base field (`title`, `description`, `text`) stays what it was: the
English, or whatever the coordinator first wrote. Why JSON and not a kept library such as
django-modeltranslation: modeltranslation adds one column per language listed in settings.LANGUAGES, and
this site's interface has two (en, sv), while a delegation reads any language (Latvian, Nepali, Khmer, Thai,
Bengali …); a column per ISO 639-1 code would be ~180 columns on every table, and a new delegation's language
would need a migration. A JSON object per text takes any code the domain knows
(visits.fields.language_choices) with no migration, keeps the base field where every existing query, search,
sort and export already reads it, and its keys and lengths are checked by the field's validator like the base
field's max_length.

Resolution (`text_in`): the reader's language, else English, else the base field. The reader's language is
a person's preferred_language, raw ("lv"), not the interface language their messages are written in
(notifications.compose.message_language: en or sv): a Latvian reads Latvian titles in English sentences.
Code that writes for one reader sets it with `reading(code)`; elsewhere it is the active interface language.
"""

import contextlib
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from typing import Any

from django.utils import translation

FALLBACK = "en"

# Which fields of which models have translations (model label → base fields), for the admin, forms, API
# and erasure to list them from one place.
TRANSLATED: Mapping[str, tuple[str, ...]] = {
    "visits.visit": ("title",),
    "visits.session": ("title", "description"),
    "booklets.venuedirections": ("text",),
}

_reading: ContextVar[str | None] = ContextVar("visits_wording_reading", default=None)


def translations_name(field: str) -> str:
    """The JSON field that holds `field`'s translations."""
    return f"{field}_translations"


def language_of(code: str | None) -> str:
    """A language code as the translations are keyed: "sv" for sv-SE, sv_SE or SV; "" for none."""
    return (code or "").strip().lower().replace("_", "-").split("-")[0]


def reading_language() -> str:
    """The language texts are read in now: the reader's (`reading`), else the active interface language."""
    return _reading.get() or language_of(translation.get_language()) or FALLBACK


@contextlib.contextmanager
def reading(code: str | None) -> Iterator[str]:
    """Within the block, texts are read in `code` (a person's preferred_language); None or "" keeps the
    interface language."""
    language = language_of(code)
    token = _reading.set(language or None)
    try:
        yield reading_language()
    finally:
        _reading.reset(token)


def text_in(base: str, translations: Mapping[str, Any] | None, language: str | None = None) -> str:
    """The text in `language` (default: reading_language()), else in English, else `base`. An empty
    translation counts as none."""
    texts = translations or {}
    for code in (language_of(language) or reading_language(), FALLBACK):
        text = texts.get(code)
        if isinstance(text, str) and text.strip():
            return text
    return base


def in_language(obj: Any, field: str, language: str | None = None) -> str:
    """`obj.<field>` in `language` (default: the reading language), else English, else the base field:
    in_language(session, "title", "lv")."""
    return text_in(
        str(getattr(obj, field) or ""), getattr(obj, translations_name(field), None) or {}, language
    )


def translations_of(obj: Any, field: str) -> dict[str, str]:
    """A copy of `obj`'s translations of `field`, for snapshots and forms."""
    return dict(getattr(obj, translations_name(field), None) or {})


def languages_for(visit: Any) -> list[str]:
    """The languages a visit's texts are offered in: English, Swedish, the programme's languages and the
    delegation's (in that order, once each)."""
    delegation = getattr(visit, "delegation", None)
    codes = ["en", "sv", *(visit.programme_languages or []), *(delegation.languages if delegation else [])]
    return list(dict.fromkeys(code for code in codes if code))

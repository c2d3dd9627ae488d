"""The booklets as files: a person's or the delegation's, in the reader's language, as PDF."""

from django.utils import translation
from django.utils.text import slugify

from booklets.content import build_booklet
from booklets.pdf import Rendered, render_pdf
from notifications.compose import written_for
from scheduling.models import ProgrammeVersion
from visits.models import Person, Visit
from visits.wording import reading


def person_booklet(visit: Visit, person: Person, *, version: ProgrammeVersion | None = None) -> Rendered:
    """The person's booklet in their language (en, sv). Raises NotPublished, BookletUnavailable."""
    with written_for(person.preferred_language) as language:
        booklet = build_booklet(visit, person=person, language=language, version=version)
        return render_pdf("booklets/booklet.html", {"booklet": booklet})


def delegation_booklet(visit: Visit, *, language: str) -> Rendered:
    """The whole delegation's booklet in `language` (en or sv)."""
    with translation.override(language), reading(language):
        booklet = build_booklet(visit, person=None, language=language)
        return render_pdf("booklets/booklet.html", {"booklet": booklet})


def booklet_filename(visit: Visit, who: str) -> str:
    """An ASCII file name: "programme-study-visit-2027-anna-berg.pdf"."""
    return f"programme-{slugify(visit.title)[:60]}-{slugify(who)[:40] or 'booklet'}.pdf"

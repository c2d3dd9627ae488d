"""Rendering printed pages to PDF with WeasyPrint, imported only when a PDF is asked for.

WeasyPrint needs Pango and HarfBuzz (system libraries), and the booklets' scripts need fonts (README). On a
machine without them the import fails with OSError (a missing library) or ImportError; the site still serves,
and a booklet's link answers with what to install (BookletUnavailable), never a 500.
"""

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.translation import gettext

# Debian's packages: WeasyPrint's libraries, and fonts for Latin, Cyrillic, Devanagari, Khmer, Thai, Bengali.
SYSTEM_PACKAGES = ("libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0", "fonts-noto-core")


class BookletUnavailable(Exception):
    """WeasyPrint or its system libraries are missing on this machine."""

    def __init__(self, error: BaseException) -> None:
        self.error = error
        super().__init__(
            gettext(
                "PDF booklets cannot be made on this server: WeasyPrint or its system libraries are missing "
                "(%(error)s). Install the Python package weasyprint and Debian's %(packages)s, then restart."
            )
            % {"error": type(error).__name__, "packages": ", ".join(SYSTEM_PACKAGES)}
        )


@dataclass(frozen=True, slots=True)
class Rendered:
    pdf: bytes
    pages: int


def _weasyprint():  # type: ignore[no-untyped-def]
    try:
        import weasyprint
    except (ImportError, OSError) as error:
        raise BookletUnavailable(error) from error
    return weasyprint


def unavailable_reason() -> str:
    """Why PDFs cannot be made here, in the active language; empty when they can."""
    try:
        _weasyprint()
    except BookletUnavailable as error:
        return str(error)
    return ""


def render_pdf(template: str, context: dict[str, object]) -> Rendered:
    """The template rendered to PDF, with its number of pages. Raises BookletUnavailable."""
    weasyprint = _weasyprint()
    html = render_to_string(template, context)
    document = weasyprint.HTML(string=html, base_url=None).render()
    return Rendered(pdf=document.write_pdf(), pages=len(document.pages))

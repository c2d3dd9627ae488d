"""{{ visit|worded:"title" }}: a text in the reading language, else English, else the base field
(visits.wording.in_language)."""

from typing import Any

from django import template

from visits.wording import in_language

register = template.Library()


@register.filter
def worded(obj: Any, field: str) -> str:
    return in_language(obj, field) if obj is not None else ""

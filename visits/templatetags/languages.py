"""Languages by name in the active language, as a sentence writes them: {{ session.language|language }}
gives "Romanian" or "rumänska", never "ro" (visits.fields.language_name)."""

from django import template

from visits.fields import language_name

register = template.Library()


@register.filter(name="language")
def language(code: str) -> str:
    return language_name(code) if code else ""

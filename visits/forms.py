"""Change forms that guard a status and a session's revision, used by the admin and the planner alike.

A status offers only the allowed transitions; a session form remembers the revision it was opened at, and is
refused if someone saved the session since. The forms validate; the writes are visits.services'.
"""

import json
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from visits.fields import language_name, translated_language_choices, translations_validator
from visits.models import SESSION_TRANSITIONS, VISIT_TRANSITIONS, Session, StaleEdit, Visit
from visits.wording import languages_for


class StatusTransitionForm(forms.ModelForm):
    """Offers only the statuses the current one may move to, so a wrong move is a form error, not a 500."""

    statuses: ClassVar[type[models.TextChoices]]
    transitions: ClassVar[dict[str, set[str]]]
    # Statuses reached only through a service outside this form; offered only to show the current one.
    not_offered: ClassVar[set[str]] = set()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields.get("status")
        if isinstance(field, forms.ChoiceField):
            current = self.instance.status
            allowed = {current, *(self.transitions.get(current, set()) - self.not_offered)}
            field.choices = [(value, label) for value, label in self.statuses.choices if value in allowed]


class VisitForm(StatusTransitionForm):
    statuses = Visit.Status
    transitions = VISIT_TRANSITIONS
    not_offered = {Visit.Status.PUBLISHED}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            offer_languages(self, languages_for(self.instance))


class SessionForm(StatusTransitionForm):
    statuses = Session.Status
    transitions = SESSION_TRANSITIONS

    # The revision the coordinator opened; Session.save() moves it on every save.
    seen_revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["seen_revision"].initial = self.instance.revision
        if self.instance.visit_id is not None:
            offer_languages(self, languages_for(self.instance.visit))

    def clean(self) -> dict[str, Any] | None:
        seen = self.cleaned_data.get("seen_revision")
        if self.instance.pk is not None and seen is not None and seen != self.instance.revision:
            raise ValidationError(str(StaleEdit(self.instance)), code="stale")
        return super().clean()


def model_data(form: forms.ModelForm) -> dict[str, Any]:
    """What a valid model form would save, by field name, for a write service: its model's fields as the form
    set them on its instance, and its many-to-many fields as cleaned. Fields the form declares besides its
    model's (a session's experts, say) are left to the caller."""
    opts = form.instance._meta
    named = set(form._meta.fields or form.fields)
    data = {
        field.name: getattr(form.instance, field.name)
        for field in opts.concrete_fields
        if field.name in named and field.name in form.cleaned_data
    }
    data.update(
        (field.name, form.cleaned_data[field.name])
        for field in opts.many_to_many
        if field.name in named and field.name in form.cleaned_data
    )
    return data


# --- Texts in other languages (visits.wording) -------------------------------------------------------------


class TranslationsWidget(forms.Widget):
    """One input per language (`languages`, then any language the value already has), and a row to add one
    more: a language and its text. The value is {code: text}; the inputs are named `<name>__<code>`."""

    use_fieldset = True

    def __init__(self, *, languages: Iterable[str] = (), multiline: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.languages = list(dict.fromkeys(languages))
        self.multiline = multiline

    def _codes(self, value: Mapping[str, str] | None) -> list[str]:
        return list(dict.fromkeys([*self.languages, *(value or {})]))

    def value_from_datadict(self, data: Any, files: Any, name: str) -> dict[str, str]:
        texts: dict[str, str] = {}
        prefix = f"{name}__"
        for key in data:
            code = key.removeprefix(prefix)
            if key.startswith(prefix) and code not in ("new_language", "new_text"):
                texts[code] = str(data.get(key) or "")
        added, text = str(data.get(f"{name}__new_language") or ""), str(data.get(f"{name}__new_text") or "")
        if added or text.strip():
            texts[added] = text  # an unknown or missing language is the field's error, named
        return texts

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return not any(str(key).startswith(f"{name}__") for key in data)

    def format_value(self, value: Any) -> Any:
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                return {}
        return value if isinstance(value, dict) else {}

    def _input(self, name: str, value: str, attrs: dict[str, Any]) -> SafeString:
        if self.multiline:
            return format_html('<textarea name="{}" rows="2"{}>{}</textarea>', name, flatatt(attrs), value)
        return format_html('<input type="text" name="{}" value="{}"{}>', name, value, flatatt(attrs))

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        texts = self.format_value(value)
        base_id = (attrs or {}).get("id") or f"id_{name}"
        rows = []
        for code in self._codes(texts):
            row_id = f"{base_id}_{code}"
            field = self._input(f"{name}__{code}", texts.get(code, ""), {"id": row_id, "lang": code})
            rows.append(
                format_html(
                    '<div class="translation"><label for="{}">{} ({})</label>{}</div>',
                    row_id,
                    language_name(code),
                    code,
                    field,
                )
            )
        options = format_html_join("", '<option value="{}">{}</option>', translated_language_choices())
        text = self._input(
            f"{name}__new_text", "", {"id": f"{base_id}_new_text", "aria-label": gettext("Text")}
        )
        rows.append(
            format_html(
                '<div class="translation translation-new"><label for="{}">{}</label>'
                '<select name="{}" id="{}"><option value="">–</option>{}</select>{}</div>',
                f"{base_id}_new_language",
                gettext("Another language"),
                f"{name}__new_language",
                f"{base_id}_new_language",
                options,
                text,
            )
        )
        return format_html_join("", "{}", ((row,) for row in rows))


class TranslationsFormField(forms.Field):
    """A text's translations as {code: text}: empty texts are dropped; the model field's validator checks the
    codes and lengths (visits.fields.translations_validator), and so does this form, naming the language."""

    widget = TranslationsWidget

    def __init__(self, *, text_max_length: int | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.validators.append(translations_validator(text_max_length))

    def to_python(self, value: Any) -> dict[str, str]:
        if value in self.empty_values:
            return {}
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                raise ValidationError(
                    gettext(
                        'Give the translations as an object of language code and text, such as {"sv": "…"}.'
                    ),
                    code="invalid",
                ) from None
        if not isinstance(value, dict):
            raise ValidationError(gettext("Give the translations by language."), code="invalid")
        return {
            str(code): text.strip() if isinstance(text, str) else text for code, text in value.items() if text
        }

    def prepare_value(self, value: Any) -> Any:
        return value

    def has_changed(self, initial: Any, data: Any) -> bool:
        return (initial or {}) != self.to_python(data)


def offer_languages(form: forms.BaseForm, languages: Iterable[str]) -> None:
    """Give each translations field of the form an input per language in `languages`."""
    for field in form.fields.values():
        if isinstance(field, TranslationsFormField):
            assert isinstance(field.widget, TranslationsWidget)
            field.widget.languages = list(dict.fromkeys(languages))

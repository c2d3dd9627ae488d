"""Field types the domain shares: IANA time zones and ISO 639-1 language codes."""

from collections.abc import Iterable
from functools import cache
from typing import Any
from zoneinfo import available_timezones

from django import forms
from django.conf.locale import LANG_INFO
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(available_timezones()) if "/" in name or name == "UTC"]


@cache
def language_choices() -> list[tuple[str, str]]:
    """Two-letter ISO 639-1 codes with their English names, from Django's own language table."""
    codes = {code: info["name"] for code, info in LANG_INFO.items() if len(code) == 2 and "name" in info}
    return sorted(codes.items(), key=lambda item: item[1])


# Interface languages that write the names of languages in lower case within a sentence ("på rumänska").
LOWER_CASE_NAMES = frozenset({"sv", "nb", "nn", "no", "da", "fi", "fr", "es", "it", "pt", "pl", "ro", "ru"})


def language_name(code: str) -> str:
    """The language's name in the active language, as a sentence writes it: "Romanian", "rumänska"; an
    unknown code as it is. Django's own catalogue has the names (LANG_INFO, translated)."""
    if code not in dict(language_choices()):
        return code
    name = str(get_language_info(code)["name_translated"])
    active = (translation.get_language() or "en").split("-")[0]
    return name[:1].lower() + name[1:] if active in LOWER_CASE_NAMES else name


def language_pair(codes: Iterable[str]) -> str:
    """The languages an interpreter interprets between, in their booking's order: "svenska–rumänska"."""
    return "–".join(language_name(code) for code in codes)


def language_names(codes: Iterable[str]) -> str:
    """Several languages by name, in the order of their names: "engelska, ryska"."""
    return ", ".join(sorted((language_name(code) for code in codes), key=str.casefold))


def translated_language_choices() -> list[tuple[str, str]]:
    """The language choices by their names in the active language, in the order of those names."""
    named = ((code, str(get_language_info(code)["name_translated"])) for code, _name in language_choices())
    return sorted(named, key=lambda item: item[1].casefold())


def validate_language_code(value: str) -> None:
    if value not in dict(language_choices()):
        raise ValidationError(
            _(
                "“%(value)s” is not a language code. "
                "Use a two-letter ISO 639-1 code such as en, sv, ru or ne."
            ),
            params={"value": value},
            code="invalid_language",
        )


def validate_time_zone(value: str) -> None:
    if value not in dict(time_zone_choices()):
        raise ValidationError(
            _("“%(value)s” is not a time zone. Use an IANA name such as Europe/Stockholm or Asia/Kathmandu."),
            params={"value": value},
            code="invalid_time_zone",
        )


class TimeZoneField(models.CharField):
    """An IANA time zone name such as Europe/Stockholm."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("choices", time_zone_choices)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        # The list comes from the machine's tz database; keep it out of migrations.
        kwargs.pop("choices", None)
        return name, path, args, kwargs


class LanguageField(models.CharField):
    """One ISO 639-1 language code."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 8)
        kwargs.setdefault("choices", language_choices)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("choices", None)
        return name, path, args, kwargs


def validate_language_list(value: Any) -> None:
    if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
        raise ValidationError(_('Give a list of language codes, such as ["en", "ru"].'), code="invalid")
    for code in value:
        validate_language_code(code)


class LanguageListField(models.JSONField):
    """A list of ISO 639-1 codes, stored as JSON so that it works the same on SQLite and PostgreSQL."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        validators = list(kwargs.pop("validators", []))
        kwargs["validators"] = [validate_language_list, *validators]
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("validators", None)
        return name, path, args, kwargs

    def formfield(self, **kwargs: Any) -> Any:  # type: ignore[override]
        defaults = {
            "form_class": forms.TypedMultipleChoiceField,
            "choices": language_choices(),
            "required": not self.blank,
            "widget": forms.SelectMultiple(attrs={"size": 8}),
            "help_text": self.help_text,
            "label": self.verbose_name.capitalize() if self.verbose_name else None,
        }
        # Bypass JSONField.formfield, which would force its own JSON form field.
        return models.Field.formfield(self, **{**defaults, **kwargs})


def translations_validator(max_length: int | None) -> Any:
    """A validator of a text's translations: {language code: text}, each code a known ISO 639-1 code and
    each text a string no longer than the base field's `max_length` (None: any length). Its codes are its
    own: a field replaces the message of a code it knows ("invalid", "max_length") with its own."""

    def validate_translations(value: Any) -> None:
        if not isinstance(value, dict):
            raise ValidationError(
                _('Give the translations as an object of language code and text, such as {"sv": "…"}.'),
                code="translations_not_object",
            )
        for code, text in value.items():
            validate_language_code(code)
            if not isinstance(text, str):
                raise ValidationError(
                    _("The text in %(language)s (%(code)s) must be a string."),
                    params={"language": language_name(code), "code": code},
                    code="translation_not_text",
                )
            if max_length is not None and len(text) > max_length:
                raise ValidationError(
                    _(
                        "The text in %(language)s (%(code)s) has %(length)d characters; "
                        "at most %(max)d are allowed."
                    ),
                    params={
                        "language": language_name(code),
                        "code": code,
                        "length": len(text),
                        "max": max_length,
                    },
                    code="translation_too_long",
                )

    return validate_translations


class TranslationsField(models.JSONField):
    """A text's translations beside its base field, as {language code: text}: see visits.wording."""

    def __init__(self, *args: Any, text_max_length: int | None = None, **kwargs: Any) -> None:
        self.text_max_length = text_max_length
        kwargs.setdefault("default", dict)
        kwargs.setdefault("blank", True)
        validators = list(kwargs.pop("validators", []))
        kwargs["validators"] = [translations_validator(text_max_length), *validators]
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("validators", None)
        if self.text_max_length is not None:
            kwargs["text_max_length"] = self.text_max_length
        return name, path, args, kwargs

    def formfield(self, **kwargs: Any) -> Any:  # type: ignore[override]
        from visits.forms import TranslationsFormField, TranslationsWidget

        defaults = {
            "form_class": TranslationsFormField,
            "text_max_length": self.text_max_length,
            # English and Swedish always; a form for a visit's texts offers its languages too
            # (visits.forms.offer_languages).
            "widget": TranslationsWidget(languages=("en", "sv"), multiline=self.text_max_length is None),
            "help_text": self.help_text,
            "label": self.verbose_name.capitalize() if self.verbose_name else None,
            "required": False,
        }
        # Bypass JSONField.formfield, which would force its own JSON form field.
        return models.Field.formfield(self, **{**defaults, **kwargs})

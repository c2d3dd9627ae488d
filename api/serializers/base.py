"""What every serializer of the API shares: the model's own validation, language lists, sane dates.

A rule the model states (its fields' validators, `clean()`, its constraints) is checked before saving, so that
breaking it is a 400 that names the field, never an IntegrityError from the database.
"""

import copy
import datetime as dt
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.utils.translation import gettext
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers

from api.errors import django_errors
from api.serializers.fields import Choice, JsonModelSerializer, Text
from visits.fields import language_choices

# Programmes are planned years ahead at most, and kept for some years after; dates far outside would only
# overflow the time-zone arithmetic of the conflict checker.
FIRST_YEAR, LAST_YEAR = 1990, 2200


def within_supported_years(value: dt.date) -> None:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise serializers.ValidationError(
            gettext("Give a date between the years %(first)d and %(last)d.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR}
        )


def user_of(context: dict[str, Any]) -> User | AnonymousUser:
    """The user the serializer works for: nobody (who may see nothing) outside a request."""
    request = context.get("request")
    return request.user if request is not None else AnonymousUser()


class LanguageList(serializers.ListField):
    """ISO 639-1 codes, such as ["en", "ru"]."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(child=Choice(choices=language_choices()), **kwargs)


class Translations(serializers.DictField):
    """A text in other languages (visits.wording): {"sv": "…", "lv": "…"}, by ISO 639-1 code; the base field
    beside it is the English. Codes and lengths are checked by the model field, naming the language."""

    def __init__(self, *, max_length: int | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text",
            'The text in other languages, by ISO 639-1 code, such as {"sv": "…", "lv": "…"}. '
            "Readers get the text in their own language, else the English one, else the base field.",
        )
        self.text_max_length = max_length
        super().__init__(child=Text(max_length=max_length, allow_blank=True), **kwargs)


class TranslationsExtension(OpenApiSerializerFieldExtension):
    """The schema of Translations: an object whose keys are language codes and whose values are texts."""

    target_class = Translations

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        text: dict[str, Any] = {"type": "string"}
        if self.target.text_max_length is not None:
            text["maxLength"] = self.target.text_max_length
        return {
            "type": "object",
            "propertyNames": {"enum": [code for code, _name in language_choices()]},
            "additionalProperties": text,
        }


class ModelValidatedSerializer(JsonModelSerializer):
    """Runs the model's full_clean() over the fields this serializer writes (and the stored values of the
    others it shows), as a ModelForm does."""

    def build_standard_field(self, field_name: str, model_field: Any) -> tuple[Any, dict[str, Any]]:
        field_class, field_kwargs = super().build_standard_field(field_name, model_field)
        if isinstance(model_field, models.DateField | models.DateTimeField):
            field_kwargs["validators"] = [*field_kwargs.get("validators", []), within_supported_years]
        return field_class, field_kwargs

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        model: type[models.Model] = self.Meta.model
        candidate = self._candidate(model)
        concrete = {field.name for field in model._meta.concrete_fields}
        for name, value in attrs.items():
            if name in concrete:
                setattr(candidate, name, value)
        writable = {
            field.source for field in self.fields.values() if not field.read_only and field.source != "*"
        }
        exclude = [field.name for field in model._meta.concrete_fields if field.name not in writable]
        try:
            candidate.full_clean(exclude=exclude)
        except DjangoValidationError as error:
            raise serializers.ValidationError(django_errors(error)) from None
        return attrs

    def _candidate(self, model: type[models.Model]) -> models.Model:
        """A copy of the instance to validate the change on, leaving the instance itself untouched."""
        if self.instance is None:
            return model()
        candidate = copy.copy(self.instance)
        candidate._state = copy.copy(self.instance._state)
        candidate._state.fields_cache = dict(self.instance._state.fields_cache)
        return candidate

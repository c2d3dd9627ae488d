"""Fields that take a value only in the JSON type the schema gives them.

DRF reads what it can: `"notes": 0` is stored as "0", `"capacity": "12"` as 12, `"interpreter_needed": 1` and
`"yes"` as true. The schema says "string", "integer", "boolean", so a client sending anything else has made a
mistake, and hearing of it (a 400 naming the field) beats finding "0" in its notes later.
"""

from typing import Any

from django.utils.translation import gettext
from rest_framework import serializers
from rest_framework.fields import Field
from rest_framework.relations import MANY_RELATION_KWARGS


def json_kind(value: object) -> str:
    """What a value parsed from JSON is, in words."""
    if value is None:
        return gettext("null")
    if isinstance(value, bool):
        return gettext("true or false")
    if isinstance(value, int | float):
        return gettext("a number")
    if isinstance(value, str):
        return gettext("text")
    if isinstance(value, list):
        return gettext("a list")
    return gettext("an object")


TEXT = (serializers.CharField, serializers.DateField, serializers.TimeField, serializers.DateTimeField)
WHOLE = (serializers.IntegerField, serializers.PrimaryKeyRelatedField)


def is_typed(field_class: type[Field]) -> bool:
    """Whether the field takes one JSON type of value (not a list or an object, which check their shape)."""
    return issubclass(field_class, (serializers.BooleanField, serializers.ChoiceField, *TEXT, *WHOLE))


def expecting(field: Field) -> tuple[tuple[type, ...], str]:
    """The Python types the field takes from parsed JSON, and what to call them."""
    if isinstance(field, serializers.BooleanField):
        return (bool,), gettext("true or false")
    if (
        isinstance(field, serializers.ChoiceField)
        and field.choices
        and all(isinstance(key, int) for key in field.choices)
    ):
        return (int,), gettext("a whole number")
    if isinstance(field, WHOLE):
        return (int,), gettext("a whole number")
    return (str,), gettext("text (a JSON string)")


class JsonTyped(Field):
    """Refuses a value of another JSON type than the field's, saying which type it takes."""

    def to_internal_value(self, data: Any) -> Any:
        types, expected = expecting(self)
        if not isinstance(data, types) or (isinstance(data, bool) and bool not in types):
            raise serializers.ValidationError(
                gettext("Give %(expected)s here, not %(given)s.")
                % {"expected": expected, "given": json_kind(data)},
                code="invalid",
            )
        return super().to_internal_value(data)


STRICT: dict[type[Field], type[Field]] = {}


def strict(field_class: type[Field]) -> type[Field]:
    """`field_class` taking values of its own JSON type only (one class for each field class)."""
    if issubclass(field_class, JsonTyped) or not is_typed(field_class):
        return field_class
    if field_class not in STRICT:
        STRICT[field_class] = type(field_class.__name__, (JsonTyped, field_class), {})
    return STRICT[field_class]


class Text(JsonTyped, serializers.CharField):
    pass


class Integer(JsonTyped, serializers.IntegerField):
    pass


class Choice(JsonTyped, serializers.ChoiceField):
    pass


class PrimaryKeyList(serializers.ManyRelatedField):
    """A list of ids; DRF's would take an object as the list of its keys."""

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, list):
            raise serializers.ValidationError(
                gettext("Give %(expected)s here, not %(given)s.")
                % {"expected": gettext("a list"), "given": json_kind(data)},
                code="not_a_list",
            )
        return super().to_internal_value(data)


class PrimaryKey(JsonTyped, serializers.PrimaryKeyRelatedField):
    @classmethod
    def many_init(cls, *args: Any, **kwargs: Any) -> serializers.ManyRelatedField:
        """As DRF's, with PrimaryKeyList for the list."""
        list_kwargs = {key: value for key, value in kwargs.items() if key in MANY_RELATION_KWARGS}
        return PrimaryKeyList(child_relation=cls(*args, **kwargs), **list_kwargs)


STRICT.update(
    {
        serializers.CharField: Text,
        serializers.IntegerField: Integer,
        serializers.ChoiceField: Choice,
        serializers.PrimaryKeyRelatedField: PrimaryKey,
    }
)


class JsonModelSerializer(serializers.ModelSerializer):
    """A model serializer whose fields built from the model take their own JSON type only."""

    def build_standard_field(self, field_name: str, model_field: Any) -> tuple[Any, dict[str, Any]]:
        field_class, field_kwargs = super().build_standard_field(field_name, model_field)
        return strict(field_class), field_kwargs

    def build_relational_field(self, field_name: str, relation_info: Any) -> tuple[Any, dict[str, Any]]:
        field_class, field_kwargs = super().build_relational_field(field_name, relation_info)
        return strict(field_class), field_kwargs

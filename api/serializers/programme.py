"""Visits and their sessions, as the coordinators of each visit see and change them."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext
from rest_framework import serializers

from api.errors import django_errors
from api.serializers.base import LanguageList, ModelValidatedSerializer, Translations, user_of
from api.serializers.fields import Choice, Integer, PrimaryKey
from visits.access import delegations_for_user, people_to_choose, visits_for_user
from visits.models import (
    SESSION_TRANSITIONS,
    VISIT_TRANSITIONS,
    DelegationMember,
    Person,
    Session,
    SessionExpert,
    SessionInterpreter,
    Visit,
    VisitStatus,
)
from visits.services import check_transition


class VisitSerializer(ModelValidatedSerializer):
    title_translations = Translations(max_length=200)
    programme_languages = LanguageList()
    coordinators = serializers.SlugRelatedField(many=True, read_only=True, slug_field="username")
    status = Choice(
        choices=VisitStatus.choices,
        required=False,
        help_text="Moves along the allowed transitions; a visit is published by publishing its programme.",
    )

    class Meta:
        model = Visit
        fields = [
            "id",
            "kind",
            "title",
            "title_translations",
            "delegation",
            "audience",
            "target_group",
            "starts_on",
            "ends_on",
            "time_zone",
            "city",
            "country",
            "programme_languages",
            "status",
            "coordinators",
            "first_published_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["first_published_at", "created_at", "updated_at"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["delegation"]
        if isinstance(field, serializers.PrimaryKeyRelatedField):
            field.queryset = delegations_for_user(user_of(self.context))

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        current = self.instance.status if self.instance is not None else VisitStatus.DRAFT
        target = attrs.get("status", current)
        if target == VisitStatus.PUBLISHED and current != VisitStatus.PUBLISHED:
            raise serializers.ValidationError(
                {
                    "status": [
                        gettext("A visit is published by publishing its programme (the publish action).")
                    ]
                }
            )
        try:
            check_transition(
                transitions=VISIT_TRANSITIONS,
                current=current,
                target=target,
                labels=dict(VisitStatus.choices),
            )
        except DjangoValidationError as refused:
            raise serializers.ValidationError(django_errors(refused)) from None
        starts, ends = self._value(attrs, "starts_on"), self._value(attrs, "ends_on")
        if starts and ends and ends < starts:
            raise serializers.ValidationError(
                {"ends_on": [gettext("The last day cannot be before the first.")]}
            )
        return super().validate({**attrs, "status": target})

    def _value(self, attrs: dict[str, Any], name: str) -> Any:
        return attrs.get(name, getattr(self.instance, name, None))

    def service_arguments(self) -> dict[str, Any]:
        """The validated data as visits.services.visit_create and visit_update take them: the status moves
        through visit_change_status after the other fields are saved."""
        data = dict(self.validated_data)
        return {"data": data, "status": data.pop("status", None)}


class ExpertAnswerSerializer(serializers.ModelSerializer):
    # An expert's answer, read-only here: it moves only through responses.answers.answer_move. The fields keep
    # the names `response` and `responded_at`: API field names stay stable.
    class Meta:
        model = SessionExpert
        fields = ["person", "response", "responded_at"]
        read_only_fields = fields


class InterpreterAnswerSerializer(serializers.ModelSerializer):
    # An interpreter's answer, read-only here as an expert's is: it moves only through
    # responses.interpreters.interpreter_answer (their link, a calendar reply, a coordinator).
    class Meta:
        model = SessionInterpreter
        fields = ["person", "response", "responded_at"]
        read_only_fields = fields


class InterpreterSerializer(serializers.Serializer):
    person = PrimaryKey(queryset=Person.objects.all())
    languages = LanguageList(
        required=True,
        min_length=2,
        help_text='The languages interpreted between, at least two, such as ["sv", "ru"].',
    )


class SessionSerializer(ModelValidatedSerializer):
    title_translations = Translations(max_length=300)
    description_translations = Translations()
    experts = PrimaryKey(
        many=True,
        queryset=Person.objects.all(),
        required=False,
        help_text="The people who lead the session. Experts who stay keep their answers.",
    )
    attendees = PrimaryKey(  # the API's name for the session's chosen members
        source="chosen_members",
        many=True,
        queryset=DelegationMember.objects.all(),
        required=False,
        help_text="With attendance 'chosen': the delegation members who attend.",
    )
    expert_answers = ExpertAnswerSerializer(source="session_experts", many=True, read_only=True)
    interpreter_answers = InterpreterAnswerSerializer(
        source="session_interpreters", many=True, read_only=True
    )
    interpreters = InterpreterSerializer(
        source="session_interpreters",
        many=True,
        required=False,
        help_text="The interpreters booked, each with the languages they interpret between. Sending the list "
        "replaces it.",
    )
    status = Choice(
        choices=Session.Status.choices,
        required=False,
        help_text="Moves along the allowed transitions: tentative ↔ confirmed, either → cancelled, "
        "cancelled → tentative. The people concerned are told when the programme is published next.",
    )
    # The API keeps the name `version` for the session's optimistic lock, the model's `revision`.
    version = Integer(
        source="revision",
        required=False,
        min_value=1,
        help_text="The version this change is made from (as the ETag); a change from an older one is a 409.",
    )

    class Meta:
        model = Session
        fields = [
            "id",
            "visit",
            "kind",
            "title",
            "title_translations",
            "description",
            "description_translations",
            "starts_at",
            "ends_at",
            "outside_visit_dates",
            "venue",
            "host_organisation",
            "attendance",
            "language",
            "interpreter_needed",
            "interpretation_language",
            "status",
            "experts",
            "expert_answers",
            "attendees",
            "interpreters",
            "interpreter_answers",
            "sequence",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["sequence", "created_at", "updated_at"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["visit"]
        if isinstance(field, serializers.PrimaryKeyRelatedField):
            field.queryset = visits_for_user(user_of(self.context))
        # Experts and interpreters among the people the user may see (another coordinator's delegate is not
        # found by id), and those already on the session, who stay when the list is sent back.
        session = self.instance if isinstance(self.instance, Session) else None
        people = people_to_choose(user_of(self.context), session)
        experts = self.fields["experts"]
        if isinstance(experts, serializers.ManyRelatedField):
            experts.child_relation.queryset = people
        interpreters = self.fields["interpreters"]
        if isinstance(interpreters, serializers.ListSerializer):
            person = interpreters.child.fields["person"]
            if isinstance(person, serializers.PrimaryKeyRelatedField):
                person.queryset = people

    def validate_interpreters(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        seen: set[int] = set()
        for booking in value:
            if "person" not in booking:  # a PATCH makes nested fields optional; a booking needs them
                raise serializers.ValidationError(gettext("Give the person of each interpreter booked."))
            if "languages" not in booking:
                raise serializers.ValidationError(
                    gettext("Give the languages %(person)s interprets between, at least two.")
                    % {"person": booking["person"]}
                )
            if booking["person"].pk in seen:
                raise serializers.ValidationError(
                    gettext("%(person)s is in the list twice; give each interpreter once.")
                    % {"person": booking["person"]}
                )
            seen.add(booking["person"].pk)
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # Not saved: the view compares it with the stored revision before saving anything.
        self.sent_revision: int | None = attrs.pop("revision", None)
        current = self.instance.status if self.instance is not None else Session.Status.TENTATIVE
        try:
            check_transition(
                transitions=SESSION_TRANSITIONS,
                current=current,
                target=attrs.get("status", current),
                labels=dict(Session.Status.choices),
            )
        except DjangoValidationError as refused:
            raise serializers.ValidationError(django_errors(refused)) from None
        if self.instance is not None and attrs.get("visit", self.instance.visit) != self.instance.visit:
            raise serializers.ValidationError({"visit": [gettext("A session stays in its visit.")]})
        visit: Visit | None = attrs.get("visit", getattr(self.instance, "visit", None))
        if visit is not None and any(
            member.delegation_id != visit.delegation_id for member in attrs.get("chosen_members", [])
        ):
            raise serializers.ValidationError(
                {
                    "attendees": [
                        gettext("Choose members of this visit's delegation (%(delegation)s).")
                        % {"delegation": visit.delegation or "–"}
                    ]
                }
            )
        return super().validate(attrs)

    def service_arguments(self) -> dict[str, Any]:
        """The validated data as visits.services.session_create and session_update take them: the session's
        own fields, its status (moved after the others are saved) and its people (None: left as they are; a
        new session's experts default to none)."""
        data = dict(self.validated_data)
        experts = data.pop("experts", [] if self.instance is None else None)
        chosen_members = data.pop("chosen_members", None)
        interpreters = data.pop("session_interpreters", None)
        return {
            "data": data,
            "status": data.pop("status", None),
            "experts": None if experts is None else [person.pk for person in experts],
            "chosen_members": None if chosen_members is None else [member.pk for member in chosen_members],
            "interpreters": None
            if interpreters is None
            else {booking["person"].pk: booking["languages"] for booking in interpreters},
        }

    def proposal(self) -> Session:
        """The session as the valid data describe it, not saved: for the conflict check."""
        proposal = self._candidate(Session)
        assert isinstance(proposal, Session)
        for name, value in self.validated_data.items():
            if name not in {"experts", "chosen_members", "session_interpreters", "session"}:
                setattr(proposal, name, value)
        return proposal


class SessionProposalSerializer(SessionSerializer):
    session = Integer(
        required=False,
        write_only=True,
        min_value=1,
        help_text="The stored session this proposal would change; the other fields then default to it.",
    )

    class Meta(SessionSerializer.Meta):
        fields = [*SessionSerializer.Meta.fields, "session"]

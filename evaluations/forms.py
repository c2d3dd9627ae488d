"""The survey form: one field per question of the survey, labelled in the participant's language. Each error
names its question, so that a participant (or anyone posting by hand) knows what to correct."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from evaluations.models import RATING_MAX, RATING_MIN, TEXT_MAX_LENGTH, Question

RATINGS = [(str(n), str(n)) for n in range(RATING_MIN, RATING_MAX + 1)]


def field_name(question: Question) -> str:
    return f"q{question.pk}"


class SurveyForm(forms.Form):
    def __init__(self, *args: Any, questions: list[Question], language: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            label = question.text_in(language)
            if question.kind == Question.Kind.RATING:
                field: forms.Field = forms.TypedChoiceField(
                    label=label,
                    choices=RATINGS,
                    coerce=int,
                    empty_value=None,
                    required=question.required,
                    widget=forms.RadioSelect,
                    error_messages={
                        "required": _("Choose a number from 1 (poor) to 5 (very good)."),
                        "invalid_choice": _(
                            "“%(value)s” is not an answer here: choose a number from 1 to 5."
                        ),
                    },
                )
            else:
                field = forms.CharField(
                    label=label,
                    required=question.required,
                    max_length=TEXT_MAX_LENGTH,
                    widget=forms.Textarea(attrs={"rows": 4}),
                    error_messages={"required": _("Write a few words here.")},
                )
            self.fields[field_name(question)] = field

    def answers(self) -> dict[int, int | str | None]:
        return {q.pk: self.cleaned_data.get(field_name(q)) for q in self.questions}

    def errors_by_question(self) -> list[tuple[str, str]]:
        """(question, error) for each error, in the order of the questions."""
        found = []
        for question in self.questions:
            name = field_name(question)
            for error in self.errors.get(name, []):
                found.append((str(self.fields[name].label or ""), str(error)))
        for error in self.non_field_errors():
            found.append(("", str(error)))
        return found

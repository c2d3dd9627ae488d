"""What the coordinators read of a visit's survey: the response rate, each rating question's count, average
and distribution, and the free-text answers. A fixed number of queries, whatever the number of responses."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q

from evaluations.models import RATING_MAX, RATING_MIN, Question, Survey, SurveyAnswer


@dataclass
class RatingResult:
    question: Question
    count: int = 0
    total: int = 0
    distribution: dict[int, int] = field(
        default_factory=lambda: dict.fromkeys(range(RATING_MIN, RATING_MAX + 1), 0)
    )

    @property
    def average(self) -> float | None:
        return self.total / self.count if self.count else None

    @property
    def bars(self) -> list[tuple[int, int, int]]:
        """(rating, how many, percent of the answers) for each rating from 1 to 5."""
        return [
            (r, n, round(100 * n / self.count) if self.count else 0) for r, n in self.distribution.items()
        ]


@dataclass
class TextResult:
    question: Question
    answers: list[tuple[str, str]]  # (text, who wrote it: a name in a named survey, "" in an anonymous one)


@dataclass
class SurveyResults:
    survey: Survey | None
    asked: int = 0
    answered: int = 0
    ratings: list[RatingResult] = field(default_factory=list)
    texts: list[TextResult] = field(default_factory=list)

    @property
    def rate(self) -> int | None:
        return round(100 * self.answered / self.asked) if self.asked else None


def survey_results(visit_id: int) -> SurveyResults:
    """Four queries: the survey with its counts, its questions, the ratings grouped, the texts."""
    survey = (
        Survey.objects.filter(visit_id=visit_id)
        .annotate(
            asked=Count("recipients", distinct=True),
            answered=Count("recipients", filter=Q(recipients__answered_on__isnull=False), distinct=True),
        )
        .first()
    )
    if survey is None:
        return SurveyResults(survey=None)
    questions = list(survey.questions.order_by("order", "pk"))
    ratings = {q.pk: RatingResult(q) for q in questions if q.kind == Question.Kind.RATING}
    rows = (
        SurveyAnswer.objects.filter(response__survey=survey, rating__isnull=False)
        .values_list("question_id", "rating")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for question_id, rating, n in rows:
        result = ratings.get(question_id)
        if result is not None:
            result.distribution[rating] = n
            result.count += n
            result.total += rating * n
    texts: dict[int, list[tuple[str, str]]] = defaultdict(list)
    text_rows = (
        SurveyAnswer.objects.filter(response__survey=survey, question__kind=Question.Kind.TEXT)
        .exclude(text="")
        .values_list("question_id", "text", "response__recipient__person__name")
        .order_by("question_id", "pk")
    )
    for question_id, text, name in text_rows:
        texts[question_id].append((text, "" if survey.anonymous else (name or "")))
    return SurveyResults(
        survey=survey,
        asked=survey.asked,
        answered=survey.answered,
        ratings=list(ratings.values()),
        texts=[TextResult(q, texts.get(q.pk, [])) for q in questions if q.kind == Question.Kind.TEXT],
    )

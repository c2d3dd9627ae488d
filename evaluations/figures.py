"""Evaluation figures for the report to government: per rating question, how many answered and the average,
over any set of visits. One query, aggregated in the database, whatever the number of visits.

The figures hang on the surveys (the visits), not on people, so they survive the erasure of personal data.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Avg, Count, QuerySet

from evaluations.models import Question, SurveyAnswer
from visits.models import Visit


@dataclass(frozen=True)
class QuestionFigure:
    question_id: int
    text_en: str
    text_sv: str
    count: int  # answers given to the question (ratings 1–5) over the visits
    average: float | None  # their mean, None without answers

    def text(self, language: str) -> str:
        return self.text_sv if language.startswith("sv") else self.text_en


def evaluation_figures(
    visit_ids: "QuerySet[Visit] | QuerySet[Visit, int] | Iterable[int]",
) -> list[QuestionFigure]:
    """Per rating question answered in any of these visits' surveys: the count and average of its ratings,
    in the questions' order. `visit_ids`: a QuerySet (of visits, or of their ids: it stays a subquery) or a
    list of ids."""
    wanted = visit_ids if isinstance(visit_ids, QuerySet) else list(visit_ids)
    rows = (
        SurveyAnswer.objects.filter(
            response__survey__visit__in=wanted,
            question__kind=Question.Kind.RATING,
            rating__isnull=False,
        )
        .values("question_id", "question__text_en", "question__text_sv", "question__order")
        .annotate(count=Count("pk"), average=Avg("rating"))
        .order_by("question__order", "question_id")
    )
    return [
        QuestionFigure(
            question_id=row["question_id"],
            text_en=row["question__text_en"],
            text_sv=row["question__text_sv"],
            count=row["count"],
            average=float(row["average"]) if row["average"] is not None else None,
        )
        for row in rows
    ]

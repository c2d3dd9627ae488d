"""The report's figures over a year whose answers are known (tests/reports/world.py)."""

import pytest

from reports.figures import Period, Row, report_figures
from tests.reports.world import build
from visits.models import Visit

pytestmark = pytest.mark.django_db


def rows(report, key):
    section = next(section for section in report.all_sections if section.key == key)
    return {row.label: row.values for row in section.rows}


@pytest.fixture
def report():
    build(2025)
    return report_figures(Visit.objects.all(), Period.year(2025))


def test_the_summary_counts_only_visits_begun_in_the_period_that_are_not_drafts_or_cancelled(report):
    assert rows(report, "summary") == {
        "Study visits": (2,),
        "Seminars abroad": (1,),
        "Participants (counted once per visit)": (5,),
        "Different people among the participants": (5,),
        "Sessions held": (5,),
        "Hours of programme": (6.5,),
        "Experts": (1,),
        "Experts' hours": (3.5,),
        "Host organisations": (2,),
    }


def test_a_study_visit_counts_under_each_delegation_country_and_a_seminar_where_it_is_held(report):
    assert rows(report, "countries") == {"Nepal": (1, 1, 2), "Latvia": (1, 0, 1), "Lithuania": (1, 0, 1)}
    assert [row.label for row in report.sections[0].rows] == ["Nepal", "Latvia", "Lithuania"]


def test_target_groups_in_their_own_order_themes_and_sectors_with_what_is_not_stated(report):
    assert list(rows(report, "target-groups").items()) == [
        ("Justice system", (1, 0, 1)),
        ("Ministries", (1, 0, 1)),
        ("Journalists and opinion makers", (0, 1, 1)),
    ]
    assert rows(report, "themes") == {
        "Trafficking": (1, 1, 2),
        "Prostitution": (1, 0, 1),
        "Not stated": (1, 0, 1),
    }
    assert rows(report, "sectors") == {"Police": (1, 0, 1), "NGO": (1, 0, 1), "Not stated": (1, 1, 2)}


def test_participants_are_the_roster_of_sessions_held_counted_once_per_visit(report):
    """The study visit's three members (a whole-delegation session); of the ministry visit's three, the one
    chosen twice and the one chosen once, not the one chosen only for a cancelled session."""
    assert list(rows(report, "gender").items()) == [
        ("Woman", (2, 0, 2)),
        ("Man", (2, 0, 2)),
        ("Not stated", (1, 0, 1)),
    ]
    assert rows(report, "participant-target-groups") == {"Justice system": (3, 0, 3), "Ministries": (2, 0, 2)}


def test_experts_count_on_sessions_they_confirmed_that_were_held_by_organisation(report):
    assert rows(report, "experts") == {"Stockholms universitet (SE)": (1, 2, 3.5)}


def test_host_organisations_are_the_sessions_own_or_else_their_venues(report):
    assert rows(report, "hosts") == {
        "No host organisation": (1, 3, 3.0),
        "Polismyndigheten": (1, 1, 2.0),
        "Åklagarmyndigheten": (1, 1, 1.5),
    }


def test_a_period_with_nothing_in_it_has_zeros_and_empty_sections():
    build(2025)
    report = report_figures(Visit.objects.all(), Period.year(2030))
    assert all(values == (0,) or values == (0.0,) for values in rows(report, "summary").values())
    assert all(section.rows == () for section in report.sections)


def test_a_section_can_be_added_to_the_report():
    build(2025)

    def visits_listed(scope):
        from reports.figures import Column, Section

        return Section(
            key="extra",
            title="Extra",
            sheet="Extra",
            explanation="",
            label_heading="Visits",
            columns=(Column("Number"),),
            rows=(Row("Counted", (scope.visits.count(),)),),
        )

    report = report_figures(Visit.objects.all(), Period.year(2025), extra=[visits_listed])
    assert report.sections[-1].rows == (Row("Counted", (3,)),)


def test_a_member_chosen_on_one_visit_of_their_delegation_is_not_counted_on_another():
    """Two visits of one delegation, each for chosen members only: each counts the members chosen for it."""
    import datetime as dt

    from tests.factories import DelegationMemberFactory, SessionFactory, VisitFactory
    from visits.models import ChosenMember, Session

    first = VisitFactory(
        status=Visit.Status.COMPLETED, starts_on=dt.date(2025, 4, 1), ends_on=dt.date(2025, 4, 2)
    )
    second = VisitFactory(
        delegation=first.delegation,
        status=Visit.Status.COMPLETED,
        starts_on=dt.date(2025, 9, 1),
        ends_on=dt.date(2025, 9, 2),
    )
    one, other = (DelegationMemberFactory(delegation=first.delegation) for _ in range(2))
    for visit, member in ((first, one), (first, other), (second, other)):
        day = dt.datetime.combine(visit.starts_on, dt.time(10), tzinfo=dt.UTC)
        session = SessionFactory(
            visit=visit,
            starts_at=day,
            ends_at=day + dt.timedelta(hours=1),
            attendance=Session.Attendance.CHOSEN,
        )
        ChosenMember.objects.create(session=session, member=member)
    report = report_figures(Visit.objects.all(), Period.year(2025))
    assert rows(report, "summary")["Participants (counted once per visit)"] == (3,)
    assert rows(report, "summary")["Different people among the participants"] == (2,)


def test_evaluation_results_average_the_ratings_of_counted_visits_only():
    from evaluations.models import Question, Survey, SurveyAnswer, SurveyResponse

    world = build(2025)
    draft = Visit.objects.get(status=Visit.Status.DRAFT)
    question = Question.objects.filter(kind=Question.Kind.RATING).order_by("order", "pk").first()
    assert question is not None
    for visit, ratings in ((world.study, [5, 4]), (world.seminar, [3]), (draft, [1, 1])):
        survey = Survey.objects.create(visit=visit, anonymous=True)
        for rating in ratings:
            response = SurveyResponse.objects.create(survey=survey, submitted_on=visit.ends_on)
            SurveyAnswer.objects.create(response=response, question=question, rating=rating)
    report = report_figures(Visit.objects.all(), Period.year(2025))
    assert rows(report, "evaluations") == {question.text_en: (3, 4.0)}

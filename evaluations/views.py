"""The survey page behind a participant's link (/s/<token>/), and the results page of a visit for its
coordinators (/plan/visits/<id>/evaluation/).

The link is scanner-safe: opening it (GET) only shows the form; only the POST of the form records answers.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_http_methods, require_safe

from evaluations.forms import SurveyForm, field_name
from evaluations.models import Question, SurveyRecipient, SurveyResponse
from evaluations.results import survey_results
from evaluations.services import SurveyRefused, find_recipient, link_expired, survey_response_save
from notifications.compose import message_language
from notifications.views import not_found, private, unlogged
from visits.access import access_visit, signed_in_required


def _page(
    request: HttpRequest, template: str, context: dict[str, object], status: int = 200
) -> HttpResponseBase:
    response = render(
        request, template, {"organizer_email": settings.ORGANIZER_EMAIL, **context}, status=status
    )
    response["Content-Language"] = translation.get_language()
    return private(unlogged(response), referrer_policy="same-origin")


def _initial(recipient: SurveyRecipient, questions: list[Question]) -> dict[str, object]:
    """A named survey's answers as given, to change them; nothing for an anonymous one."""
    response = SurveyResponse.objects.filter(recipient=recipient).first()
    if response is None:
        return {}
    by_question = {a.question_id: a for a in response.answers.all()}
    initial: dict[str, object] = {}
    for question in questions:
        answer = by_question.get(question.pk)
        if answer is not None:
            initial[field_name(question)] = str(answer.rating) if answer.rating is not None else answer.text
    return initial


@require_http_methods(["GET", "HEAD", "POST"])
def survey(request: HttpRequest, token: str) -> HttpResponseBase:
    recipient = find_recipient(token)
    if recipient is None:
        return not_found(request)
    language = recipient.person.preferred_language or "en"
    with translation.override(message_language(language)):
        context: dict[str, object] = {
            "recipient": recipient,
            "visit": recipient.survey.visit,
            "language": language,
        }
        if link_expired(recipient):
            return _page(request, "evaluations/expired.html", context, status=410)
        answered = recipient.answered_on is not None
        if answered and recipient.survey.anonymous:
            # Answered once, anonymously: nothing links the answers to this link any more.
            status = 409 if request.method == "POST" else 200
            return _page(
                request, "evaluations/answered.html", {**context, "refused": status == 409}, status=status
            )
        questions = list(recipient.survey.questions.order_by("order", "pk"))
        if request.method == "POST":
            form = SurveyForm(request.POST, questions=questions, language=language)
            if form.is_valid():
                try:
                    survey_response_save(recipient=recipient, answers=form.answers())
                except SurveyRefused as refused:
                    return _page(
                        request, "evaluations/answered.html", {**context, "reason": str(refused)}, status=409
                    )
                redirect = HttpResponseRedirect(reverse("survey:survey", args=[token]) + "?saved=1")
                return private(redirect)
            return _page(request, "evaluations/survey.html", {**context, "form": form}, status=400)
        form = SurveyForm(initial=_initial(recipient, questions), questions=questions, language=language)
        return _page(
            request,
            "evaluations/survey.html",
            {
                **context,
                "form": form,
                "saved": answered and request.GET.get("saved") == "1",
                "answered": answered,
            },
        )


@signed_in_required
@require_safe
def results(request: HttpRequest, visit_id: int) -> HttpResponse:
    """The visit's survey results, for whoever may see the visit (visits.access)."""
    visit = access_visit(request.user, visit_id)
    return render(
        request,
        "evaluations/results.html",
        {"visit": visit, "results": survey_results(visit.pk), "page": "evaluation"},
    )

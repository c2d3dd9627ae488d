"""A participant answers each session and gives their needs on their programme page, through the real views.

Reading the page never writes (a mail scanner opens every link); the forms POST, and each POST answers with a
redirect back to the page and a confirmation, or a 400 that names what was refused."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications.tokens import person_token, token_revoke
from participation.models import NOTE_MAX_LENGTH, ParticipantAnswer, ParticipantNeeds
from tests.factories import DelegationMemberFactory, SessionFactory, VisitFactory, stockholm
from tests.participation.conftest import answer_url, needs_url, page_url, post_from_page, published
from visits.models import Session
from visits.services import session_change_status, visit_change_status

pytestmark = pytest.mark.django_db


def answer(client, person, session, attending: str):
    return post_from_page(client, person, answer_url(person), {"session": session.pk, "attending": attending})


def needs(client, person, visit, **values):
    data = {"visit": visit.pk, "dietary": [], **values}
    return post_from_page(client, person, needs_url(person), data)


def answer_of(person, session) -> str | None:
    row = ParticipantAnswer.objects.filter(person=person, session=session).first()
    return row.answer if row is not None else None


class TestReadingThePage:
    def test_the_page_offers_both_answers_for_each_session_of_the_participant(self, browser, answering):
        page = browser.get(page_url(answering.head)).content.decode()
        assert page.count('name="attending" value="yes"') == 3  # meeting, lunch, site visit
        assert page.count("You have not answered yet.") == 3
        assert 'name="csrfmiddlewaretoken"' in page
        assert "Your needs during “Community policing in Sweden”" in page
        assert 'id="needs-' in page and 'name="dietary"' in page and 'name="wheelchair"' in page

    def test_a_member_is_not_asked_about_a_session_they_were_not_chosen_for(self, browser, answering):
        page = browser.get(page_url(answering.member)).content.decode()
        assert "Visit to a shelter" not in page
        assert page.count('name="attending" value="yes"') == 2

    def test_an_expert_is_not_asked_here(self, browser, answering):
        page = browser.get(page_url(answering.expert)).content.decode()
        assert "How the police work" in page
        assert 'name="attending"' not in page and 'name="dietary"' not in page

    def test_the_current_answer_is_shown(self, browser, answering):
        ParticipantAnswer.objects.create(
            person=answering.head, session=answering.lunch, answer="not_attending"
        )
        page = browser.get(page_url(answering.head)).content.decode()
        assert "Your answer: you will not attend." in page
        assert 'value="no" class="chosen"' in page

    def test_no_form_for_a_cancelled_session_or_one_that_has_started(self, browser, answering, fixed_now):
        session_change_status(session=answering.lunch, status=Session.Status.CANCELLED)
        page = browser.get(page_url(answering.head)).content.decode()
        assert page.count('name="attending" value="yes"') == 2
        fixed_now.move_to(stockholm(2027, 3, 23, 13, 30))  # the meeting and the lunch are over
        page = browser.get(page_url(answering.head)).content.decode()
        assert page.count('name="attending" value="yes"') == 1  # the site visit at 14:00

    def test_opening_the_page_writes_nothing(self, browser, answering):
        url = page_url(answering.head)  # the token is made here, as the e-mail would have
        with CaptureQueriesContext(connection) as captured:
            response = browser.get(url)
            browser.get(url)
        assert response.status_code == 200
        assert all(q["sql"].lstrip().upper().startswith("SELECT") for q in captured.captured_queries)
        assert not ParticipantAnswer.objects.exists() and not ParticipantNeeds.objects.exists()

    def test_the_page_stays_private_and_lets_its_own_forms_through(self, browser, answering):
        response = browser.get(page_url(answering.head))
        assert "private" in response["Cache-Control"] and response["X-Robots-Tag"] == "noindex"
        # Under "no-referrer" browsers send the forms' POSTs with "Origin: null", which CSRF refuses.
        assert response["Referrer-Policy"] == "same-origin"
        assert '<meta name="referrer" content="same-origin">' in response.content.decode()

    def test_the_answer_addresses_answer_nothing_to_get(self, browser, answering):
        for url in (answer_url(answering.head), needs_url(answering.head)):
            response = browser.get(url)
            assert response.status_code == 405 and response["Allow"] == "POST"
        assert not ParticipantAnswer.objects.exists()


class TestAnswering:
    def test_attending_is_saved_and_confirmed_on_the_page(self, browser, answering):
        response = answer(browser, answering.head, answering.lunch, "yes")
        assert response.status_code == 302
        assert response["Location"] == f"{page_url(answering.head)}#session-{answering.lunch.pk}"
        assert answer_of(answering.head, answering.lunch) == "attending"
        page = browser.get(response["Location"]).content.decode()
        assert "Saved: you will attend “Lunch at the police house”." in page
        assert "Your answer: you will attend." in page

    def test_an_answer_can_be_changed(self, browser, answering):
        answer(browser, answering.head, answering.lunch, "yes")
        first = ParticipantAnswer.objects.get()
        response = answer(browser, answering.head, answering.lunch, "no")
        assert response.status_code == 302
        changed = ParticipantAnswer.objects.get()
        assert (changed.pk, changed.answer) == (first.pk, "not_attending")

    def test_a_session_the_person_is_not_on_is_refused(self, browser, answering):
        response = answer(browser, answering.member, answering.site_visit, "yes")
        assert response.status_code == 400
        page = response.content.decode()
        assert "this is not a session on your programme" in page and "Visit to a shelter" not in page
        assert not ParticipantAnswer.objects.exists()

    def test_another_visits_session_is_refused(self, browser, answering):
        elsewhere = SessionFactory.create()
        response = answer(browser, answering.head, elsewhere, "yes")
        assert response.status_code == 400 and not ParticipantAnswer.objects.exists()
        assert elsewhere.title not in response.content.decode()

    def test_a_cancelled_session_is_refused(self, browser, answering):
        session_change_status(session=answering.lunch, status=Session.Status.CANCELLED)
        response = answer(browser, answering.head, answering.lunch, "yes")
        assert response.status_code == 400
        assert "can no longer be answered" in response.content.decode()

    @pytest.mark.parametrize(
        ("data", "field"),
        [
            ({"attending": "maybe"}, "attending"),
            ({"attending": ""}, "attending"),
            ({"session": "lunch"}, "session"),
            ({"session": ""}, "session"),
            ({"session": str(10**30)}, "session"),
        ],
    )
    def test_bad_values_get_a_400_that_names_the_field(self, browser, answering, data, field):
        sent = {"session": answering.lunch.pk, "attending": "yes", **data}
        response = post_from_page(browser, answering.head, answer_url(answering.head), sent)
        assert response.status_code == 400
        assert f"<li>{field}: " in response.content.decode()
        assert not ParticipantAnswer.objects.exists()

    def test_an_unknown_session_gets_a_400(self, browser, answering):
        response = post_from_page(
            browser, answering.head, answer_url(answering.head), {"session": 10**9, "attending": "yes"}
        )
        assert response.status_code == 400 and "session: " in response.content.decode()

    def test_a_revoked_token_is_the_plain_not_found_page(self, browser, answering):
        url = answer_url(answering.head)
        browser.get(page_url(answering.head))
        csrf = browser.cookies["csrftoken"].value
        token_revoke(token=person_token(answering.head))
        response = browser.post(
            url, {"session": answering.lunch.pk, "attending": "yes", "csrfmiddlewaretoken": csrf}
        )
        assert response.status_code == 404 and "This link does not work" in response.content.decode()
        assert browser.get(page_url(answering.head)).status_code == 200  # a new token, a new page
        assert not ParticipantAnswer.objects.exists()

    def test_a_post_without_the_pages_csrf_token_is_refused(self, browser, answering):
        response = browser.post(
            answer_url(answering.head), {"session": answering.lunch.pk, "attending": "yes"}
        )
        assert response.status_code == 403 and not ParticipantAnswer.objects.exists()

    def test_a_swedish_reader_answers_in_swedish(self, browser, answering):
        answering.head.preferred_language = "sv"
        answering.head.save()
        response = answer(browser, answering.head, answering.lunch, "yes")
        page = browser.get(response["Location"])
        assert page["Content-Language"] == "sv" and '<html lang="sv">' in page.content.decode()
        refused = answer(browser, answering.head, answering.lunch, "maybe")
        assert refused["Content-Language"] == "sv"


class TestNeeds:
    def test_needs_are_saved_and_shown_again(self, browser, answering):
        response = needs(
            browser,
            answering.head,
            answering.visit,
            dietary=["vegetarian", "gluten_free"],
            wheelchair="on",
            interpreting_language="lv",
            accessibility_note="  Ramps, please.  ",
        )
        assert response.status_code == 302
        assert response["Location"].endswith(f"#needs-{answering.visit.pk}")
        saved = ParticipantNeeds.objects.get(person=answering.head, visit=answering.visit)
        assert saved.dietary == ["vegetarian", "gluten_free"]
        assert saved.wheelchair and saved.interpreting_language == "lv"
        assert saved.accessibility_note == "Ramps, please."
        page = browser.get(response["Location"]).content.decode()
        assert "Saved: the coordinators now know your needs" in page
        assert 'value="vegetarian" id="needs-' in page and "checked" in page
        assert '<option value="lv" selected>' in page

    def test_saving_again_replaces_them(self, browser, answering):
        needs(browser, answering.head, answering.visit, dietary=["vegan"], wheelchair="on")
        needs(browser, answering.head, answering.visit, dietary=["none"])
        saved = ParticipantNeeds.objects.get()
        assert saved.dietary == ["none"] and not saved.wheelchair

    def test_the_delegations_languages_come_first(self, browser, answering):
        page = browser.get(page_url(answering.head)).content.decode()
        assert '<optgroup label="Languages of your delegation">' in page
        mine = page.index('<optgroup label="Languages of your delegation">')
        assert mine < page.index('<option value="lv">') < page.index('<optgroup label="All languages">')

    @pytest.mark.parametrize(
        ("values", "field", "says"),
        [
            ({"dietary": ["none", "vegan"]}, "dietary", "on its own"),
            ({"dietary": ["meat only"]}, "dietary", "is not one of the available choices"),
            ({"dietary": ["other"]}, "dietary_note", "say in the note which diet"),
            ({"interpreting_language": "xx"}, "interpreting_language", "is not one of the available choices"),
            ({"dietary_note": "x" * (NOTE_MAX_LENGTH + 1)}, "dietary_note", "at most 2000 characters"),
        ],
    )
    def test_bad_values_are_shown_on_the_field_they_concern(self, browser, answering, values, field, says):
        response = needs(browser, answering.head, answering.visit, **values)
        assert response.status_code == 400
        form = response.context["needs_forms"][0]
        assert field in form.errors and says in " ".join(form.errors[field])
        assert says in response.content.decode()
        assert not ParticipantNeeds.objects.exists()

    def test_a_visit_the_person_is_not_a_participant_of_is_refused(self, browser, answering):
        other_visit = published(VisitFactory.create(title="Another delegation's visit"))
        other = DelegationMemberFactory.create(delegation=other_visit.delegation).person
        response = needs(browser, other, answering.visit, dietary=["vegan"])
        assert response.status_code == 400 and "visit: " in response.content.decode()
        assert not ParticipantNeeds.objects.exists()

    def test_a_cancelled_visit_takes_no_more_needs(self, browser, answering):
        browser.get(page_url(answering.head))  # opened before the cancellation
        visit_change_status(visit=answering.visit, status="cancelled")
        assert 'name="dietary"' not in browser.get(page_url(answering.head)).content.decode()
        response = needs(browser, answering.head, answering.visit, dietary=["vegan"])
        assert response.status_code == 400 and not ParticipantNeeds.objects.exists()

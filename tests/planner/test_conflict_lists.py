"""The conflict lists of the planner: one line for a delegation in two sessions at once, on the board, in the
session's live panel and on the publish page; fix buttons that re-check before they move anything."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import translation

from scheduling.checks import session_conflicts, visit_conflict_report
from scheduling.conflict_groups import group_conflicts
from scheduling.fixes import fixes_for
from scheduling.models import ConflictAcknowledgement
from scheduling.publishing import PublishBlocked, programme_publish
from tests.factories import (
    DelegationMemberFactory,
    SessionFactory,
    UserFactory,
    VenueFactory,
    VisitFactory,
    stockholm,
)
from visits.models import Session
from visits.roles import coordinators_group
from visits.services import session_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def clash(visit):
    """A delegation of twelve in two sessions at once: the briefing 9:00–11:30, the visit 10:00–11:00."""
    for _ in range(12):
        DelegationMemberFactory(delegation=visit.delegation)
    briefing = SessionFactory(
        visit=visit,
        title="Briefing",
        starts_at=stockholm(2027, 3, 23, 9),
        ends_at=stockholm(2027, 3, 23, 11, 30),
        venue=VenueFactory(name="Police HQ", city="Stockholm"),
    )
    site = SessionFactory(
        visit=visit,
        title="Shelter visit",
        starts_at=stockholm(2027, 3, 23, 10),
        ends_at=stockholm(2027, 3, 23, 11),
        venue=VenueFactory(name="Shelter", city="Stockholm"),
    )
    return briefing, site


def unbooked(visit):
    """A session that needs an interpreter and has none: a warning."""
    return SessionFactory(
        visit=visit,
        title="Hearing",
        starts_at=stockholm(2027, 3, 25, 9),
        language="sv",
        interpreter_needed=True,
        interpretation_language="ro",
    )


def lines(html, section_start):
    section = html[html.index(section_start) :]
    section = section[: section.index("</ul>")]
    return re.findall(r"<li class=\"conflict-(fatal|warning)\">(.*?)</li>", section, re.S)


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def test_the_board_lists_a_whole_delegation_in_two_sessions_once(signed_in, visit, clash):
    html = signed_in.get(reverse("planner:board", args=[visit.pk])).content.decode()
    found = lines(html, 'id="conflicts-heading"')
    double = [text for _, text in found if "two sessions at once" in text]
    assert len(double) == 1
    assert "The whole delegation (12) is in two sessions at once" in double[0]
    assert 'class="badge badge-fatal"' in double[0]
    assert "Move “Shelter visit” to 11:50, after the journey" in double[0]  # 20 minutes across town
    # Not once per session it touches; the details panel of each session (hidden until a card is opened) says
    # what concerns that session.
    listed = re.sub(r'<aside class="details-panel".*?</aside>', "", html, flags=re.DOTALL)
    assert listed.count("The whole delegation (12)") == 1


def test_the_live_panel_and_the_publish_page_list_it_once_too(signed_in, visit, clash):
    briefing, _site = clash
    html = signed_in.get(reverse("planner:session_edit", args=[briefing.pk])).content.decode()
    assert html.count("two sessions at once") == 1
    assert "The whole delegation (12) is in two sessions at once" in html
    html = signed_in.get(reverse("planner:publish", args=[visit.pk])).content.decode()
    assert html.count("two sessions at once") == 1
    fatal = lines(html, 'id="fatal-heading"')
    assert [kind for kind, _ in fatal] == ["fatal"]


def test_grouping_changes_nothing_of_what_blocks_publishing(visit, clash, coordinator):
    with pytest.raises(PublishBlocked) as blocked:
        programme_publish(visit=visit, actor=coordinator)
    assert len(blocked.value.conflicts) == 12  # still each person's conflict underneath


def test_fatal_lines_come_before_warnings(signed_in, visit, clash):
    unbooked(visit)
    html = signed_in.get(reverse("planner:board", args=[visit.pk])).content.decode()
    kinds = [kind for kind, _ in lines(html, 'id="conflicts-heading"')]
    assert kinds == sorted(kinds)  # "fatal" < "warning"
    assert kinds[0] == "fatal" and "warning" in kinds


def test_the_move_fix_moves_the_later_session_after_the_earlier_and_the_journey_keeping_its_length(
    signed_in, visit, clash
):
    _briefing, site = clash
    (fix,) = fixes_for(group_conflicts(session_conflicts(site)), visit.pk).values()
    response = signed_in.post(reverse("planner:session_fix", args=[site.pk]), {"fix": fix.token})
    assert response.status_code == 302
    assert response.url == reverse("planner:session_edit", args=[site.pk])
    site.refresh_from_db()
    assert (site.starts_at, site.ends_at) == (stockholm(2027, 3, 23, 11, 50), stockholm(2027, 3, 23, 12, 50))
    assert session_conflicts(site) == []
    page = signed_in.get(response.url)
    assert any("“Shelter visit” is saved." in m for m in messages_of(page))
    assert "No conflicts." in page.content.decode()


def test_the_fix_button_on_the_board_works_as_posted(signed_in, visit, clash):
    _briefing, site = clash
    html = signed_in.get(reverse("planner:board", args=[visit.pk])).content.decode()
    token = re.search(r'name="fix" value="([^"]+)"', html).group(1)
    signed_in.post(reverse("planner:session_fix", args=[site.pk]), {"fix": token})
    site.refresh_from_db()
    assert site.starts_at == stockholm(2027, 3, 23, 11, 50)


def test_a_fix_is_a_step_the_board_can_undo(signed_in, visit, clash):
    _briefing, site = clash
    before = (site.starts_at, site.ends_at)
    html = signed_in.get(reverse("planner:board", args=[visit.pk])).content.decode()
    token = re.search(r'name="fix" value="([^"]+)"', html).group(1)
    signed_in.post(reverse("planner:session_fix", args=[site.pk]), {"fix": token})
    site.refresh_from_db()
    assert site.starts_at != before[0]
    signed_in.post(reverse("planner:undo", args=[visit.pk]))
    site.refresh_from_db()
    assert (site.starts_at, site.ends_at) == before


def test_a_fix_for_a_session_changed_meanwhile_is_refused_with_a_clear_message(
    signed_in, visit, clash, coordinator
):
    _briefing, site = clash
    (fix,) = fixes_for(group_conflicts(session_conflicts(site)), visit.pk).values()
    session_update(session=site, data={"title": "Shelter visit (short)"}, actor=coordinator)
    response = signed_in.post(reverse("planner:session_fix", args=[site.pk]), {"fix": fix.token}, follow=True)
    site.refresh_from_db()
    assert site.starts_at == stockholm(2027, 3, 23, 10)
    assert any(
        "was changed after this list was shown, so nothing was moved" in m for m in messages_of(response)
    )


def test_a_fix_whose_conflict_is_gone_is_refused(signed_in, visit, clash, coordinator):
    briefing, site = clash
    (fix,) = fixes_for(group_conflicts(session_conflicts(site)), visit.pk).values()
    session_update(
        session=briefing,
        data={"starts_at": stockholm(2027, 3, 23, 8), "ends_at": stockholm(2027, 3, 23, 9)},
        actor=coordinator,
    )
    response = signed_in.post(reverse("planner:session_fix", args=[site.pk]), {"fix": fix.token}, follow=True)
    site.refresh_from_db()
    assert site.starts_at == stockholm(2027, 3, 23, 10)
    assert any("has changed or no longer arises; nothing was changed" in m for m in messages_of(response))


def test_a_made_up_fix_is_refused_naming_no_field_and_changing_nothing(signed_in, visit, clash):
    _briefing, site = clash
    for token in ["", "move|1|2", f"move|{site.pk}|{site.revision}|2027-03-23T09:00|", "x|y|z|w|v"]:
        response = signed_in.post(reverse("planner:session_fix", args=[site.pk]), {"fix": token}, follow=True)
        assert response.status_code == 200
        site.refresh_from_db()
        assert site.starts_at == stockholm(2027, 3, 23, 10)


def test_another_coordinators_session_cannot_be_fixed(client, visit, clash):
    _briefing, site = clash
    (fix,) = fixes_for(group_conflicts(session_conflicts(site)), visit.pk).values()
    bertil = UserFactory(username="bertil", is_staff=True)
    bertil.groups.add(coordinators_group())
    client.force_login(bertil)
    assert client.post(reverse("planner:session_fix", args=[site.pk]), {"fix": fix.token}).status_code == 404
    # Nor by posting his own session's address with Anna's token.
    own = SessionFactory(visit=VisitFactory(), title="Bertil's")
    own.visit.coordinators.add(bertil)
    client.post(reverse("planner:session_fix", args=[own.pk]), {"fix": fix.token})
    site.refresh_from_db()
    own.refresh_from_db()
    assert site.starts_at == stockholm(2027, 3, 23, 10)
    assert own.starts_at == stockholm(2027, 3, 23, 9)


def test_book_an_interpreter_links_to_an_interpreter_row_with_the_language_chosen(signed_in, visit):
    session = SessionFactory(
        visit=visit, title="Hearing", language="sv", interpreter_needed=True, interpretation_language="ro"
    )
    html = signed_in.get(reverse("planner:board", args=[visit.pk])).content.decode()
    link = reverse("planner:session_edit", args=[session.pk]) + "?interpreter=ro#interpreters"
    assert f'href="{link}"' in html
    assert "Book an interpreter for Romanian" in html
    form = signed_in.get(link.split("#")[0]).content.decode()
    row = form[form.index('id="interpreters"') :]
    selected = re.findall(r'<option value="(\w+)" selected>', row)
    assert "ro" in selected


def test_the_interpreter_fix_and_names_are_in_swedish_for_a_swedish_reader(signed_in, visit, coordinator):
    SessionFactory(
        visit=visit, title="Hearing", language="sv", interpreter_needed=True, interpretation_language="ro"
    )
    signed_in.cookies["django_language"] = "sv"
    html = signed_in.get(
        reverse("planner:board", args=[visit.pk]), HTTP_ACCEPT_LANGUAGE="sv"
    ).content.decode()
    assert "Boka tolk för rumänska" in html
    assert "tolkning till rumänska" in html


def test_acknowledging_a_grouped_warning_acknowledges_each_of_its_conflicts(signed_in, visit, coordinator):
    session = unbooked(visit)
    report = visit_conflict_report(visit, reader=coordinator)
    keys = [c.key for c in report.warnings]
    response = signed_in.post(reverse("planner:acknowledge", args=[visit.pk]), {"key": keys})
    assert response.status_code == 302
    assert set(ConflictAcknowledgement.objects.filter(visit=visit).values_list("key", flat=True)) == set(keys)
    assert session.pk


def test_a_fatal_key_among_them_acknowledges_none(signed_in, visit, clash, coordinator):
    unbooked(visit)
    report = visit_conflict_report(visit, reader=coordinator)
    keys = [report.warnings[0].key, report.fatal[0].key]
    signed_in.post(reverse("planner:acknowledge", args=[visit.pk]), {"key": keys})
    assert not ConflictAcknowledgement.objects.filter(visit=visit).exists()


def test_a_travel_fix_moves_the_later_session_to_when_the_journey_arrives(signed_in, visit):
    DelegationMemberFactory(delegation=visit.delegation)
    first = SessionFactory(
        visit=visit,
        starts_at=stockholm(2027, 3, 23, 9),
        ends_at=stockholm(2027, 3, 23, 10),
        venue=VenueFactory(city="Stockholm"),
    )
    later = SessionFactory(
        visit=visit,
        title="Uppsala",
        starts_at=stockholm(2027, 3, 23, 10, 15),
        ends_at=stockholm(2027, 3, 23, 11),
        venue=VenueFactory(city="Uppsala"),
    )
    with translation.override("en"):
        (fix,) = fixes_for(group_conflicts(session_conflicts(later)), visit.pk).values()
    assert fix.label == "Move “Uppsala” to 13:00, after the journey"  # 180 minutes between cities
    signed_in.post(reverse("planner:session_fix", args=[later.pk]), {"fix": fix.token})
    later.refresh_from_db()
    assert later.starts_at == stockholm(2027, 3, 23, 13) and later.ends_at - later.starts_at == dt.timedelta(
        minutes=45
    )
    assert first.pk and Session.objects.count() == 2


def clashes(visit, count):
    """`count` pairs of sessions at once for the whole delegation, each pair at its own venues, one of each
    pair needing an interpreter."""
    for n in range(count):
        start = stockholm(2027, 3, 22 + n % 5, 8) + dt.timedelta(hours=2 * (n // 5))
        SessionFactory(visit=visit, starts_at=start, ends_at=start + dt.timedelta(hours=1))
        SessionFactory(
            visit=visit,
            starts_at=start + dt.timedelta(minutes=30),
            ends_at=start + dt.timedelta(minutes=90),
            interpreter_needed=True,
            interpretation_language="ro",
        )


@pytest.mark.parametrize("page", ["board", "publish"])
def test_a_conflict_list_costs_the_same_queries_for_2_clashes_as_for_20(
    signed_in, coordinator, page, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    small, large = VisitFactory(), VisitFactory()
    for visit, count in ((small, 2), (large, 20)):
        visit.coordinators.add(coordinator)
        for _ in range(3):
            DelegationMemberFactory(delegation=visit.delegation)
        clashes(visit, count)
    with CaptureQueriesContext(connection) as captured:
        html = signed_in.get(reverse(f"planner:{page}", args=[small.pk])).content.decode()
    assert "The whole delegation (3)" in html
    with django_assert_num_queries(len(captured)):
        html = signed_in.get(reverse(f"planner:{page}", args=[large.pk])).content.decode()
    listed = re.sub(r'<aside class="details-panel".*?</aside>', "", html, flags=re.DOTALL)
    assert listed.count("The whole delegation (3)") == 20  # the lists, less each session's details panel


def test_the_session_form_and_print_view_name_languages_in_the_readers_language(signed_in, visit):
    session = SessionFactory(
        visit=visit, language="sv", interpreter_needed=True, interpretation_language="ro"
    )
    signed_in.cookies["django_language"] = "sv"
    form = signed_in.get(reverse("planner:session_edit", args=[session.pk]), HTTP_ACCEPT_LANGUAGE="sv")
    html = form.content.decode()
    assert '<option value="ro" selected>Rumänska</option>' in html
    assert '<option value="ro">Rumänska</option>' in html  # in the interpreter rows too
    signed_in.cookies["django_language"] = "en"
    html = signed_in.get(reverse("planner:session_edit", args=[session.pk])).content.decode()
    assert '<option value="ro" selected>Romanian</option>' in html
    visit.delegation.languages = ["sv"]
    visit.delegation.save()
    printed = signed_in.get(reverse("planner:print", args=[visit.pk])).content.decode()
    assert ("svenska" in printed and "tolkat till rumänska" in printed.lower()) or "rumänska" in printed
    assert ">ro<" not in printed


def test_the_live_panel_offers_the_fix_as_a_button_of_the_session_form(signed_in, visit, clash):
    _briefing, site = clash
    html = signed_in.get(reverse("planner:session_edit", args=[site.pk])).content.decode()
    panel = html[html.index('id="conflicts"') :]
    panel = panel[: panel.index("</section>")]
    fix_url = reverse("planner:session_fix", args=[site.pk])
    assert f'formaction="{fix_url}"' in panel  # no form inside the session form
    assert "<form" not in panel
    token = re.search(r'name="fix" value="([^"]+)"', panel).group(1)
    # Pressed, it posts the whole session form to the fix view, which reads only the fix.
    signed_in.post(fix_url, {"fix": token, "title": "Typed but not saved", "action": ""})
    site.refresh_from_db()
    assert site.starts_at == stockholm(2027, 3, 23, 11, 50) and site.title == "Shelter visit"


def test_the_dashboard_counts_a_delegation_in_two_sessions_at_once_once(signed_in, visit, clash):
    unbooked(visit)
    response = signed_in.get(reverse("planner:dashboard"))
    (row,) = [row for row in response.context["rows"] if row.visit.pk == visit.pk]
    assert row.conflicts == 2  # the grouped clash and the warning, as the board lists them


def test_a_venue_booked_twice_offers_a_free_venue_in_the_town(signed_in, visit, coordinator):
    hall = VenueFactory(name="Hall A", city="Stockholm", capacity=40)
    first = SessionFactory(visit=visit, title="Talk", venue=hall, starts_at=stockholm(2027, 3, 24, 9))
    second = SessionFactory(visit=visit, title="Workshop", venue=hall, starts_at=stockholm(2027, 3, 24, 10))
    VenueFactory(name="Hall B (too small)", city="Stockholm", capacity=10)
    taken = VenueFactory(name="Hall C", city="Stockholm", capacity=50)
    SessionFactory(visit=VisitFactory(), venue=taken, starts_at=stockholm(2027, 3, 24, 10, 30))
    free = VenueFactory(name="Hall D", city="Stockholm", capacity=60)
    VenueFactory(name="Hall E", city="Uppsala")
    with translation.override("en"):
        fixes = fixes_for(group_conflicts(session_conflicts(second)), visit.pk)
    (venue_fix,) = [f for f in fixes.values() if f.action == "venue"]
    assert venue_fix.label == "Move “Workshop” to Hall D, free then"
    # Taken meanwhile: the same button is refused, nothing moves.
    blocker = SessionFactory(visit=VisitFactory(), venue=free, starts_at=stockholm(2027, 3, 24, 10))
    response = signed_in.post(
        reverse("planner:session_fix", args=[second.pk]), {"fix": venue_fix.token}, follow=True
    )
    second.refresh_from_db()
    assert second.venue == hall
    assert any("no longer arises; nothing was changed" in m for m in messages_of(response))
    blocker.delete()
    signed_in.post(reverse("planner:session_fix", args=[second.pk]), {"fix": venue_fix.token})
    second.refresh_from_db()
    assert second.venue == free and second.starts_at == stockholm(2027, 3, 24, 10)
    assert first.venue == hall

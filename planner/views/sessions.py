"""Adding, editing, moving and cancelling sessions, and the conflict check while a session is edited.

Moving is editing the time or the venue. Conflicts never stop a save (fatal ones stop publishing): they are
shown while the form is filled in, by the page's script asking `check`, and after a save or a press on
"Check" without the script.
"""

from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.models import User
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_POST

from planner.board import time_span
from planner.forms import PlannerSessionForm
from planner.needs_you import Item, needs_you
from planner.views import language
from scheduling.checks import proposal_conflicts as session_proposal_conflicts
from scheduling.checks import session_conflict_groups, session_conflicts
from scheduling.conflicts import Conflict
from scheduling.fixes import Line, lines_of
from visits.access import AnyUser, access_session, access_visit, signed_in_required
from visits.forms import model_data
from visits.models import SESSION_TRANSITIONS, ChosenMember, Session, StaleEdit, Visit
from visits.services import InvalidTransition, session_change_status, session_create, session_update


def board_url(visit: Visit, session: Session | None = None) -> str:
    url = reverse("planner:board", args=[visit.pk])
    return f"{url}#session-{session.pk}" if session is not None else url


def proposal_conflicts(form: PlannerSessionForm, reader: AnyUser) -> list[Conflict]:
    """The conflicts of the session as the valid form describes it, with its people, nothing saved."""
    return session_proposal_conflicts(
        form.instance,
        experts=form.chosen_experts(),
        participants=form.chosen_participants(),
        interpreters=list(form.chosen_interpreters()),
        reader=reader,
    )


def session_save(form: PlannerSessionForm, *, actor: User) -> Session:
    """Save the valid form's session with its people (experts, interpreters, chosen members), all or nothing.

    Raises StaleEdit if someone saved the session meanwhile.
    """
    data = model_data(form)
    experts, interpreters = form.chosen_experts(), form.chosen_interpreters()
    chosen_members = form.chosen_members()
    if form.instance.pk is None:
        return session_create(
            visit=form.instance.visit,
            data=data,
            experts=experts,
            interpreters=interpreters,
            chosen_members=chosen_members,
            actor=actor,
        )
    return session_update(
        session=form.instance,
        data=data,
        experts=experts,
        interpreters=interpreters,
        chosen_members=chosen_members,
        actor=actor,
    )


def with_its_people(session: Session) -> Session:
    """The session with its experts, interpreters and chosen members read once, for its form and its conflicts
    alike: a fixed number of queries however many people it has."""
    prefetch_related_objects(
        [session],
        "session_experts",
        "session_interpreters",
        Prefetch("session_chosen_members", queryset=ChosenMember.objects.select_related("member")),
    )
    return session


def saved_conflict_message(request: HttpRequest, session: Session, conflicts: list[Conflict]) -> None:
    if not conflicts:
        messages.success(request, gettext("“%(title)s” is saved.") % {"title": session.title})
        return
    groups = session_conflict_groups(session, conflicts)
    heading = ngettext(
        "“%(title)s” is saved, with %(count)d conflict:",
        "“%(title)s” is saved, with %(count)d conflicts:",
        len(groups),
    ) % {"title": session.title, "count": len(groups)}
    messages.warning(request, " ".join([heading, *(g.message(language()) for g in groups)]))


def conflict_lines(session: Session, conflicts: list[Conflict]) -> list[Line]:
    """The session's conflicts as the live panel lists them: grouped, fatal first, with their fixes."""
    return lines_of(session_conflict_groups(session, conflicts), session.visit_id, language())


def stale_notice(current: Session) -> str:
    return gettext(
        "Someone else saved “%(title)s” after you opened it. Your changes are below and were not saved. "
        "The session now reads: %(when)s, %(venue)s, %(status)s. Save again to replace that with your "
        "version, or reload the page to start from theirs."
    ) % {
        "title": current.title,
        "when": time_span(current),
        "venue": current.venue.name if current.venue else gettext("no venue"),
        "status": current.get_status_display(),
    }


def session_page(request: HttpRequest, visit: Visit, session: Session | None) -> HttpResponse:
    zone: ZoneInfo = session.zone if session is not None else visit.zone
    instance = session if session is not None else Session(visit=visit)
    conflicts: list[Conflict] | None = None
    stale = ""
    if request.method != "POST":
        if session is not None:
            with_its_people(session)
        form = PlannerSessionForm(
            instance=instance,
            visit=visit,
            zone=zone,
            reader=request.user,
            interpreter_language=request.GET.get("interpreter", ""),
        )
        if session is not None:
            conflicts = session_conflicts(session, reader=request.user)
    else:
        form = PlannerSessionForm(
            request.POST, instance=instance, visit=visit, zone=zone, reader=request.user
        )
        saved_meanwhile = False
        if form.is_valid() and request.POST.get("action") == "check":
            conflicts = proposal_conflicts(form, request.user)
        elif form.is_valid():
            try:
                assert isinstance(request.user, User)  # login_required let the request in
                saved = session_save(form, actor=request.user)
            except StaleEdit:
                saved_meanwhile = True  # between the form's check of the revision and the save
            else:
                saved_conflict_message(request, saved, session_conflicts(saved, reader=request.user))
                return HttpResponseRedirect(board_url(visit, saved))
        if session is not None and (saved_meanwhile or form.is_stale()):
            # Keep what they typed; the form now carries the current revision, so saving again is deliberate.
            current = access_session(request.user, session.pk)
            stale = stale_notice(current)
            data = request.POST.copy()
            data["seen_revision"] = str(current.revision)
            form = PlannerSessionForm(data, instance=current, visit=visit, zone=zone, reader=request.user)
    return render(
        request,
        "planner/session_form.html",
        {
            "visit": visit,
            "session": session,
            "form": form,
            "conflicts": None if conflicts is None else conflict_lines(instance, conflicts),
            "stale": stale,
            "statuses": allowed_statuses(session),
            "needs": needs_of_session(visit, session),
        },
    )


def needs_of_session(visit: Visit, session: Session | None) -> list[Item]:
    """The answers about this session that need the coordinator (a proposal to accept or refuse, ...)."""
    if session is None:
        return []
    return [item for item in needs_you({visit.pk: visit}) if item.session and item.session.pk == session.pk]


def allowed_statuses(session: Session | None) -> list[tuple[str, str]]:
    if session is None:
        return []
    allowed = SESSION_TRANSITIONS.get(session.status, set())
    return [(value, str(label)) for value, label in Session.Status.choices if value in allowed]


@signed_in_required
def session_new(request: HttpRequest, visit_id: int) -> HttpResponse:
    return session_page(request, access_visit(request.user, visit_id), None)


@signed_in_required
def session_edit(request: HttpRequest, session_id: int) -> HttpResponse:
    session = access_session(request.user, session_id)
    return session_page(request, session.visit, session)


@signed_in_required
@require_POST
def session_status(request: HttpRequest, session_id: int) -> HttpResponse:
    """Cancel, confirm or take up again: the one function that moves a session's status does it."""
    session = access_session(request.user, session_id)
    status = request.POST.get("status", "")
    if status not in Session.Status.values:
        messages.error(request, gettext("Choose a status: tentative, confirmed or cancelled."))
        return HttpResponseRedirect(board_url(session.visit, session))
    assert isinstance(request.user, User)  # login_required let the request in
    try:
        moved = session_change_status(session=session, status=status, actor=request.user)
    except InvalidTransition as refused:
        messages.error(request, " ".join(refused.messages))
    else:
        messages.success(
            request,
            gettext("“%(title)s” is now %(status)s.")
            % {"title": moved.title, "status": moved.get_status_display().lower()},
        )
    return HttpResponseRedirect(board_url(session.visit, session))


@signed_in_required
@require_POST
def check(request: HttpRequest, visit_id: int) -> HttpResponse:
    """An HTML fragment: the conflicts of the session the posted form describes, nothing saved."""
    visit = access_visit(request.user, visit_id)
    session: Session | None = None
    if request.POST.get("session"):
        try:
            session = access_session(request.user, int(request.POST["session"]))
        except ValueError:
            raise Http404 from None
        if session.visit_id != visit.pk:
            raise Http404
    zone = session.zone if session is not None else visit.zone
    form = PlannerSessionForm(
        request.POST,
        instance=session or Session(visit=visit),
        visit=visit,
        zone=zone,
        reader=request.user,
        check_only=True,
    )
    if not form.is_valid():
        return render(request, "planner/_conflicts.html", {"form_errors": form.problems(), "conflicts": None})
    lines = conflict_lines(form.instance, proposal_conflicts(form, request.user))
    return render(request, "planner/_conflicts.html", {"conflicts": lines})

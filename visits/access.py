"""What a user may see and change: the one module that decides, for the planner, the directory, the API and
the admin alike. What someone may not see is a 404 (`access_*`), never a 403 that confirms it exists.
README.md's "Who sees what" says the same in the users' words; keep the two in step.

Who may come in: two entry rules, on purpose.
- `is_coordinator` (signed in, active, staff) lets in to the directory, the API and the admin. Coordinators
  are staff because the admin is part of their toolbox. The directory's people, organisations and venues are
  shared between all coordinators, so a signed-in person who is not staff must find nothing there (404).
- `signed_in_required` lets in to the planner (and the home page): every page there is of a visit, and shows
  only what `visits_for_user` allows, so signing in is enough. Whoever is named coordinator of a visit plans
  it even if they are not staff; someone who coordinates nothing finds no visit (404).

What each may see, once let in:
- visits: an agency admin every visit; anyone else the visits they coordinate. Being staff is no reason to
  see more (every coordinator is staff). The agency admin is a role of its own (`is_agency_admin`): the
  permission `visits.agency_admin`, given by the "Agency admins" group, which also manages the coordinators'
  accounts in the admin. A superuser holds every permission, so it is one too.
- everything of a visit (its sessions and their experts, its outbox messages, its programme versions and
  changes, answers, participants' needs): what its visit is. `visible_visits(user, path)` says so over any
  lookup path to a visit, so that apps above visits apply the rule to their own models without restating it.
- delegations: an agency admin every delegation; anyone else those they coordinate themselves (whoever
  registers one coordinates it) or through one of its visits. Their members (personal data) go with them.
- people: shared by everyone let in (one expert serves many visits; organisations, venues and themes are
  shared too), except a delegation's members: a member of a delegation the user may not see is not seen
  (`visible_people`), unless they are in one the user may see as well. People in no delegation (experts,
  interpreters) stay shared.
- where a person's mail goes (their e-mail and name): nobody changes it for another coordinator.
  `may_redirect_mail` refuses it when the person is in a delegation, or on a visit (leading, interpreting or
  attending a session), that the user does not coordinate; an agency admin may. `held_by_others` is the
  narrower rule of adding people to one's own delegation (by hand or by import): a member of another
  coordinator's delegation is neither changed nor moved.
- conflicts across visits are free/busy: a clash with a session of a visit the user may not see says only
  that the person is busy or the venue booked then, in another visit, with no title, time, venue, delegation
  or id of that session (`visible_visit_ids`, asked by scheduling.checks for every reader).
- a seminar's registration (its settings, registrants and check-in list): what its seminar is
  (`access_seminar`); the public registration page is reached by its key, a registrant's cancel and offer
  links by their signed token (registration.links).
- personal tokens: a visit's tokens go with the visit; a person's with the person, as long as the user
  coordinates something of theirs (`visible_person_tokens`: a member of a delegation the user may see, or
  someone on a visit the user coordinates); the token pages are reached by the token alone
  (notifications.tokens.find_person_token and find_visit_token, responses through notifications.links, a
  participant's survey through evaluations.services.find_recipient). A visit's survey results are the visit's.
- the report to government (reports): figures over the visits the user may see (`visits_for_user`): an agency
  admin's over every visit, a coordinator's over the visits they coordinate.
- requests for a visit (intake, from the public page): the agency's inbox, so every coordinator sees and
  triages all of them (`may_triage_requests`), before any visit or delegation of theirs exists; a signed-in
  person who is not a coordinator finds nothing there (404). The requester reaches their own request only
  through the link of an e-mail asking for more (intake.tokens).
- /metrics (counts of the outbox, no row of anyone's): whoever presents METRICS_TOKEN as a bearer token,
  signed in or not (`may_read_metrics`); nobody when the setting is empty; 404 otherwise.
"""

import hmac
from collections.abc import Callable, Collection
from functools import wraps
from typing import Any, Protocol

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext

from visits.models import (
    Delegation,
    DelegationMember,
    Person,
    Session,
    SessionExpert,
    SessionInterpreter,
    Visit,
)

AnyUser = User | AnonymousUser
View = Callable[..., HttpResponse]


class Signed(Protocol):
    """A request of Django's or of REST framework's: both carry the user an entry rule let in."""

    user: Any


AGENCY_ADMIN = "visits.agency_admin"
AGENCY_ADMINS_GROUP = "Agency admins"
NOTHING = Q(pk__in=[])  # matches no row, and the database is not asked


# --- Who may come in ---


def may_read_metrics(request: HttpRequest) -> bool:
    """Prometheus's scrape: `Authorization: Bearer <METRICS_TOKEN>`. An empty setting lets nobody in."""
    token: str = settings.METRICS_TOKEN
    scheme, _, presented = request.headers.get("Authorization", "").partition(" ")
    if not token or scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(presented.strip().encode(), token.encode())


def is_coordinator(user: AnyUser) -> bool:
    """The directory's, the API's and the admin's entry rule: signed in, active and staff."""
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def is_agency_admin(user: AnyUser) -> bool:
    """The agency admin's role: sees every visit and delegation, and manages the coordinators."""
    return bool(user.is_authenticated and user.is_active and user.has_perm(AGENCY_ADMIN))


def may_triage_requests(user: AnyUser) -> bool:
    """Requests for a visit are the agency's inbox: every coordinator reads, accepts, asks or declines."""
    return is_coordinator(user)


def triage_required(view: View) -> View:
    """Sign-in first; then whoever may not triage requests finds nothing here (404)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not may_triage_requests(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return login_required(wrapped)


def actor_of(request: Signed) -> User | None:
    """Who makes a change, for the write services (their `actor`): the signed-in user of a page, the admin or
    the API; None where nobody signed in is acting."""
    return request.user if isinstance(request.user, User) else None


def coordinator_required(view: View) -> View:
    """Sign-in first; then a signed-in person who is not a coordinator finds nothing here (404)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_coordinator(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return login_required(wrapped)


def signed_in_required(view: View) -> View:
    """The planner's entry rule: signed in (anyone else is sent to sign in). Its pages are of visits, and
    what the person does not coordinate is a 404 from `access_visit` and `access_session`."""
    return login_required(view)


# --- What each may see: conditions over a lookup path, for any model ---


def visible_visits(user: AnyUser, path: str = "pk") -> Q:
    """Rows whose `path` leads to a visit the user may see: "pk" for a visit, "visit" for a session or an
    outbox message, "session__visit" for a session's expert, and so on."""
    if not user.is_authenticated:
        return NOTHING
    if is_agency_admin(user):
        return Q()
    coordinated = Visit.coordinators.through.objects.filter(user=user.pk).values("visit")
    return Q(**{f"{path}__in": coordinated})


def visible_delegations(user: AnyUser, path: str = "pk") -> Q:
    """Rows whose `path` leads to a delegation the user may see: "pk" for a delegation, "delegation" for a
    member. Members are personal data: being staff is no reason to see them."""
    if not user.is_authenticated:
        return NOTHING
    if is_agency_admin(user):
        return Q()
    through_visits = Visit.coordinators.through.objects.filter(user=user.pk).values("visit__delegation")
    their_own = Delegation.coordinators.through.objects.filter(user=user.pk).values("delegation")
    return Q(**{f"{path}__in": through_visits}) | Q(**{f"{path}__in": their_own})


def visible_people(user: AnyUser, path: str = "pk") -> Q:
    """Rows whose `path` leads to a person the user may see: anyone in no delegation (experts, interpreters:
    shared by everyone let in), and the members of the delegations the user may see. A member of another
    coordinator's delegation only is that coordinator's: their contact data is personal data."""
    if not user.is_authenticated:
        return NOTHING
    if is_agency_admin(user):
        return Q()
    members = DelegationMember.objects.values("person")
    seen = DelegationMember.objects.filter(visible_delegations(user, "delegation")).values("person")
    return ~Q(**{f"{path}__in": members}) | Q(**{f"{path}__in": seen})


def held_by_others(user: AnyUser | None, path: str = "pk") -> Q:
    """Rows whose `path` leads to a member of a delegation the user may not see: another coordinator's
    delegate, whom an import or a new membership of the user's must neither change nor move. None is the
    system (a task, the demo), for which nobody is held."""
    if user is None or is_agency_admin(user):
        return NOTHING
    hidden = DelegationMember.objects.exclude(visible_delegations(user, "delegation")).values("person")
    return Q(**{f"{path}__in": hidden})


def mail_kept_from(user: AnyUser | None, path: str = "pk") -> Q:
    """Rows whose `path` leads to a person whose e-mail and name the user may not change: one in a delegation
    the user may not see, or on a visit the user does not coordinate (leading or interpreting a session, or a
    member of its delegation). Changing them would send another coordinator's mail (invitations, personal
    links) elsewhere. An agency admin may change anyone's; None is the system, which may too."""
    if user is None or is_agency_admin(user):
        return NOTHING
    others = Visit.objects.exclude(visible_visits(user)).values("pk")
    return (
        held_by_others(user, path)
        | Q(**{f"{path}__in": SessionExpert.objects.filter(session__visit__in=others).values("person")})
        | Q(**{f"{path}__in": SessionInterpreter.objects.filter(session__visit__in=others).values("person")})
        | Q(
            **{f"{path}__in": DelegationMember.objects.filter(delegation__visits__in=others).values("person")}
        )
    )


def may_redirect_mail(user: AnyUser | None, person: Person) -> bool:
    """Whether the user may change where the person's mail goes (e-mail, name): see `mail_kept_from`."""
    if person.pk is None:
        return True
    return not Person.objects.filter(pk=person.pk).filter(mail_kept_from(user)).exists()


def visible_person_tokens(user: AnyUser, person_path: str = "person", visit_path: str = "visit") -> Q:
    """Personal tokens the user may list and revoke: a visit's of a visit they coordinate; a person's of a
    member of a delegation they may see, or of someone on a visit they coordinate (an expert, an interpreter).
    A shared expert's feed is not every coordinator's to break."""
    if not user.is_authenticated:
        return NOTHING
    if is_agency_admin(user):
        return Q()
    coordinated = Visit.objects.filter(visible_visits(user)).values("pk")
    concerned = (
        DelegationMember.objects.filter(visible_delegations(user, "delegation")).values("person"),
        SessionExpert.objects.filter(session__visit__in=coordinated).values("person"),
        SessionInterpreter.objects.filter(session__visit__in=coordinated).values("person"),
    )
    person_rule = Q()
    for people in concerned:
        person_rule |= Q(**{f"{person_path}__in": people})
    return visible_visits(user, visit_path) | person_rule


# --- The same as querysets ---


def visits_for_user(user: AnyUser) -> QuerySet[Visit]:
    return Visit.objects.filter(visible_visits(user))


def visible_visit_ids(user: AnyUser, visit_ids: Collection[int]) -> set[int]:
    """Which of these visits the user may see: for what another visit may show of itself (a conflict with
    one the user may not see is only "busy"). One query, none for an agency admin or no visits."""
    if not visit_ids or not user.is_authenticated:
        return set()
    if is_agency_admin(user):
        return set(visit_ids)
    return set(visits_for_user(user).filter(pk__in=visit_ids).values_list("pk", flat=True))


def sessions_for_user(user: AnyUser) -> QuerySet[Session]:
    return Session.objects.filter(visible_visits(user, "visit"))


def delegations_for_user(user: AnyUser) -> QuerySet[Delegation]:
    return Delegation.objects.filter(visible_delegations(user))


def members_for_user(user: AnyUser) -> QuerySet[DelegationMember]:
    return DelegationMember.objects.filter(visible_delegations(user, "delegation"))


def people_for_user(user: AnyUser) -> QuerySet[Person]:
    return Person.objects.filter(visible_people(user))


def people_to_choose(user: AnyUser, session: Session | None) -> QuerySet[Person]:
    """The people a session's experts and interpreters are chosen from: those the user may see, and those
    already on the session (put there by an agency admin, say), who stay when the form is sent back. The
    planner's pickers offer fewer: experts and interpreters only (scheduling.directory)."""
    condition = visible_people(user)
    if condition == Q():  # everyone (an agency admin): an empty Q in an OR would narrow it to the session's
        return Person.objects.all()
    if session is not None and session.pk is not None:
        condition |= Q(pk__in=SessionExpert.objects.filter(session=session).values("person"))
        condition |= Q(pk__in=SessionInterpreter.objects.filter(session=session).values("person"))
    return Person.objects.filter(condition)


# --- One object, or a 404 ---


def access_visit(user: AnyUser, visit_id: int) -> Visit:
    """The visit with its delegation, if the user may see it."""
    visit = visits_for_user(user).select_related("delegation").filter(pk=visit_id).first()
    if visit is None:
        raise Http404(gettext("No visit with that number that you coordinate."))
    return visit


def access_seminar(user: AnyUser, visit_id: int) -> Visit:
    """A seminar abroad (for its registration pages), if the user may see it; any other visit is a 404."""
    visit = access_visit(user, visit_id)
    if visit.kind != Visit.Kind.SEMINAR_ABROAD:
        raise Http404(gettext("No seminar abroad with that number that you coordinate."))
    return visit


def access_session(user: AnyUser, session_id: int) -> Session:
    """The session with its visit and venue, if the user may see its visit."""
    session = (
        sessions_for_user(user).select_related("visit__delegation", "venue").filter(pk=session_id).first()
    )
    if session is None:
        raise Http404(gettext("No session with that number in a visit you coordinate."))
    return session


def access_expert(user: AnyUser, expert_id: int) -> SessionExpert:
    """An expert's row on a session, with its person and session (and the session's visit), if the user may
    see the session's visit."""
    expert = (
        SessionExpert.objects.filter(visible_visits(user, "session__visit"))
        .select_related(
            "person", "session__visit__delegation", "session__venue", "session__host_organisation"
        )
        .filter(pk=expert_id)
        .first()
    )
    if expert is None:
        raise Http404(gettext("No expert with that number in a visit you coordinate."))
    return expert


def access_interpreter(user: AnyUser, interpreter_id: int) -> SessionInterpreter:
    """An interpreter's booking on a session, with its person and session (and the session's visit), if the
    user may see the session's visit."""
    booked = (
        SessionInterpreter.objects.filter(visible_visits(user, "session__visit"))
        .select_related("person", "session__visit")
        .filter(pk=interpreter_id)
        .first()
    )
    if booked is None:
        raise Http404(gettext("No interpreter with that number in a visit you coordinate."))
    return booked


def access_delegation(user: AnyUser, delegation_id: int) -> Delegation:
    return get_object_or_404(delegations_for_user(user), pk=delegation_id)


def access_member(user: AnyUser, delegation: Delegation, member_id: int) -> DelegationMember:
    """A member of `delegation` (already accessed), with their person and organisation."""
    return get_object_or_404(
        members_for_user(user).select_related("person", "person__organisation"),
        pk=member_id,
        delegation=delegation,
    )


def access_person(user: AnyUser, person_id: int) -> Person:
    return get_object_or_404(people_for_user(user).select_related("organisation"), pk=person_id)


# --- Personal data: export, erasure, retention (privacy) ---


def personal_data_for_user(user: AnyUser) -> QuerySet[Person]:
    """People whose personal data the user looks after (exports, erases, sees when it goes): the members of
    the delegations they may see. An agency admin: anyone, experts too."""
    if not user.is_authenticated:
        return Person.objects.none()
    if is_agency_admin(user):
        return Person.objects.all()
    return Person.objects.filter(pk__in=members_for_user(user).values("person"))


def access_personal_data(user: AnyUser, person_id: int) -> Person:
    return get_object_or_404(personal_data_for_user(user).select_related("organisation"), pk=person_id)


def person_beyond_reach(user: AnyUser, person: Person) -> bool:
    """Whether the person is also in another coordinator's delegation, or on a visit the user does not
    coordinate: then what the user does to their personal data would reach another coordinator's records
    (only an agency admin may). The same rule as where their mail goes (`mail_kept_from`)."""
    return not may_redirect_mail(user, person)

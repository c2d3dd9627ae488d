"""Permission-checked fetches: what the user may not see is a 404, never a 403 that confirms it exists.

The scope is `visits.selectors.visits_for_user`: a superuser sees every visit, anyone else the visits they
coordinate. Being staff is not enough: coordinators are staff (the admin is part of their toolbox), so "staff
see all" would mean every coordinator sees every visit. Make a person a superuser to let them see all.
"""

from django.contrib.auth.models import AnonymousUser, User
from django.http import Http404
from django.utils.translation import gettext

from visits.models import Session, Visit
from visits.selectors import sessions_for_user, visits_for_user


def access_visit(user: User | AnonymousUser, visit_id: int) -> Visit:
    visit = visits_for_user(user).select_related("delegation").filter(pk=visit_id).first()
    if visit is None:
        raise Http404(gettext("No visit with that number that you coordinate."))
    return visit


def access_session(user: User | AnonymousUser, session_id: int) -> Session:
    """The session with its visit and venue, if the user may see its visit."""
    session = (
        sessions_for_user(user).select_related("visit__delegation", "venue").filter(pk=session_id).first()
    )
    if session is None:
        raise Http404(gettext("No session with that number in a visit you coordinate."))
    return session

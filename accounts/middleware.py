"""When REQUIRE_TWO_FACTOR is on, a signed-in person whose session has not entered a code is sent to the
code step (or to set up an app) from every page: the planner, the directory, the admin and any added later.
Left alone: the sign-in and two-factor pages themselves, signing out, choosing a language, the pages reached
by a personal link's token (they need no account), and the API, whose session sign-in refuses such a session
itself (api.authentication) while tokens go on working."""

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponseBase
from django.urls import Resolver404, resolve, reverse

from accounts.two_factor import two_factor_due

EXEMPT_NAMESPACES = {"two_factor", "api", "notifications", "participation", "responses"}
EXEMPT_NAMES = {"login", "logout", "set_language"}


def exempt(path: str) -> bool:
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return (
        bool(match.namespaces and match.namespaces[0] in EXEMPT_NAMESPACES) or match.url_name in EXEMPT_NAMES
    )


class TwoFactorRequired:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if settings.REQUIRE_TWO_FACTOR and not exempt(request.path_info):
            due = two_factor_due(request)
            if due is not None:
                return redirect_to_login(request.get_full_path(), reverse(due))
        return self.get_response(request)

"""Each user's language is a setting of their own: the switch stores it with the account, signing in (in any
browser) brings it back, and a signed-in page is shown in it.

The session carries it between requests, so a page costs no query for it; only signing in and switching do.
"""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpRequest, HttpResponseBase
from django.utils import translation
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from accounts.models import Preferences

SESSION_KEY = "visitplan_language"
VALID = {code for code, _name in settings.LANGUAGES}


@require_POST
def language_switch(request: HttpRequest) -> HttpResponseBase:
    """Django's set_language (cookie, next page), and for a signed-in user the account's setting too."""
    response = set_language(request)
    language = request.POST.get("language", "")
    if language in VALID and isinstance(request.user, User):
        Preferences.objects.update_or_create(user=request.user, defaults={"language": language})
        request.session[SESSION_KEY] = language
    return response


def take_up_at_sign_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    """user_logged_in: the account's language, if it has chosen one, becomes this session's."""
    if request is None or not hasattr(request, "session"):
        return
    language = Preferences.objects.filter(user=user).values_list("language", flat=True).first()
    if language in VALID:
        request.session[SESSION_KEY] = language


class UserLanguage:
    """After the session and the user are known: a signed-in page speaks the account's language, and the
    language cookie follows it, so the page after signing out does too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        user = getattr(request, "user", AnonymousUser())
        language = request.session.get(SESSION_KEY) if user.is_authenticated else None
        if language in VALID and language != translation.get_language():
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if language in VALID and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != language:
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax")
        return response

"""The API's session sign-in (a browser that is signed in to the site) refuses a session that still owes
its second factor (accounts.two_factor): the site's pages send such a session to the code step, and the API
must not be a way around it. Tokens are for systems, not people at a browser, and are not affected."""

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.authentication import SessionScheme
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from accounts.two_factor import two_factor_due


class VerifiedSessionAuthentication(SessionAuthentication):
    def authenticate(self, request: Request) -> tuple[Any, None] | None:
        signed_in = super().authenticate(request)
        if signed_in is not None and two_factor_due(request._request) is not None:
            raise AuthenticationFailed(
                _("Two-factor sign-in is required: sign in on the site with your code.")
            )
        return signed_in


class VerifiedSessionScheme(SessionScheme):
    """In the schema, the same cookie sign-in as REST framework's own session authentication."""

    target_class = "api.authentication.VerifiedSessionAuthentication"

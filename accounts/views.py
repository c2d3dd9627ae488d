"""Signing in with a password and then a code, and a person's own pages for their second factor: setting
up an authenticator app, recovery codes, removing both.

A wrong code counts as a failed sign-in for django-axes (per account and per address, as a wrong password
does), and django-otp makes each device wait longer after each wrong code; a right one resets both.
"""

import time
from base64 import b32encode
from binascii import unhexlify
from typing import Any
from urllib.parse import urlencode

import segno
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.forms import CodeForm
from accounts.services import (
    TwoFactorRefused,
    authenticator_add,
    authenticator_key_new,
    recovery_codes_renew,
    two_factor_remove,
)
from accounts.two_factor import code_check, has_authenticator, has_device, is_verified, recovery_codes_left

# Session keys. PENDING: the account whose password was right, waiting for its code (not signed in yet).
# SETUP_KEY: the secret of an app being set up, until its first code. NEW_CODES: recovery codes just made,
# shown once and then gone.
PENDING = "two_factor_pending"
SETUP_KEY = "two_factor_setup_key"
NEW_CODES = "two_factor_new_codes"
# The code step must follow the password step within this many seconds, or the password is asked again.
PENDING_SECONDS = 300


class SignInView(LoginView):
    """The password step. An account with a second factor is not signed in by its password alone: it is
    remembered in the session, and the code step signs it in. Wrong passwords and the lockout are django-axes'
    (its authentication backend), as before."""

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.get_user()
        if not has_device(user):
            return super().form_valid(form)
        self.request.session.cycle_key()
        self.request.session[PENDING] = {
            "user": user.pk,
            "backend": user.backend,
            "since": int(time.time()),
            "next": self.get_success_url(),
        }
        return HttpResponseRedirect(reverse("two_factor:verify"))


def _pending(request: HttpRequest) -> tuple[User, dict[str, Any]] | None:
    """The account waiting for its code after a right password, while it is still fresh."""
    pending = request.session.get(PENDING)
    if not pending:
        return None
    if time.time() - pending["since"] <= PENDING_SECONDS:
        user = User.objects.filter(pk=pending["user"], is_active=True).first()
        if user is not None:
            return user, pending
    del request.session[PENDING]
    return None


def _next(request: HttpRequest) -> str:
    """Where to go after a step: the `next` the page was given, if it is on this site."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(settings.LOGIN_REDIRECT_URL)


def _with_next(url: str, request: HttpRequest) -> str:
    next_url = request.POST.get("next") or request.GET.get("next")
    return f"{url}?{urlencode({'next': next_url}, safe='/')}" if next_url else url


def _proved(request: HttpRequest, user: User, form: CodeForm) -> Device | None:
    """The device whose code the valid form carries, or None with the form's error said. A wrong code is a
    failed sign-in for django-axes; once the account or the address is locked out, no code is even tried and
    AxesMiddleware answers with the lockout page."""
    credentials = {"username": user.get_username()}
    if AxesProxyHandler.is_locked(request, credentials):
        request.axes_locked_out = True  # type: ignore[attr-defined]
        request.axes_credentials = credentials  # type: ignore[attr-defined]
        return None
    check = code_check(user=user, code=form.cleaned_data["code"])
    if check.device is None:
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        form.add_error("code", check.refusal)
    return check.device


@sensitive_post_parameters()  # codes never appear in an error report
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def verify(request: HttpRequest) -> HttpResponseBase:
    """The code step: after a right password (the account is not signed in yet), or for a signed-in session
    that has not entered a code while one is required (one from before the requirement)."""
    pending = _pending(request)
    if pending is not None:
        user, state = pending
    elif isinstance(request.user, User) and not is_verified(request.user):
        user, state = request.user, None
    elif request.user.is_authenticated:
        return HttpResponseRedirect(_next(request))
    else:
        return HttpResponseRedirect(reverse("login"))
    if not has_device(user):
        if state is not None:  # removed since the password step: the password alone signs in now
            del request.session[PENDING]
            return HttpResponseRedirect(reverse("login"))
        # Signed in, with nothing to enter a code of: set one up (the middleware sends here only if required).
        return HttpResponseRedirect(_with_next(reverse("two_factor:setup"), request))
    form = CodeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        device = _proved(request, user, form)
        if device is not None:
            if state is not None:
                del request.session[PENDING]
                # django-otp's own user_logged_in receiver keeps this device in the session: it is verified.
                user.otp_device = device  # type: ignore[attr-defined]
                auth_login(request, user, backend=state["backend"])
                return HttpResponseRedirect(state["next"])
            otp_login(request, device)
            request.session.cycle_key()
            return HttpResponseRedirect(_next(request))
    return render(
        request,
        "accounts/verify.html",
        {"form": form, "username": user.get_username(), "recovery_codes": recovery_codes_left(user)},
    )


def _setup_page(request: HttpRequest, user: User, key: str, form: CodeForm) -> HttpResponse:
    uri = TOTPDevice(user=user, key=key).config_url
    secret = b32encode(unhexlify(key.encode())).decode()
    context = {
        "form": form,
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "uri": uri,
        # An inline SVG: no script, no style attribute, so the Content-Security-Policy has nothing to allow.
        "qr_svg": mark_safe(segno.make(uri, error="m").svg_inline(scale=4, dark="#000", light="#fff")),  # noqa: S308
        "next": request.GET.get("next", ""),
    }
    return render(request, "accounts/setup.html", context)


@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def setup(request: HttpRequest) -> HttpResponse:
    """Setting up an authenticator app: its secret (as a QR code, a key to type and an otpauth:// link), then
    a code from the app to confirm it; the recovery codes follow, shown once."""
    user = request.user
    assert isinstance(user, User)  # login_required let the request in
    if has_authenticator(user):
        messages.info(request, _("Your authenticator app is set up already."))
        return HttpResponseRedirect(reverse("two_factor:manage"))
    if has_device(user) and not is_verified(user):
        # Recovery codes left from an app removed in the admin: one of them first, then a new app.
        return HttpResponseRedirect(_with_next(reverse("two_factor:verify"), request))
    key = request.session.get(SETUP_KEY) or authenticator_key_new()
    request.session[SETUP_KEY] = key
    form = CodeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            device = authenticator_add(actor=user, key=key, code=form.cleaned_data["code"])
        except TwoFactorRefused as refusal:
            form.add_error("code", str(refusal))
        else:
            del request.session[SETUP_KEY]
            otp_login(request, device)
            request.session.cycle_key()
            request.session[NEW_CODES] = recovery_codes_renew(actor=user)
            return HttpResponseRedirect(_with_next(reverse("two_factor:recovery_codes"), request))
    return _setup_page(request, user, key, form)


@never_cache
@require_safe
@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """The recovery codes just made, once: reloading the page shows them no more."""
    codes = request.session.pop(NEW_CODES, None)
    if not codes:
        return HttpResponseRedirect(reverse("two_factor:manage"))
    shown = [f"{code[:4]}-{code[4:]}" for code in codes]
    return render(request, "accounts/recovery_codes.html", {"codes": shown, "next": _next(request)})


def _manage_page(
    request: HttpRequest, renew: CodeForm | None = None, remove: CodeForm | None = None
) -> HttpResponse:
    user = request.user
    app = TOTPDevice.objects.filter(user=user.pk, confirmed=True).first()
    context = {
        "app": app,
        "recovery_codes": recovery_codes_left(user),
        "required": settings.REQUIRE_TWO_FACTOR,
        "renew_form": renew or CodeForm(prefix="renew"),
        "remove_form": remove or CodeForm(prefix="remove"),
    }
    return render(request, "accounts/manage.html", context)


@never_cache
@require_safe
@login_required
def manage(request: HttpRequest) -> HttpResponse:
    """A person's own two-factor sign-in: whether it is set up, how many recovery codes are left, and the
    forms to renew them or to remove it all, each asking for a current code."""
    return _manage_page(request)


def _code_form(request: HttpRequest, prefix: str) -> tuple[User, CodeForm, Device | None]:
    user = request.user
    assert isinstance(user, User)  # login_required let the request in
    form = CodeForm(request.POST, prefix=prefix)
    return user, form, _proved(request, user, form) if form.is_valid() else None


@sensitive_post_parameters()
@never_cache
@require_POST
@login_required
def recovery_codes_new(request: HttpRequest) -> HttpResponse:
    user, form, device = _code_form(request, "renew")
    if device is None:
        return _manage_page(request, renew=form)
    request.session[NEW_CODES] = recovery_codes_renew(actor=user)
    return HttpResponseRedirect(reverse("two_factor:recovery_codes"))


@sensitive_post_parameters()
@never_cache
@require_POST
@login_required
def remove(request: HttpRequest) -> HttpResponse:
    user, form, device = _code_form(request, "remove")
    if device is None:
        return _manage_page(request, remove=form)
    two_factor_remove(actor=user)
    messages.success(request, _("Two-factor sign-in is removed from your account."))
    return HttpResponseRedirect(reverse("two_factor:manage"))

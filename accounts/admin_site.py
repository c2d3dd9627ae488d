"""The admin behind two-factor sign-in: whoever still owes a code (accounts.two_factor.two_factor_due) is not
let in, as django-otp's OTPAdminSite does; and its sign-in page is the site's own two steps, so that an
account with a second factor cannot sign in with its password alone there."""

from typing import Any, cast

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache

from accounts.two_factor import two_factor_due


class AdminSite(admin.AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and two_factor_due(request) is None

    @method_decorator(never_cache)
    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        from django.contrib.admin.forms import AdminAuthenticationForm

        from accounts.views import SignInView  # the views import models: not while the admin loads

        index = reverse("admin:index", current_app=self.name)
        due = two_factor_due(request)
        if due is not None:
            return redirect_to_login(request.GET.get(REDIRECT_FIELD_NAME) or index, reverse(due))
        if request.method == "GET" and self.has_permission(request):
            return HttpResponseRedirect(index)
        request.current_app = self.name
        view = SignInView.as_view(authentication_form=AdminAuthenticationForm, next_page=index)
        return cast(HttpResponse, view(request))  # a form page or a redirect

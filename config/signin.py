"""Sign-in throttling (django-axes): who is signing in from where, and the page a locked-out person sees."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def client_address(request: HttpRequest) -> str:
    """The address a sign-in came from. Behind PROXY_COUNT proxies that each append to X-Forwarded-For,
    it is the entry the outermost of them wrote; with none, the connection's address. Entries further left
    are whatever the client sent, so they are never trusted: a client could dodge its lockout with them."""
    proxies = settings.PROXY_COUNT
    forwarded = [
        part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
    ]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return str(request.META.get("REMOTE_ADDR", ""))


def locked_out(request: HttpRequest, original_response: Any = None, credentials: Any = None) -> HttpResponse:
    """The page (429) for a sign-in refused because of too many failures, in the visitor's language."""
    context = {"minutes": settings.AXES_COOLOFF_MINUTES, "failure_limit": settings.AXES_FAILURE_LIMIT}
    return render(request, "registration/locked_out.html", context, status=429)

"""Programmes: the coordinator's page to see every conflict, acknowledge warnings, preview and publish.

The page reads only; the two buttons POST. What it shows is `scheduling.preview.publish_check`, as the
planner's publish page shows it, with the published versions besides. An
app that comes later may add to it: it registers a subclass that overrides `programme_context` and a template
that extends this one and fills its `answers` block.
"""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import Max, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import dateformat, translation
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from scheduling.checks import CannotAcknowledge, warning_acknowledge
from scheduling.models import Programme
from scheduling.preview import publish_check, user_name
from scheduling.publishing import (
    PublishBlocked,
    nothing_published_message,
    programme_publish,
)
from scheduling.selectors import versions_for_visit
from visits.access import actor_of, visible_visits
from visits.admin import DomainAdmin
from visits.models import Visit
from visits.timefmt import format_moment


@dataclass(frozen=True)
class VersionRow:
    number: int
    published_at: str
    published_by: str
    change_count: int
    url: str


def session_admin_url(session_id: int) -> str:
    return reverse("admin:visits_session_change", args=[session_id])


def signed_in_user(request: HttpRequest) -> User:
    """The admin's user, who acknowledges and publishes; the admin lets in no one else."""
    actor = actor_of(request)
    if actor is None:
        raise PermissionDenied
    return actor


@admin.register(Programme)
class ProgrammeAdmin(DomainAdmin):
    """A visit's programme as its coordinator publishes it. Nothing here edits the visit or its sessions.

    Staff see the programmes of the visits they coordinate (a superuser sees all), and a 404 for any other.
    Seeing a programme needs the permission to see its visit; acknowledging and publishing, to change it.
    """

    list_display = ["title", "dates", "status", "published_version"]
    list_filter = ["status", "kind"]
    search_fields = ["title", "delegation__name"]
    date_hierarchy = "starts_on"
    programme_template = "admin/scheduling/programme/programme.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Visit]:
        queryset = super().get_queryset(request).filter(visible_visits(request.user))
        queryset = queryset.annotate(published_version=Max("versions__number"))
        return queryset.order_by(*Visit._meta.ordering)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("visits.view_visit") or request.user.has_perm("visits.change_visit")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # the page is read-only; its buttons need may_act()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def may_act(self, request: HttpRequest) -> bool:
        """Acknowledging a warning and publishing the programme are changes to the visit."""
        return request.user.has_perm("visits.change_visit")

    @admin.display(description=_("dates"), ordering="starts_on")
    def dates(self, visit: Visit) -> str:
        return f"{dateformat.format(visit.starts_on, 'j M Y')} – {dateformat.format(visit.ends_on, 'j M Y')}"

    @admin.display(description=_("published version"), ordering="published_version")
    def published_version(self, visit: Visit) -> int | str:
        return visit.published_version or "–"  # type: ignore[attr-defined]

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        visit = self.get_object(request, unquote(object_id))
        if visit is None:
            raise Http404(gettext("No programme with that id that you coordinate."))
        if not self.has_view_permission(request, visit):
            raise PermissionDenied
        if request.method == "POST":
            return self.act(request, visit)
        return self.programme_page(request, visit, extra_context)

    # --- Reading ---

    def programme_page(
        self, request: HttpRequest, visit: Visit, extra_context: dict[str, Any] | None
    ) -> TemplateResponse:
        context = {**self.programme_context(request, visit), **(extra_context or {})}
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.programme_template, context)

    def programme_context(self, request: HttpRequest, visit: Visit) -> dict[str, Any]:
        """What `programme_template` shows of the visit's programme."""
        versions = list(versions_for_visit(visit))  # without their snapshots
        user = request.user
        check = publish_check(
            visit,
            reader=user,
            session_url=session_admin_url if user.has_perm("visits.view_session") else None,
        )
        return {
            **self.admin_site.each_context(request),
            "title": visit.title,
            "subtitle": None,
            "opts": self.opts,
            "original": visit,
            "visit": visit,
            "visit_dates": self.dates(visit),
            "has_view_permission": True,
            "may_act": self.may_act(request),
            "fatal": check.fatal,
            "warnings": check.warnings,
            "preview": check.preview,
            "versions": [
                VersionRow(
                    number=version.number,
                    published_at=format_moment(version.published_at, visit.zone),
                    published_by=user_name(version.published_by),
                    change_count=version.change_count,  # type: ignore[attr-defined]
                    url=reverse("admin:scheduling_programmeversion_change", args=[version.pk])
                    if user.has_perm("scheduling.view_programmeversion")
                    else "",
                )
                for version in versions
            ],
            "visit_url": reverse("admin:visits_visit_change", args=[visit.pk])
            if user.has_perm("visits.view_visit") or user.has_perm("visits.change_visit")
            else "",
        }

    # --- Acting ---

    def act(self, request: HttpRequest, visit: Visit) -> HttpResponse:
        action = request.POST.get("action")
        if action not in ("acknowledge", "publish"):
            return HttpResponseBadRequest(gettext("Unknown action: choose “acknowledge” or “publish”."))
        if not self.may_act(request):
            raise PermissionDenied
        if action == "acknowledge":
            self.acknowledge(request, visit, request.POST.get("key", ""))
        else:
            self.publish(request, visit)
        return HttpResponseRedirect(request.path)

    def acknowledge(self, request: HttpRequest, visit: Visit, key: str) -> None:
        language = translation.get_language() or settings.LANGUAGE_CODE
        try:
            conflict = warning_acknowledge(visit=visit, key=key, actor=signed_in_user(request))
        except CannotAcknowledge as refused:
            messages.error(request, str(refused))
            return
        if conflict is None:
            messages.warning(
                request, gettext("That conflict no longer arises; there is nothing to acknowledge.")
            )
            return
        messages.success(
            request, gettext("Warning acknowledged: %(message)s") % {"message": conflict.message(language)}
        )

    def publish(self, request: HttpRequest, visit: Visit) -> None:
        language = translation.get_language() or settings.LANGUAGE_CODE
        try:
            version = programme_publish(visit=visit, actor=signed_in_user(request))
        except PublishBlocked as blocked:
            messages.error(
                request,
                format_html(
                    "{}<ul>{}</ul>",
                    gettext("Not published: these fatal conflicts must be resolved first."),
                    format_html_join("", "<li>{}</li>", ((c.message(language),) for c in blocked.conflicts)),
                ),
            )
            return
        if version is not None:
            messages.success(
                request,
                gettext("Version %(number)d of the programme is published.") % {"number": version.number},
            )
            return
        messages.info(request, nothing_published_message(visit))

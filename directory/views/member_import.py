"""Importing members: upload, a preview that says what each row would do, and a confirm that imports.

Between preview and confirm the rows are kept in the coordinator's session (bounded by the file limits in
directory.tabular), under a random token that the confirm form sends back: a stale or foreign confirm finds
nothing to import.
"""

import csv
import io
import secrets
from typing import Any

from django.contrib import messages
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from directory.forms import ImportUploadForm
from directory.member_import import members_import, outcome_of, plan_import
from directory.tabular import MAX_FILE_BYTES, TableError, TableRow, read_table, template_headers
from directory.views.members import members_url
from visits.access import access_delegation, actor_of, coordinator_required
from visits.models import Delegation

SESSION_KEY = "directory.member_import"


def _import_url(delegation: Delegation) -> str:
    return reverse("directory:members_import", args=[delegation.pk])


@require_http_methods(["GET", "HEAD", "POST"])
@coordinator_required
def import_upload(request: HttpRequest, delegation_id: int) -> HttpResponse:
    delegation = access_delegation(request.user, delegation_id)
    form = ImportUploadForm(request.POST, request.FILES) if request.method == "POST" else ImportUploadForm()
    if request.method != "POST" or not form.is_valid():
        return render(request, "directory/import_upload.html", {"delegation": delegation, "form": form})
    upload = form.cleaned_data["file"]
    try:
        table = read_table(upload.read(MAX_FILE_BYTES + 1), upload.name or "")
    except TableError as error:
        form.add_error("file", str(error))
        return render(request, "directory/import_upload.html", {"delegation": delegation, "form": form})
    token = secrets.token_urlsafe(16)
    request.session[SESSION_KEY] = {
        "delegation": delegation.pk,
        "token": token,
        "filename": upload.name,
        "rows": [[row.line, row.values] for row in table.rows],
    }
    planned = plan_import(delegation=delegation, rows=table.rows, actor=actor_of(request))
    outcome = outcome_of(planned)
    context = {
        "delegation": delegation,
        "filename": upload.name,
        "planned": planned,
        "valid_count": outcome.added + outcome.updated,
        "error_count": outcome.skipped + outcome.conflicts,
        "ignored_headers": table.ignored_headers,
        "token": token,
    }
    return render(request, "directory/import_preview.html", context)


@require_POST
@coordinator_required
def import_confirm(request: HttpRequest, delegation_id: int) -> HttpResponse:
    delegation = access_delegation(request.user, delegation_id)
    pending: dict[str, Any] | None = request.session.get(SESSION_KEY)
    token = request.POST.get("token", "")
    if (
        not pending
        or pending.get("delegation") != delegation.pk
        or not secrets.compare_digest(str(pending.get("token", "")), token)
    ):
        messages.error(request, _("This preview is no longer open. Upload the file again to import it."))
        return HttpResponseRedirect(_import_url(delegation))
    del request.session[SESSION_KEY]
    rows = [TableRow(line=int(line), values=dict(values)) for line, values in pending["rows"]]
    try:
        outcome = members_import(delegation=delegation, rows=rows, actor=actor_of(request))
    except IntegrityError:
        # Someone added one of these people or memberships in the moment between planning and writing.
        messages.error(
            request,
            _(
                "These members were changed by someone else while the file was imported; nothing was "
                "imported. Upload the file again to see what it would do now."
            ),
        )
        return HttpResponseRedirect(_import_url(delegation))
    messages.success(
        request,
        _("Imported %(file)s: %(added)s added, %(updated)s updated, %(skipped)s rows with errors skipped.")
        % {
            "file": pending.get("filename", ""),
            "added": outcome.added,
            "updated": outcome.updated,
            "skipped": outcome.skipped + outcome.conflicts,
        },
    )
    return HttpResponseRedirect(members_url(delegation))


@require_safe
@coordinator_required
def import_template(request: HttpRequest) -> HttpResponse:
    """An empty members file with the headers in the page's language (English or Swedish)."""
    out = io.StringIO()
    csv.writer(out).writerow(template_headers(get_language() or "en"))
    # The BOM makes spreadsheet programs read the file as UTF-8 (å, ä, ö in Swedish headers).
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="members.csv"'
    return response

"""Copying a whole programme from another visit into this one: choose the visit, preview, then copy
(visits.services.copying says what is kept and what moves)."""

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import dateformat
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from visits.access import AnyUser, access_visit, actor_of, signed_in_required, visits_for_user
from visits.models import Visit
from visits.services import programme_copy as copy_programme
from visits.services import programme_copy_plan
from visits.timefmt import format_span


class VisitChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Visit) -> str:
        first, last = dateformat.format(obj.starts_on, "j M Y"), dateformat.format(obj.ends_on, "j M Y")
        return f"{obj.title} ({first} – {last})"


class CopySourceForm(forms.Form):
    source = VisitChoice(
        label=_("Copy the programme of"),
        queryset=Visit.objects.none(),
        empty_label=_("Choose a visit"),
        error_messages={"invalid_choice": _("Choose one of the visits listed: that one is not among them.")},
    )

    def __init__(self, *args: object, reader: AnyUser, target: Visit, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["source"]
        assert isinstance(field, VisitChoice)
        # Only the visits the reader may see (visits.access), never this one.
        field.queryset = visits_for_user(reader).exclude(pk=target.pk).order_by("-starts_on", "title")


@signed_in_required
def programme_copy(request: HttpRequest, visit_id: int) -> HttpResponse:
    target = access_visit(request.user, visit_id)
    data = request.POST if request.method == "POST" else (request.GET if "source" in request.GET else None)
    form = CopySourceForm(data, reader=request.user, target=target)
    context: dict[str, object] = {"visit": target, "form": form, "page": "copy"}
    if data is None:
        return render(request, "planner/programme_copy.html", context)
    if not form.is_valid():
        return render(request, "planner/programme_copy.html", context, status=400)
    plan = programme_copy_plan(source=form.cleaned_data["source"], target=target)
    if request.method != "POST":
        rows = [
            (
                line.fits,
                {
                    "line": line,
                    "was": format_span(line.session.starts_at, line.session.ends_at, line.session.zone),
                    "becomes": format_span(line.starts_at, line.ends_at, line.session.zone),
                },
            )
            for line in plan.lines
        ]
        context |= {
            "plan": plan,
            "copied": [row for fits, row in rows if fits],
            "left_out": [row for fits, row in rows if not fits],
        }
        return render(request, "planner/programme_copy.html", context)
    created = copy_programme(plan=plan, actor=actor_of(request))
    message = ngettext(
        "%(count)d session copied from “%(source)s”; each is tentative and its experts are not asked yet.",
        "%(count)d sessions copied from “%(source)s”; each is tentative and its experts are not asked yet.",
        len(created),
    ) % {"count": len(created), "source": plan.source.title}
    if plan.left_out:
        message += " " + ngettext(
            "%(count)d session fell outside the visit's dates and was not copied: %(titles)s.",
            "%(count)d sessions fell outside the visit's dates and were not copied: %(titles)s.",
            len(plan.left_out),
        ) % {"count": len(plan.left_out), "titles": ", ".join(line.session.title for line in plan.left_out)}
        messages.warning(request, message)
    else:
        messages.success(request, message)
    return HttpResponseRedirect(reverse("planner:board", args=[target.pk]))

"""Importing delegation members from a file: a plan that says what each row would do, and the import itself.

The plan is made twice: for the preview, and again inside the import's transaction, so what is imported is
checked against the database as it is then, not as it was when the preview was shown.

A row whose person belongs to another coordinator's delegation, or whose name the importer may not change
(visits.access), is a conflict: skipped, and nothing about that person changes.
"""

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from directory.forms import MemberRowForm
from directory.tabular import TableRow
from participation.services import members_needs_set
from visits.access import held_by_others, mail_kept_from
from visits.models import Delegation, DelegationMember, Organisation, Person

# The cells of the coordinators' notes on what a member needs (kept by participation, not on the membership).
NEEDS_CELLS = ("dietary_needs", "accessibility_needs")

ADD = "add"
UPDATE = "update"
ERROR = "error"
CONFLICT = "conflict"  # the person is another coordinator's: skipped, unchanged


@dataclass(frozen=True, slots=True)
class RowError:
    field: str  # the field's label, as the person reading the preview knows it
    message: str


@dataclass(slots=True)
class PlannedRow:
    line: int
    values: dict[str, str]
    action: str  # ADD, UPDATE, ERROR or CONFLICT
    errors: list[RowError] = field(default_factory=list)
    cleaned: dict[str, Any] = field(default_factory=dict)
    person: Person | None = None  # the person matched by e-mail, for UPDATE
    organisation: Organisation | None = None  # an existing organisation; None with a name: a new one
    new_organisation: str = ""


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    added: int
    updated: int
    skipped: int
    conflicts: int = 0


def plan_import(*, delegation: Delegation, rows: list[TableRow], actor: User | None) -> list[PlannedRow]:
    """What each row would do, imported by `actor` (None: the system). Four queries, however many rows."""
    planned = [_check_row(row) for row in rows]
    valid = [row for row in planned if row.action != ERROR]
    emails = {row.cleaned["email"].lower() for row in valid}
    people = {
        person.email_lower: person
        for person in Person.objects.annotate(email_lower=Lower("email")).filter(email_lower__in=emails)
    }
    names = {row.cleaned["organisation"] for row in valid if row.cleaned["organisation"]}
    organisations = _organisations_by_name(names, delegation)
    seen: dict[str, int] = {}
    for row in valid:
        email = row.cleaned["email"].lower()
        if email in seen:
            row.action = ERROR
            row.errors.append(
                RowError(
                    _("e-mail"),
                    _("the same address is in row %(line)s; give each person once") % {"line": seen[email]},
                )
            )
            continue
        seen[email] = row.line
        name = row.cleaned["organisation"]
        if name:
            row.organisation = organisations.get(name.lower())
            if row.organisation is None:
                if not delegation.countries:
                    row.action = ERROR
                    row.errors.append(
                        RowError(
                            _("organisation"),
                            _(
                                "no organisation is called “%(name)s”; use the name of one in the directory, "
                                "leave it empty, or give the delegation a country so that it can be added"
                            )
                            % {"name": name},
                        )
                    )
                    continue
                row.new_organisation = name
        row.person = people.get(email)
        row.action = UPDATE if row.person is not None else ADD
    _mark_conflicts([row for row in valid if row.action == UPDATE], actor=actor)
    return planned


def _mark_conflicts(rows: list[PlannedRow], *, actor: User | None) -> None:
    """Rows whose person the actor may not change: a member of another coordinator's delegation, or someone
    on another coordinator's visit whom the row would rename. One query."""
    ids = [row.person.pk for row in rows if row.person is not None]
    if not ids or actor is None:
        return
    held: set[int] = set()
    kept: set[int] = set()
    for pk, is_held in (
        Person.objects.filter(pk__in=ids)
        .filter(mail_kept_from(actor))
        .annotate(is_held=Exists(Person.objects.filter(pk=OuterRef("pk")).filter(held_by_others(actor))))
        .values_list("pk", "is_held")
    ):
        (held if is_held else kept).add(pk)
    for row in rows:
        assert row.person is not None
        if row.person.pk in held:
            message = _(
                "this person belongs to another coordinator's delegation; they are left as they are (ask "
                "that delegation's coordinators or an agency admin)"
            )
        elif row.person.pk in kept and row.cleaned["name"].strip() != row.person.name.strip():
            message = _(
                "this person is on a visit that another coordinator coordinates; only they or an agency "
                "admin can change their name, so the row is left out"
            )
        else:
            continue
        row.action = CONFLICT
        row.errors.append(RowError(_("e-mail"), message))


def _check_row(row: TableRow) -> PlannedRow:
    form = MemberRowForm(data=row.values)
    if form.is_valid():
        return PlannedRow(line=row.line, values=row.values, action=ADD, cleaned=form.cleaned_data)
    errors = [
        RowError(str(form.fields[name].label) if name in form.fields else name, str(message))
        for name, messages in form.errors.items()
        for message in messages
    ]
    return PlannedRow(line=row.line, values=row.values, action=ERROR, errors=errors)


def _organisations_by_name(names: set[str], delegation: Delegation) -> dict[str, Organisation]:
    """Organisations by lower-cased name; of two with one name, the one in the delegation's countries.

    SQLite lower-cases ASCII letters only, so the exact names are asked for too."""
    if not names:
        return {}
    found: dict[str, Organisation] = {}
    countries = {country.code for country in delegation.countries}
    lowered = {name.lower() for name in names}
    candidates = Organisation.objects.annotate(name_lower=Lower("name")).filter(
        Q(name_lower__in=lowered) | Q(name__in=names)
    )
    for organisation in candidates.order_by("name", "country", "pk"):
        key = organisation.name.lower()
        if key not in lowered:
            continue
        current = found.get(key)
        if current is None or (
            current.country.code not in countries and organisation.country.code in countries
        ):
            found[key] = organisation
    return found


@transaction.atomic
def members_import(
    *, delegation: Delegation, rows: list[TableRow], actor: User | None = None
) -> ImportOutcome:
    """Import the valid rows, as `actor` (None: the system): people matched by e-mail are updated, others
    added; rows in error are skipped.

    A blank optional cell leaves what is stored. New organisations are added as visiting organisations in
    the delegation's first country. The writes are in bulk, a fixed number of queries however many rows
    (but SQLite takes at most 999 parameters a query, so there a write of many rows is split in batches)."""
    planned = plan_import(delegation=delegation, rows=rows, actor=actor)
    valid = [row for row in planned if row.action in (ADD, UPDATE)]
    organisations = _organisations_add(delegation=delegation, rows=valid)
    people = _people_save(rows=valid, organisations=organisations)
    _memberships_save(delegation=delegation, rows=valid, people=people, actor=actor)
    return outcome_of(planned)


def outcome_of(planned: list[PlannedRow]) -> ImportOutcome:
    """What importing these planned rows does: each valid row adds or updates, each in error is skipped, each
    in conflict is skipped and counted apart."""
    actions = Counter(row.action for row in planned)
    return ImportOutcome(
        added=actions[ADD], updated=actions[UPDATE], skipped=actions[ERROR], conflicts=actions[CONFLICT]
    )


def _organisations_add(*, delegation: Delegation, rows: list[PlannedRow]) -> dict[str, Organisation]:
    """The organisations the rows name that are not in the directory yet, added once each, by folded name."""
    added: dict[str, Organisation] = {}
    for row in rows:
        if row.new_organisation:
            added.setdefault(
                row.new_organisation.casefold(),
                Organisation(
                    name=row.new_organisation,
                    country=delegation.countries[0],
                    side=Organisation.Side.VISITING,
                ),
            )
    Organisation.objects.bulk_create(added.values())
    return added


PERSON_FIELDS = ["name", "phone", "title", "preferred_language", "organisation"]


def _people_save(*, rows: list[PlannedRow], organisations: dict[str, Organisation]) -> list[Person]:
    """Each row's person, updated or added; in the order of the rows."""
    people: list[Person] = []
    for row in rows:
        data = row.cleaned
        # Person.save() strips the address; bulk_create does not call it, so strip it here.
        person = row.person or Person(email=data["email"].strip())
        person.name = data["name"]
        for name in ("phone", "title", "preferred_language"):
            if data[name]:
                setattr(person, name, data[name])
        if row.new_organisation:
            person.organisation = organisations[row.new_organisation.casefold()]
        elif row.organisation is not None:
            person.organisation = row.organisation
        people.append(person)
    Person.objects.bulk_update([p for p, row in zip(people, rows, strict=True) if row.person], PERSON_FIELDS)
    Person.objects.bulk_create([p for p, row in zip(people, rows, strict=True) if not row.person])
    return people


def _memberships_save(
    *, delegation: Delegation, rows: list[PlannedRow], people: list[Person], actor: User | None
) -> None:
    """Each person a member of the delegation: an existing membership gets the cells given, a new one also a
    role, the default if its cell is blank; the notes on needs given go to participation. Only a person
    matched by e-mail can already be a member."""
    matched = [person.pk for person, row in zip(people, rows, strict=True) if row.person]
    existing = {
        member.person_id: member
        for member in DelegationMember.objects.select_for_update().filter(
            delegation=delegation, person_id__in=matched
        )
    }
    added: list[DelegationMember] = []
    updated: list[DelegationMember] = []
    fields: set[str] = set()
    needs: list[tuple[DelegationMember, dict[str, str]]] = []
    for person, row in zip(people, rows, strict=True):
        given = _member_cells_given(row)
        notes = {name: row.cleaned[name] for name in NEEDS_CELLS if row.cleaned[name]}
        member = existing.get(person.pk)
        if member is None:
            values = {"role": row.cleaned["role"], **given}  # a blank role cell: the default role
            member = DelegationMember(delegation=delegation, person=person, **values)
            added.append(member)
        elif given:
            for name, value in given.items():
                setattr(member, name, value)
            fields.update(given)
            updated.append(member)
        if notes:
            needs.append((member, notes))
    if updated:
        # Each member is written every field any row gave; where its own row left one blank, the value just
        # read (and locked) is written back unchanged.
        DelegationMember.objects.bulk_update(updated, sorted(fields))
    DelegationMember.objects.bulk_create(added)
    # What the members need is participation's, written once the new memberships have their ids.
    members_needs_set(notes={member.pk: notes for member, notes in needs}, actor=actor)


def _member_cells_given(row: PlannedRow) -> dict[str, Any]:
    """The membership's fields the row gives a value for; the role only if its cell was filled in."""
    data = row.cleaned
    given: dict[str, Any] = {"languages": data["languages"]} if data["languages"] else {}
    if row.values.get("role"):
        given["role"] = data["role"]
    return given

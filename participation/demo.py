"""The demo's needs: the coordinators' notes on what the demo delegations' members need.

visits.demo's data names them beside each member, but visits does not keep needs: this step writes them, after
visits.demo.load_demo (manage.py seed_demo runs both). Safe to run again: what is already so is left as it is.
"""

from participation.selectors import MEMBER_NOTES, member_notes
from participation.services import members_needs_set
from visits.demo import DELEGATIONS, PEOPLE, person_email
from visits.models import DelegationMember


def load_member_needs(*, reset: bool = False) -> tuple[int, int]:
    """Write the demo members' notes where a member has none (all of them back as shipped when `reset`);
    return how many rows were created and how many changed."""
    emails = {data["key"]: person_email(data).lower() for data in PEOPLE}
    wanted = {
        (delegation["name"], emails[member["person"]]): {
            name: str(member.get(name, "")) for name in MEMBER_NOTES
        }
        for delegation in DELEGATIONS
        for member in delegation["members"]
    }
    members = DelegationMember.objects.filter(
        delegation__name__in={name for name, _ in wanted}
    ).select_related("delegation", "person", "needs")
    notes: dict[int, dict[str, str]] = {}
    created = changed = 0
    for member in members:
        want = wanted.get((member.delegation.name, member.person.email.lower()))
        if want is None:
            continue
        have = member_notes(member)
        if all(getattr(have, name) == value for name, value in want.items()):
            continue
        if not reset and (have.dietary_needs or have.accessibility_needs):
            continue  # a coordinator's own notes stay
        notes[member.pk] = want
        if have.dietary_needs or have.accessibility_needs:
            changed += 1
        else:
            created += 1
    members_needs_set(notes=notes, actor=None)
    return created, changed

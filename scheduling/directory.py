"""Who in the directory is an expert and who an interpreter: what the directory lists and the session form's
pickers offer. A person has no role of their own (visits.models.Person): what they are is read from what they
do, so these are the one place that says how.

- an expert: someone at a host organisation who is in no delegation, or anyone with weekly hours in the
  directory or asked to lead a session before. A delegate is not an expert because the organisation they
  came with was left on the host side (its default) by mistake.
- an interpreter: a delegation's interpreter, or anyone booked to interpret a session before. Their picker
  offers them first, and then the rest of the directory outside the delegations, so that an interpreter
  booked for the first time can be chosen; a delegate who is not an interpreter is not offered.

What a user is offered is those they may see (visits.access.visible_people), and whoever is on the session
already, who stays when its form is sent back.
"""

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet

from scheduling.models import ExpertHours
from visits.access import AnyUser, visible_people
from visits.models import (
    DelegationMember,
    Organisation,
    Person,
    Session,
    SessionExpert,
    SessionInterpreter,
)
from visits.models.delegations import MemberRole as Role


def expert_condition() -> Q:
    in_a_delegation = Exists(DelegationMember.objects.filter(person=OuterRef("pk")))
    return (
        (Q(organisation__side=Organisation.Side.HOST) & Q(~in_a_delegation))
        | Q(Exists(ExpertHours.objects.filter(person=OuterRef("pk"))))
        | Q(Exists(SessionExpert.objects.filter(person=OuterRef("pk"))))
    )


def interpreter_condition() -> Q:
    interpreting = DelegationMember.objects.filter(person=OuterRef("pk"), role=Role.INTERPRETER)
    return Q(Exists(interpreting)) | Q(Exists(SessionInterpreter.objects.filter(person=OuterRef("pk"))))


def experts() -> QuerySet[Person]:
    """Everyone who is an expert, whoever may see them."""
    return Person.objects.filter(expert_condition())


def interpreters() -> QuerySet[Person]:
    return Person.objects.filter(interpreter_condition())


def _offered(user: AnyUser | None, role: Q, on_session: Q) -> QuerySet[Person]:
    """People with the role whom the user may see (None: the system, who sees all), and those `on_session`."""
    seen = role if user is None else role & visible_people(user)
    return Person.objects.filter(seen | on_session)


def _on_session(model: type[SessionExpert] | type[SessionInterpreter], session: Session | None) -> Q:
    if session is None or session.pk is None:
        return Q(pk__in=[])
    return Q(pk__in=model.objects.filter(session=session).values("person"))


def experts_to_choose(user: AnyUser | None, session: Session | None = None) -> QuerySet[Person]:
    """The experts a session's form offers: the directory's as the user sees them, and the session's own."""
    return _offered(user, expert_condition(), _on_session(SessionExpert, session))


def interpreters_to_choose(user: AnyUser | None, session: Session | None = None) -> QuerySet[Person]:
    """Interpreters (`interprets` true) and the others in no delegation, as the user sees them; and the
    session's own."""
    in_no_delegation = ~Q(Exists(DelegationMember.objects.filter(person=OuterRef("pk"))))
    offered = _offered(
        user, interpreter_condition() | in_no_delegation, _on_session(SessionInterpreter, session)
    )
    return offered.annotate(
        interprets=ExpressionWrapper(interpreter_condition(), output_field=BooleanField())
    )
